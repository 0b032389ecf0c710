import type {
  MilestoneDecisionResult,
  MilestoneDetail,
  MilestoneStatus,
  MilestoneView,
  Page,
  ProjectHome,
  ProjectStatus,
  ProjectView,
  SharedProgress,
  ShareView,
  TimelineItemView,
  WeeklyReportView,
} from '@gantry/shared';
import { http } from './http';

/*
 * Labels and small helpers are repeated here rather than imported: the shared package's project
 * modules pull zod into the bundle for a few constant tables.
 */
export const PROJECT_STATUS_LABELS: Record<ProjectStatus, string> = {
  planning: '筹备中',
  active: '施工中',
  suspended: '暂停',
  completed: '已竣工',
  warranty: '质保期',
  closed: '已关闭',
};

export const MILESTONE_STATUS_LABELS: Record<MilestoneStatus, string> = {
  pending: '未开始',
  in_progress: '施工中',
  awaiting_confirmation: '待客户确认',
  confirmed: '已确认',
  rejected: '已驳回',
};

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** An instant as Asia/Shanghai wall time `YYYY-MM-DD HH:mm`, whatever the device's time zone. */
export function formatDateTime(iso: string): string {
  const shifted = new Date(new Date(iso).getTime() + SHANGHAI_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

/** An instant as its Asia/Shanghai calendar date; a plain `YYYY-MM-DD` passes through. */
export function formatDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return new Date(new Date(value).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Today's calendar date in Asia/Shanghai, YYYY-MM-DD. */
export function todayInShanghai(): string {
  return formatDate(new Date().toISOString());
}

/** "提前 3 天" / "按计划" / "滞后 5 天". */
export function varianceText(days: number | null): string {
  if (days === null) return '暂无计划';
  if (days === 0) return '按计划';
  return days > 0 ? `滞后 ${days} 天` : `提前 ${-days} 天`;
}

const enc = encodeURIComponent;

// ── projects ────────────────────────────────────────────────────────────────────────────────

export function listProjects(
  query: { cursor?: string; status?: ProjectStatus } = {},
): Promise<Page<ProjectView>> {
  return http.get<Page<ProjectView>>('/projects', { query: { cursor: query.cursor, status: query.status } });
}

export function getProject(id: string, options: { toast?: boolean } = {}): Promise<ProjectView> {
  return http.get<ProjectView>(`/projects/${enc(id)}`, options);
}

export function getProjectHome(id: string): Promise<ProjectHome> {
  return http.get<ProjectHome>(`/projects/${enc(id)}/home`);
}

export function getTimeline(id: string, cursor?: string): Promise<Page<TimelineItemView>> {
  return http.get<Page<TimelineItemView>>(`/projects/${enc(id)}/timeline`, { query: { cursor, limit: 10 } });
}

// ── milestones ──────────────────────────────────────────────────────────────────────────────

export async function listMilestones(projectId: string): Promise<MilestoneView[]> {
  const { items } = await http.get<{ items: MilestoneView[] }>(`/projects/${enc(projectId)}/milestones`);
  return items;
}

export function getMilestone(id: string): Promise<MilestoneDetail> {
  return http.get<MilestoneDetail>(`/milestones/${enc(id)}`);
}

export function startMilestone(id: string): Promise<MilestoneDetail> {
  return http.post<MilestoneDetail>(`/milestones/${enc(id)}/start`);
}

export function submitMilestone(
  id: string,
  input: { note: string; photoIds: string[] },
): Promise<MilestoneDetail> {
  return http.post<MilestoneDetail>(`/milestones/${enc(id)}/submit`, input, { toast: false });
}

export interface ConfirmInput {
  decision: 'confirm' | 'reject';
  comment: string;
  photoIds: string[];
}

/** Idempotent: the same decision sent again answers the same result. */
export function confirmMilestone(id: string, input: ConfirmInput): Promise<MilestoneDecisionResult> {
  return http.post<MilestoneDecisionResult>(`/milestones/${enc(id)}/confirm`, input, { toast: false });
}

// ── shares ──────────────────────────────────────────────────────────────────────────────────

export type CreatedShare = ShareView & { token: string; url: string };

export function listShares(projectId: string, cursor?: string): Promise<Page<ShareView>> {
  return http.get<Page<ShareView>>(`/projects/${enc(projectId)}/shares`, { query: { cursor } });
}

export function createShare(
  projectId: string,
  input: { expiresInDays: number; label?: string },
): Promise<CreatedShare> {
  return http.post<CreatedShare>(`/projects/${enc(projectId)}/shares`, input, { toast: false });
}

export function revokeShare(shareId: string): Promise<void> {
  return http.delete<void>(`/shares/${enc(shareId)}`);
}

/** A share link's view, without an account (410 SHARE_EXPIRED once expired or revoked). */
export function getSharedProgress(token: string, cursor?: string): Promise<SharedProgress> {
  return http.get<SharedProgress>(`/shared/${enc(token)}`, { query: { cursor }, toast: false });
}

// ── weekly reports ──────────────────────────────────────────────────────────────────────────

export function listWeeklyReports(projectId: string, cursor?: string): Promise<Page<WeeklyReportView>> {
  return http.get<Page<WeeklyReportView>>(`/projects/${enc(projectId)}/weekly-reports`, {
    query: { cursor },
  });
}

export function getWeeklyReport(id: string): Promise<WeeklyReportView> {
  return http.get<WeeklyReportView>(`/weekly-reports/${enc(id)}`);
}

/** One tap by the PM; sending a sent report answers it unchanged. */
export function sendWeeklyReport(id: string): Promise<WeeklyReportView> {
  return http.post<WeeklyReportView>(`/weekly-reports/${enc(id)}/send`);
}

export function getWeeklyReportSettings(): Promise<{ autoSend: boolean }> {
  return http.get<{ autoSend: boolean }>('/weekly-reports/settings');
}

export function setWeeklyReportAutoSend(autoSend: boolean): Promise<{ autoSend: boolean }> {
  return http.put<{ autoSend: boolean }>('/weekly-reports/settings', { autoSend });
}
