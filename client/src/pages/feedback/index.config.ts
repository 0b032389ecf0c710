export default definePageConfig({ navigationBarTitleText: '投诉与报修' });
