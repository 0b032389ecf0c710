export default definePageConfig({ navigationBarTitleText: '项目沟通' });
