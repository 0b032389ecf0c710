export default definePageConfig({ navigationBarTitleText: '施工日志' });
