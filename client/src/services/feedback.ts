import type {
  Complaint,
  ComplaintCategory,
  ComplaintStatus,
  Page,
  Rating,
  Repair,
  RepairPriority,
  RepairStatus,
} from '@gantry/shared';
import { http } from './http';

/* Labels repeated from shared/src/feedback.ts and ratings.ts, which pull zod into the bundle. */
export const COMPLAINT_CATEGORY_OPTIONS: ReadonlyArray<{ value: ComplaintCategory; label: string }> = [
  { value: 'quality', label: '施工质量' },
  { value: 'schedule', label: '工期延误' },
  { value: 'service', label: '服务态度' },
  { value: 'safety', label: '安全文明施工' },
  { value: 'billing', label: '费用结算' },
  { value: 'other', label: '其他' },
];

export const REPAIR_PRIORITY_OPTIONS: ReadonlyArray<{ value: RepairPriority; label: string }> = [
  { value: 'low', label: '低' },
  { value: 'normal', label: '普通' },
  { value: 'high', label: '高' },
  { value: 'urgent', label: '紧急' },
];

export const RATING_DIMENSIONS = [
  { key: 'quality', label: '施工质量' },
  { key: 'schedule', label: '工期' },
  { key: 'communication', label: '沟通' },
  { key: 'tidiness', label: '现场整洁' },
] as const;

const enc = encodeURIComponent;
const quiet = { toast: false } as const;

// ── complaints ──────────────────────────────────────────────────────────────────────────────

export interface ListQuery<S> {
  cursor?: string;
  status?: S;
  projectId?: string;
  overdue?: boolean;
}

function listQuery<S extends string>(q: ListQuery<S>) {
  return {
    cursor: q.cursor,
    status: q.status,
    projectId: q.projectId,
    overdue: q.overdue === undefined ? undefined : String(q.overdue),
  };
}

export function listComplaints(q: ListQuery<ComplaintStatus> = {}): Promise<Page<Complaint>> {
  return http.get<Page<Complaint>>('/complaints', { query: listQuery(q) });
}

export function getComplaint(id: string): Promise<Complaint> {
  return http.get<Complaint>(`/complaints/${enc(id)}`);
}

export function createComplaint(input: {
  projectId: string;
  category: ComplaintCategory;
  description: string;
  photoIds: string[];
}): Promise<Complaint> {
  return http.post<Complaint>('/complaints', input, quiet);
}

export function acknowledgeComplaint(id: string, note?: string): Promise<Complaint> {
  return http.post<Complaint>(`/complaints/${enc(id)}/acknowledge`, note ? { note } : {}, quiet);
}

export function resolveComplaint(
  id: string,
  resolution: string,
  photoIds: string[] = [],
): Promise<Complaint> {
  return http.post<Complaint>(`/complaints/${enc(id)}/resolve`, { resolution, photoIds }, quiet);
}

export function acceptComplaint(id: string): Promise<Complaint> {
  return http.post<Complaint>(`/complaints/${enc(id)}/accept`, {}, quiet);
}

export function reopenComplaint(id: string, reason: string): Promise<Complaint> {
  return http.post<Complaint>(`/complaints/${enc(id)}/reopen`, { reason }, quiet);
}

// ── repairs (报修) ───────────────────────────────────────────────────────────────────────────

export function listRepairs(q: ListQuery<RepairStatus> = {}): Promise<Page<Repair>> {
  return http.get<Page<Repair>>('/repairs', { query: listQuery(q) });
}

export function getRepair(id: string): Promise<Repair> {
  return http.get<Repair>(`/repairs/${enc(id)}`);
}

export function fileRepair(
  projectId: string,
  input: { description: string; location: string; photoIds: string[] },
): Promise<Repair> {
  return http.post<Repair>(`/projects/${enc(projectId)}/repairs`, input, quiet);
}

export type RepairStep =
  | { action: 'triage'; body: { priority: RepairPriority; assigneeId: string } }
  | { action: 'schedule'; body: { visitAt: string } }
  | { action: 'fix'; body: { note: string; photoIds: string[] } }
  | { action: 'confirm'; body: { rating: number; comment?: string } }
  | { action: 'reopen'; body: { reason: string } }
  | { action: 'cancel'; body: { reason: string } };

export function repairAction(id: string, step: RepairStep): Promise<Repair> {
  return http.post<Repair>(`/repairs/${enc(id)}/${step.action}`, step.body, quiet);
}

// ── ratings ─────────────────────────────────────────────────────────────────────────────────

export interface RatingInput {
  overall: number;
  quality: number;
  schedule: number;
  communication: number;
  tidiness: number;
  comment: string;
}

/** What is rated: a confirmed milestone, or the whole project once completed. */
export type RatingTarget = { kind: 'milestone' | 'project'; id: string };

const ratingPath = (t: RatingTarget) =>
  `/${t.kind === 'milestone' ? 'milestones' : 'projects'}/${enc(t.id)}/rating`;

/** The customer's rating of the target (null: not rated yet). */
export async function getRating(target: RatingTarget): Promise<Rating | null> {
  try {
    return await http.get<Rating>(ratingPath(target), quiet);
  } catch {
    return null;
  }
}

/** Creates the rating, or changes it within the edit window. */
export function rate(target: RatingTarget, input: RatingInput): Promise<Rating> {
  return http.post<Rating>(ratingPath(target), input, quiet);
}

// ── deadlines ───────────────────────────────────────────────────────────────────────────────

/** "剩 3 小时" / "已超时 2 小时" against a due instant. */
export function dueText(dueAt: string, now = Date.now()): string {
  const hours = Math.round((Date.parse(dueAt) - now) / 3_600_000);
  if (hours < 0) return `已超时 ${-hours} 小时`;
  if (hours < 48) return `剩 ${hours} 小时`;
  return `剩 ${Math.round(hours / 24)} 天`;
}
