import type { ChangeRequest, ChangeRequestStatus, ContractAmountView, Page } from '@gantry/shared';
// Deep import: the package index (and shared/src/changes) would pull zod into the bundle.
import { fenToYuan, yuanToFen } from '@gantry/shared/src/money';
import { http } from './http';

/* Repeated from shared/src/changes.ts, which pulls zod into the bundle for this table. */
export const CHANGE_STATUS_LABELS: Record<ChangeRequestStatus, string> = {
  submitted: '已提交',
  under_review: '评估中',
  quoted: '已报价待确认',
  approved: '已批准',
  rejected: '已拒绝',
  expired: '报价已过期',
  withdrawn: '已撤回',
};

/** Statuses in which staff still have something to do (the inbox shows these first). */
export const CHANGE_WORK_STATUSES: readonly ChangeRequestStatus[] = ['submitted', 'under_review'];

/** 1234500 → "¥12,345.00"; null (no contract amount recorded) → "未登记". */
export function formatFen(fen: number | null): string {
  if (fen === null) return '未登记';
  const [whole = '0', frac = '00'] = fenToYuan(Math.abs(fen)).split('.');
  return `${fen < 0 ? '-' : ''}¥${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

/** A signed delta: "+¥1,200.00" / "-¥300.00". */
export function formatFenDelta(fen: number): string {
  return fen > 0 ? `+${formatFen(fen)}` : formatFen(fen);
}

/** "+5 天" / "-3 天" / "不变". */
export function formatDays(days: number): string {
  if (days === 0) return '不变';
  return days > 0 ? `+${days} 天` : `${days} 天`;
}

/** What staff type in 元 ("12000.5", "-300") as exact integer fen; null when it is not an amount. */
export function parseYuan(text: string): number | null {
  try {
    return yuanToFen(text.replace(/[,，\s]/g, ''));
  } catch {
    return null;
  }
}

const enc = encodeURIComponent;

export function listChangeRequests(
  projectId: string,
  query: { cursor?: string; status?: ChangeRequestStatus } = {},
): Promise<Page<ChangeRequest>> {
  return http.get<Page<ChangeRequest>>(`/projects/${enc(projectId)}/change-requests`, {
    query: { cursor: query.cursor, status: query.status },
  });
}

export function getChangeRequest(id: string): Promise<ChangeRequest> {
  return http.get<ChangeRequest>(`/change-requests/${enc(id)}`);
}

export interface NewChangeRequest {
  title: string;
  description: string;
  photoIds: string[];
  wishedDate?: string;
}

export function createChangeRequest(projectId: string, input: NewChangeRequest): Promise<ChangeRequest> {
  return http.post<ChangeRequest>(`/projects/${enc(projectId)}/change-requests`, input, { toast: false });
}

export function acknowledgeChangeRequest(id: string, note?: string): Promise<ChangeRequest> {
  return http.post<ChangeRequest>(`/change-requests/${enc(id)}/acknowledge`, note ? { note } : {}, {
    toast: false,
  });
}

export interface QuoteInput {
  costDelta: number;
  scheduleDeltaDays: number;
  note: string;
  validUntil: string;
  affectedFromMilestoneId?: string;
}

export function quoteChangeRequest(id: string, input: QuoteInput): Promise<ChangeRequest> {
  return http.post<ChangeRequest>(`/change-requests/${enc(id)}/quote`, input, { toast: false });
}

/** Idempotent on the server: the same decision sent again answers the same request. */
export function decideChangeRequest(
  id: string,
  input: { decision: 'approve' | 'reject'; comment: string; quoteVersion?: number },
): Promise<ChangeRequest> {
  return http.post<ChangeRequest>(`/change-requests/${enc(id)}/decision`, input, { toast: false });
}

export function withdrawChangeRequest(id: string, reason: string): Promise<ChangeRequest> {
  return http.post<ChangeRequest>(`/change-requests/${enc(id)}/withdraw`, { reason }, { toast: false });
}

export function getContractAmount(projectId: string): Promise<ContractAmountView> {
  return http.get<ContractAmountView>(`/projects/${enc(projectId)}/contract-amount`);
}

/** Open requests: staff still have something to do, or the customer has a quote to decide on. */
export const CHANGE_OPEN_STATUSES: readonly ChangeRequestStatus[] = ['submitted', 'under_review', 'quoted'];

/**
 * The staff inbox: change requests of every project the signed-in user may read (the server scopes
 * them), oldest first — the longest-waiting on the first page. One page per call; follow `nextCursor`.
 */
export function changeInbox(
  query: { cursor?: string; statuses?: readonly ChangeRequestStatus[] } = {},
): Promise<Page<ChangeRequest>> {
  const statuses = query.statuses ?? CHANGE_OPEN_STATUSES;
  return http.get<Page<ChangeRequest>>('/change-requests', {
    query: { cursor: query.cursor, status: statuses.join(',') },
  });
}

/** Fen as the plain 元 text a form field starts with ("-300.00"). */
export function fenToYuanText(fen: number): string {
  return fenToYuan(fen);
}
