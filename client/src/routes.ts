import type { SessionUser } from '@gantry/shared';
import { platform } from './platform';
import { needsBinding } from './store/session';

export const ROUTES = {
  login: '/pages/login/index',
  wechatSim: '/pages/login/wechat-sim/index',
  staffLogin: '/pages/login/staff/index',
  changePassword: '/pages/login/password/index',
  bind: '/pages/bind/index',
  home: '/pages/home/index',
  inbox: '/pages/inbox/index',
  preferences: '/pages/preferences/index',
  customers: '/pages/customers/index',
  customerDetail: '/pages/customers/detail/index',
  funnel: '/pages/opportunities/index',
  opportunityDetail: '/pages/opportunities/detail/index',
  projects: '/pages/projects/index',
  projectHome: '/pages/projects/home/index',
  milestone: '/pages/projects/milestone/index',
  projectGallery: '/pages/projects/gallery/index',
  projectShare: '/pages/projects/share/index',
  dailyLog: '/pages/projects/daily-log/index',
  siteIssues: '/pages/projects/issues/index',
  scan: '/pages/projects/scan/index',
  weeklyReports: '/pages/projects/weekly/index',
  sharedProgress: '/pages/shared/index',
  changes: '/pages/changes/index',
  changeNew: '/pages/changes/new/index',
  changeDetail: '/pages/changes/detail/index',
  feedback: '/pages/feedback/index',
  complaint: '/pages/feedback/complaint/index',
  repair: '/pages/feedback/repair/index',
  rating: '/pages/feedback/rating/index',
  chat: '/pages/chat/index',
  invoices: '/pages/invoices/index',
  invoiceDetail: '/pages/invoices/detail/index',
  receipt: '/pages/invoices/receipt/index',
  paymentHistory: '/pages/invoices/payments/index',
  finance: '/pages/finance/index',
  financePayments: '/pages/finance/payments/index',
  financePayment: '/pages/finance/payment/index',
  refunds: '/pages/finance/refunds/index',
  reconciliations: '/pages/finance/reconciliations/index',
  reconciliation: '/pages/finance/reconciliation/index',
  insights: '/pages/insights/index',
  churnRisk: '/pages/insights/churn/index',
  anomalies: '/pages/insights/anomalies/index',
  kpiRecords: '/pages/insights/records/index',
  staffAdmin: '/pages/admin/index',
  staffEdit: '/pages/admin/edit/index',
  staffNew: '/pages/admin/new/index',
} as const;

const REGISTERED_PAGES: ReadonlySet<string> = new Set(Object.values(ROUTES));

/**
 * A page path as the server names it (`pages/x/index?a=1`, with or without the leading slash),
 * turned into a URL to navigate to; null when no such page exists in this build.
 */
export function registeredPageUrl(page: string | null): string | null {
  if (!page) return null;
  const url = page.startsWith('/') ? page : `/${page}`;
  const [path = ''] = url.split('?');
  return REGISTERED_PAGES.has(path) ? url : null;
}

/**
 * After signing in: staff with an admin-set password must choose their own first (the server
 * refuses everything else), and an unbound portal account must enter an invite code first.
 */
export function enterApp(user: SessionUser): Promise<void> {
  if (user.mustChangePassword) return platform.reLaunch(ROUTES.changePassword);
  return platform.reLaunch(needsBinding(user) ? ROUTES.bind : ROUTES.home);
}
