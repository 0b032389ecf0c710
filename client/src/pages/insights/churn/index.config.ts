export default definePageConfig({ navigationBarTitleText: '流失风险' });
