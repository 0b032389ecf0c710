export default definePageConfig({ navigationBarTitleText: '经营看板', enablePullDownRefresh: true });
