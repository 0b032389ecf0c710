export default definePageConfig({ navigationBarTitleText: '分享进度' });
