export default definePageConfig({ navigationBarTitleText: '节点详情' });
