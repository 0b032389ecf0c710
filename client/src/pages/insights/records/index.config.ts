export default definePageConfig({ navigationBarTitleText: '指标明细' });
