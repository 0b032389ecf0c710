import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import type { HomeEntry } from './HomeSections';

/** The customer's invoices (what is due and why, pay, receipts); finance's list of every invoice. */
export const invoicesEntry: HomeEntry = {
  key: 'invoices',
  id: 'invoices-entry',
  title: '账单与付款',
  description: '待付款项、付款记录与收据',
  onClick: () => void platform.navigateTo(ROUTES.invoices),
};

export const receivablesEntry: HomeEntry = {
  key: 'receivables',
  id: 'receivables-entry',
  title: '应收账款',
  description: '账龄分析（0–30、31–60、61–90、90 天以上）',
  onClick: () => void platform.navigateTo(ROUTES.finance),
};

export const financePaymentsEntry: HomeEntry = {
  key: 'payments',
  id: 'finance-payments-entry',
  title: '收款',
  description: '微信支付收款记录、申请退款',
  onClick: () => void platform.navigateTo(ROUTES.financePayments),
};

export const refundsEntry: HomeEntry = {
  key: 'refunds',
  id: 'refunds-entry',
  title: '退款审批',
  description: '超过限额的退款需另一位财务审批',
  onClick: () => void platform.navigateTo(ROUTES.refunds),
};

export const reconciliationEntry: HomeEntry = {
  key: 'reconciliation',
  id: 'reconciliation-entry',
  title: '对账',
  description: '每日微信支付账单核对与差异处理',
  onClick: () => void platform.navigateTo(ROUTES.reconciliations),
};

/** The managers' dashboard: KPIs, funnel, aging and trends (admins, finance and team managers). */
export const insightsEntry: HomeEntry = {
  key: 'insights',
  id: 'insights-entry',
  title: '经营看板',
  description: '响应时间、复购、工期、满意度、应收账龄',
  onClick: () => void platform.navigateTo(ROUTES.insights),
};
