const isH5 = process.env.TARO_ENV === 'h5';

export default defineAppConfig({
  pages: [
    'pages/login/index',
    // The browser stands in for WeChat through the simulator; the mini-program has WeChat itself.
    ...(isH5 ? ['pages/login/wechat-sim/index'] : []),
    'pages/login/staff/index',
    'pages/login/password/index',
    'pages/bind/index',
    'pages/home/index',
    'pages/inbox/index',
    'pages/preferences/index',
  ],
  // CRM pages load on demand: they stay out of the mini-program's 2 MB main package.
  subPackages: [
    { root: 'pages/customers', pages: ['index', 'detail/index'] },
    { root: 'pages/opportunities', pages: ['index', 'detail/index'] },
    {
      root: 'pages/projects',
      pages: [
        'index',
        'home/index',
        'milestone/index',
        'gallery/index',
        'share/index',
        'daily-log/index',
        'issues/index',
        'scan/index',
        'weekly/index',
      ],
    },
    // Opened from a share link by people without an account.
    { root: 'pages/shared', pages: ['index'] },
    // Issue 6: change requests, complaints / repairs / ratings, and the project chat.
    { root: 'pages/changes', pages: ['index', 'new/index', 'detail/index'] },
    {
      root: 'pages/feedback',
      pages: ['index', 'complaint/index', 'repair/index', 'rating/index'],
    },
    { root: 'pages/chat', pages: ['index'] },
    // Issue 7: the customer's invoices, payments and receipts; finance's receivables, refunds, reconciliation.
    { root: 'pages/invoices', pages: ['index', 'detail/index', 'receipt/index', 'payments/index'] },
    {
      root: 'pages/finance',
      pages: [
        'index',
        'payments/index',
        'payment/index',
        'refunds/index',
        'reconciliations/index',
        'reconciliation/index',
      ],
    },
    // Issue 8: the managers' dashboard (ECharts stays in this subpackage).
    { root: 'pages/insights', pages: ['index', 'churn/index', 'anomalies/index', 'records/index'] },
    // The admins' staff accounts: roles, deactivation and who reports to whom.
    { root: 'pages/admin', pages: ['index', 'edit/index', 'new/index'] },
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#1f4e8c',
    navigationBarTitleText: 'Gantry',
    navigationBarTextStyle: 'white',
  },
});
