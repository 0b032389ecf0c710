export default definePageConfig({ navigationBarTitleText: '退款审批' });
