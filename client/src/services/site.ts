import type { DailyLog, Page, SiteIssue, SiteIssueSeverity, SiteIssueStatus, Weather } from '@gantry/shared';
import { http } from './http';

/* Repeated from shared/src/site.ts, which pulls zod into the bundle. */
export const WEATHER_OPTIONS: ReadonlyArray<{ value: Weather; label: string }> = [
  { value: 'sunny', label: '晴' },
  { value: 'cloudy', label: '多云' },
  { value: 'overcast', label: '阴' },
  { value: 'rain', label: '雨' },
  { value: 'snow', label: '雪' },
  { value: 'fog', label: '雾' },
  { value: 'wind', label: '大风' },
];

export const SEVERITY_OPTIONS: ReadonlyArray<{ value: SiteIssueSeverity; label: string }> = [
  { value: 'low', label: '轻微' },
  { value: 'medium', label: '一般' },
  { value: 'high', label: '严重' },
  { value: 'critical', label: '紧急' },
];

const enc = encodeURIComponent;

// ── daily logs ──────────────────────────────────────────────────────────────────────────────

export interface DailyLogInput {
  weather: Weather;
  temperature: number | null;
  headcount: number;
  workDone: string;
  problems: string;
  photoIds: string[];
  customerVisible: boolean;
}

export function listDailyLogs(
  projectId: string,
  query: { cursor?: string; authorId?: string; from?: string; to?: string } = {},
): Promise<Page<DailyLog>> {
  return http.get<Page<DailyLog>>(`/projects/${enc(projectId)}/daily-logs`, { query });
}

export function createDailyLog(projectId: string, input: DailyLogInput): Promise<DailyLog> {
  return http.post<DailyLog>(`/projects/${enc(projectId)}/daily-logs`, input, { toast: false });
}

export function updateDailyLog(id: string, input: Partial<DailyLogInput>): Promise<DailyLog> {
  return http.patch<DailyLog>(`/daily-logs/${enc(id)}`, input, { toast: false });
}

// ── site issues ─────────────────────────────────────────────────────────────────────────────

export interface SiteIssueInput {
  title: string;
  description: string;
  severity: SiteIssueSeverity;
  photoIds: string[];
  customerVisible: boolean;
}

export function listSiteIssues(
  projectId: string,
  query: { cursor?: string; status?: SiteIssueStatus } = {},
): Promise<Page<SiteIssue>> {
  return http.get<Page<SiteIssue>>(`/projects/${enc(projectId)}/issues`, { query });
}

export function createSiteIssue(projectId: string, input: SiteIssueInput): Promise<SiteIssue> {
  return http.post<SiteIssue>(`/projects/${enc(projectId)}/issues`, input, { toast: false });
}

export function startSiteIssue(id: string): Promise<SiteIssue> {
  return http.post<SiteIssue>(`/site-issues/${enc(id)}/start`);
}

export function resolveSiteIssue(
  id: string,
  input: { resolution: string; photoIds: string[] },
): Promise<SiteIssue> {
  return http.post<SiteIssue>(`/site-issues/${enc(id)}/resolve`, input, { toast: false });
}

/** resolved → closed: the project's PM (or an admin) accepts the resolution. */
export function closeSiteIssue(id: string): Promise<SiteIssue> {
  return http.post<SiteIssue>(`/site-issues/${enc(id)}/close`);
}
