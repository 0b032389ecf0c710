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
} from '@gantry/shared';
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

export const OPPORTUNITY_STAGE_LABELS: Record<OpportunityStage, string> = {
  intention: '意向',
  negotiation: '洽谈',
  quotation: '报价',
  signed: '已签约',
  lost: '已流失',
};

/** The forward path, in order (lost is outside it). */
const OPPORTUNITY_PATH: readonly OpportunityStage[] = ['intention', 'negotiation', 'quotation', 'signed'];

/** The stage one step forward, or null from signed and lost. */
export function nextStage(stage: OpportunityStage): OpportunityStage | null {
  const index = OPPORTUNITY_PATH.indexOf(stage);
  return index >= 0 && index < OPPORTUNITY_PATH.length - 1 ? (OPPORTUNITY_PATH[index + 1] ?? null) : null;
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
}

export function listOpportunities(query: OpportunityListQuery = {}): Promise<Page<Opportunity>> {
  return http.get<Page<Opportunity>>('/opportunities', {
    query: { customerId: query.customerId, stage: query.stage, cursor: query.cursor },
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
