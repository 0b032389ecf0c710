export default definePageConfig({ navigationBarTitleText: '对账详情' });
