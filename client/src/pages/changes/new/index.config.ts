export default definePageConfig({ navigationBarTitleText: '提交变更申请' });
