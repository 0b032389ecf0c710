export default definePageConfig({ navigationBarTitleText: '绑定客户' });
