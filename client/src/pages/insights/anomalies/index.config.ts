export default definePageConfig({ navigationBarTitleText: '异常预警' });
