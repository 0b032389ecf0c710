export default definePageConfig({ navigationBarTitleText: '编辑员工' });
