import { describe, expect, it } from '@jest/globals';
import {
  MILESTONE_STATUSES,
  canMoveMilestone,
  canMoveProject,
  confirmMilestoneSchema,
  daysBetween,
  projectProgress,
  scheduleVarianceDays,
  calendarDateOf,
  submitMilestoneSchema,
  type MilestoneProgressInput,
} from './projects';

describe('milestone status machine', () => {
  it('walks pending → in_progress → awaiting_confirmation → confirmed', () => {
    expect(canMoveMilestone('pending', 'in_progress')).toBe(true);
    expect(canMoveMilestone('in_progress', 'awaiting_confirmation')).toBe(true);
    expect(canMoveMilestone('awaiting_confirmation', 'confirmed')).toBe(true);
  });

  it('sends a rejection back to in_progress', () => {
    expect(canMoveMilestone('awaiting_confirmation', 'rejected')).toBe(true);
    expect(canMoveMilestone('rejected', 'in_progress')).toBe(true);
    expect(canMoveMilestone('rejected', 'confirmed')).toBe(false);
    expect(canMoveMilestone('rejected', 'awaiting_confirmation')).toBe(false);
  });

  it('refuses skipping, going backwards and leaving confirmed', () => {
    expect(canMoveMilestone('pending', 'awaiting_confirmation')).toBe(false);
    expect(canMoveMilestone('pending', 'confirmed')).toBe(false);
    expect(canMoveMilestone('in_progress', 'confirmed')).toBe(false);
    expect(canMoveMilestone('in_progress', 'pending')).toBe(false);
    for (const to of MILESTONE_STATUSES) expect(canMoveMilestone('confirmed', to)).toBe(false);
    for (const s of MILESTONE_STATUSES) expect(canMoveMilestone(s, s)).toBe(false);
  });
});

describe('project status machine', () => {
  it('allows the delivery path and suspension', () => {
    expect(canMoveProject('planning', 'active')).toBe(true);
    expect(canMoveProject('active', 'suspended')).toBe(true);
    expect(canMoveProject('suspended', 'active')).toBe(true);
    expect(canMoveProject('active', 'completed')).toBe(true);
    expect(canMoveProject('completed', 'warranty')).toBe(true);
    expect(canMoveProject('warranty', 'closed')).toBe(true);
  });

  it('refuses skipping construction and leaving closed', () => {
    expect(canMoveProject('planning', 'completed')).toBe(false);
    expect(canMoveProject('active', 'closed')).toBe(false);
    expect(canMoveProject('closed', 'active')).toBe(false);
  });
});

describe('milestone inputs', () => {
  const photo = 'a'.repeat(24);
  it('requires at least one photo as evidence', () => {
    expect(submitMilestoneSchema.safeParse({ note: 'done', photoIds: [] }).success).toBe(false);
    expect(submitMilestoneSchema.safeParse({ note: 'done' }).success).toBe(false);
    expect(submitMilestoneSchema.safeParse({ photoIds: [photo] }).success).toBe(true);
  });

  it('requires a reason to reject, not to confirm', () => {
    expect(confirmMilestoneSchema.safeParse({ decision: 'reject', comment: '  ' }).success).toBe(false);
    expect(confirmMilestoneSchema.safeParse({ decision: 'reject', comment: '裂缝' }).success).toBe(true);
    expect(confirmMilestoneSchema.safeParse({ decision: 'confirm' }).success).toBe(true);
    expect(confirmMilestoneSchema.safeParse({ decision: 'maybe' }).success).toBe(false);
  });
});

describe('progress and schedule variance', () => {
  const m = (
    status: MilestoneProgressInput['status'],
    weight: number,
    plannedEnd: string,
    actualEnd: string | null = null,
  ): MilestoneProgressInput => ({ status, weight, plannedEnd, actualEnd });

  it('weights the confirmed share', () => {
    expect(projectProgress([])).toBe(0);
    expect(projectProgress([m('confirmed', 1, '2026-01-01'), m('pending', 3, '2026-02-01')])).toBe(25);
    expect(
      projectProgress([m('confirmed', 2, '2026-01-01'), m('awaiting_confirmation', 1, '2026-02-01')]),
    ).toBe(67);
  });

  it('takes the worst delay: late confirmations and overdue open milestones', () => {
    const today = '2026-03-10';
    expect(scheduleVarianceDays([], today)).toBeNull();
    // confirmed 2 days early, the next one not yet due → 0 (on time so far)
    expect(
      scheduleVarianceDays(
        [m('confirmed', 1, '2026-03-05', '2026-03-03'), m('pending', 1, '2026-04-01')],
        today,
      ),
    ).toBe(0);
    // every milestone confirmed early → negative (ahead)
    expect(scheduleVarianceDays([m('confirmed', 1, '2026-03-05', '2026-03-03')], today)).toBe(-2);
    // confirmed 4 days late, an open milestone 6 days overdue → 6
    expect(
      scheduleVarianceDays(
        [m('confirmed', 1, '2026-02-01', '2026-02-05'), m('in_progress', 1, '2026-03-04')],
        today,
      ),
    ).toBe(6);
  });

  it('counts Asia/Shanghai calendar days', () => {
    expect(calendarDateOf('2026-03-09T16:30:00Z')).toBe('2026-03-10');
    expect(daysBetween('2026-02-27', '2026-03-01')).toBe(2);
  });
});
