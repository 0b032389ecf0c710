import type {
  Customer,
  CustomerDetail,
  CustomerScore,
  CustomerTier,
  CustomerType,
  Funnel,
  Opportunity,
  OpportunityDetail,
  OpportunityStage,
  Page,
  Quote,
} from '@gantry/shared';
import {
  OPPORTUNITY_PATH,
  OPPORTUNITY_STAGE_LABELS,
  canMoveOpportunity,
} from '@gantry/shared/src/opportunity-stages';
import { http } from './http';

/*
 * Labels are repeated here rather than imported: the shared package's CRM modules pull zod into
 * the bundle for a few constant tables.
 */
export const CUSTOMER_TYPE_LABELS: Record<CustomerType, string> = {
  government: '政府/事业单位',
  developer: '开发商',
  private_company: '民营企业',
  individual: '个人',
};

export const CUSTOMER_TIERS: readonly CustomerTier[] = ['high_value', 'potential', 'regular', 'risk'];

export const CUSTOMER_TIER_LABELS: Record<CustomerTier, string> = {
  high_value: '高价值',
  potential: '潜力',
  regular: '普通',
  risk: '风险',
};

export { OPPORTUNITY_STAGE_LABELS };

/** The stage one step forward, or null from signed and lost. */
export function nextStage(stage: OpportunityStage): OpportunityStage | null {
  const index = OPPORTUNITY_PATH.indexOf(stage as (typeof OPPORTUNITY_PATH)[number]);
  const next = index >= 0 ? OPPORTUNITY_PATH[index + 1] : undefined;
  return next && canMoveOpportunity(stage, next) ? next : null;
}

/** The earlier stages the shared state machine lets `stage` go back to, nearest first. */
export function previousStages(stage: OpportunityStage): OpportunityStage[] {
  const index = OPPORTUNITY_PATH.indexOf(stage as (typeof OPPORTUNITY_PATH)[number]);
  return OPPORTUNITY_PATH.slice(0, Math.max(0, index))
    .reverse()
    .filter((s) => canMoveOpportunity(stage, s));
}

export function canMarkLost(stage: OpportunityStage): boolean {
  return canMoveOpportunity(stage, 'lost');
}

/** Integer fen as ¥1,234.56. */
export function formatFen(fen: number): string {
  const yuan = fen / 100;
  return `¥${yuan.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export interface CustomerListQuery {
  q?: string;
  tier?: CustomerTier;
  type?: CustomerType;
  cursor?: string;
  limit?: number;
}

export function listCustomers(query: CustomerListQuery = {}): Promise<Page<Customer>> {
  return http.get<Page<Customer>>('/customers', {
    query: {
      q: query.q?.trim() || undefined,
      tier: query.tier,
      type: query.type,
      cursor: query.cursor,
      limit: query.limit,
    },
  });
}

export function getCustomer(id: string): Promise<CustomerDetail> {
  return http.get<CustomerDetail>(`/customers/${encodeURIComponent(id)}`);
}

export function getCustomerScore(id: string): Promise<CustomerScore> {
  return http.get<CustomerScore>(`/customers/${encodeURIComponent(id)}/score`);
}

export interface OpportunityListQuery {
  customerId?: string;
  stage?: OpportunityStage;
  cursor?: string;
  limit?: number;
}

export function listOpportunities(query: OpportunityListQuery = {}): Promise<Page<Opportunity>> {
  return http.get<Page<Opportunity>>('/opportunities', {
    query: { customerId: query.customerId, stage: query.stage, cursor: query.cursor, limit: query.limit },
  });
}

export function getOpportunity(id: string): Promise<OpportunityDetail> {
  return http.get<OpportunityDetail>(`/opportunities/${encodeURIComponent(id)}`);
}

export function moveOpportunityStage(
  id: string,
  stage: OpportunityStage,
  reason?: string,
): Promise<Opportunity> {
  return http.post<Opportunity>(`/opportunities/${encodeURIComponent(id)}/stage`, { stage, reason });
}

export function getFunnel(): Promise<Funnel> {
  return http.get<Funnel>('/opportunities/funnel');
}

export interface OpportunityEdit {
  name?: string;
  /** Integer fen. */
  expectedAmount?: number;
  /** YYYY-MM-DD, or null to clear. */
  expectedCloseDate?: string | null;
  notes?: string;
}

export function updateOpportunity(id: string, edit: OpportunityEdit): Promise<Opportunity> {
  return http.patch<Opportunity>(`/opportunities/${encodeURIComponent(id)}`, edit);
}

/** A new quote version; the opportunity's expected amount follows it. */
export function addQuote(id: string, amount: number, note = ''): Promise<Quote> {
  return http.post<Quote>(`/opportunities/${encodeURIComponent(id)}/quotes`, { amount, note });
}

/** '1,234.5' / '¥1234.50' → 123450 fen; null when it is not an amount of yuan with at most 2 decimals. */
export function parseYuan(text: string): number | null {
  const clean = text.replace(/[¥,，\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
  const [whole = '0', cents = ''] = clean.split('.');
  return Number(whole) * 100 + Number(cents.padEnd(2, '0'));
}
