export default definePageConfig({ navigationBarTitleText: '商机看板' });
