export default definePageConfig({ navigationBarTitleText: '收款详情' });
