/**
 * Project and milestone statuses, their machines and the numbers derived from milestones. No zod:
 * the client imports this module directly (`@gantry/shared/src/project-status`).
 */
export const PROJECT_STATUSES = [
  'planning',
  'active',
  'suspended',
  'completed',
  'warranty',
  'closed',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export const PROJECT_STATUS_LABELS: Record<ProjectStatus, string> = {
  planning: '筹备中',
  active: '施工中',
  suspended: '暂停',
  completed: '已竣工',
  warranty: '质保期',
  closed: '已关闭',
};

/**
 * Project status moves. A project starts in planning, is built (active, possibly suspended and
 * resumed), completed, kept under warranty and closed. Planning or a suspended project may be
 * closed without completion (cancelled). Closed is final.
 */
export const PROJECT_TRANSITIONS: Readonly<Record<ProjectStatus, readonly ProjectStatus[]>> = {
  planning: ['active', 'closed'],
  active: ['suspended', 'completed'],
  suspended: ['active', 'closed'],
  completed: ['warranty', 'closed'],
  warranty: ['closed'],
  closed: [],
};

export function canMoveProject(from: ProjectStatus, to: ProjectStatus): boolean {
  return PROJECT_TRANSITIONS[from].includes(to);
}

/** Project types; each has its own milestone template (config `projects.milestoneTemplates`). */
export const PROJECT_TYPES = ['residential', 'commercial', 'public', 'industrial', 'renovation'] as const;
export type ProjectType = (typeof PROJECT_TYPES)[number];

export const PROJECT_TYPE_LABELS: Record<ProjectType, string> = {
  residential: '住宅',
  commercial: '商业',
  public: '公共建筑',
  industrial: '工业厂房',
  renovation: '装修改造',
};

// ---------------------------------------------------------------------------------------------
// Milestones

export const MILESTONE_STATUSES = [
  'pending',
  'in_progress',
  'awaiting_confirmation',
  'confirmed',
  'rejected',
] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

export const MILESTONE_STATUS_LABELS: Record<MilestoneStatus, string> = {
  pending: '未开始',
  in_progress: '施工中',
  awaiting_confirmation: '待客户确认',
  confirmed: '已确认',
  rejected: '已驳回',
};

/**
 * pending → in_progress → awaiting_confirmation → confirmed; a customer's rejection
 * (awaiting_confirmation → rejected) sends the milestone back to in_progress. Confirmed is final.
 */
export const MILESTONE_TRANSITIONS: Readonly<Record<MilestoneStatus, readonly MilestoneStatus[]>> = {
  pending: ['in_progress'],
  in_progress: ['awaiting_confirmation'],
  awaiting_confirmation: ['confirmed', 'rejected'],
  rejected: ['in_progress'],
  confirmed: [],
};

export function canMoveMilestone(from: MilestoneStatus, to: MilestoneStatus): boolean {
  return MILESTONE_TRANSITIONS[from].includes(to);
}

export const MILESTONE_DECISIONS = ['confirm', 'reject'] as const;
export type MilestoneDecision = (typeof MILESTONE_DECISIONS)[number];

// ---------------------------------------------------------------------------------------------
// Derived numbers (shared so the client and the server agree)

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Asia/Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function calendarDateOf(at: Date | string): string {
  return new Date(new Date(at).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whole days from calendar date `a` to calendar date `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

export interface MilestoneProgressInput {
  status: MilestoneStatus;
  weight: number;
  /** Planned finish, YYYY-MM-DD. */
  plannedEnd: string;
  /** Actual finish (the confirmation), YYYY-MM-DD or null. */
  actualEnd: string | null;
}

/** Share of the milestone weight that is confirmed, 0–100 (rounded); 0 without milestones. */
export function projectProgress(milestones: readonly MilestoneProgressInput[]): number {
  const total = milestones.reduce((sum, m) => sum + m.weight, 0);
  if (total <= 0) return 0;
  const done = milestones.filter((m) => m.status === 'confirmed').reduce((sum, m) => sum + m.weight, 0);
  return Math.round((100 * done) / total);
}

/**
 * Schedule variance in days, judged by milestones (positive = late, negative = ahead):
 * the largest delay over the milestones, where
 *  - a confirmed milestone's delay is actualEnd − plannedEnd (negative when finished early);
 *  - an unconfirmed milestone whose plannedEnd is before `today` is late by today − plannedEnd;
 *  - an unconfirmed milestone not yet due counts as 0 (on time so far).
 * So one late milestone makes the project late; a project is "ahead" only when every milestone
 * counted finished early. Null without milestones.
 */
export function scheduleVarianceDays(
  milestones: readonly MilestoneProgressInput[],
  today: string,
): number | null {
  if (milestones.length === 0) return null;
  let worst = -Infinity;
  for (const m of milestones) {
    const delay =
      m.status === 'confirmed' && m.actualEnd
        ? daysBetween(m.plannedEnd, m.actualEnd)
        : Math.max(0, daysBetween(m.plannedEnd, today));
    worst = Math.max(worst, delay);
  }
  return worst;
}
