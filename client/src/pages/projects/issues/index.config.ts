export default definePageConfig({ navigationBarTitleText: '现场问题' });
