import { describe, expect, it } from '@jest/globals';
import { SITE_ISSUE_STATUSES, canMoveSiteIssue, createDailyLogSchema, dailyLogListQuerySchema } from './site';

describe('site issue status machine', () => {
  it('walks open → in_progress → resolved → closed', () => {
    expect(canMoveSiteIssue('open', 'in_progress')).toBe(true);
    expect(canMoveSiteIssue('in_progress', 'resolved')).toBe(true);
    expect(canMoveSiteIssue('resolved', 'closed')).toBe(true);
  });

  it('reopens a resolved issue', () => {
    expect(canMoveSiteIssue('resolved', 'open')).toBe(true);
  });

  it('refuses jumps and moves out of closed', () => {
    expect(canMoveSiteIssue('open', 'resolved')).toBe(false);
    expect(canMoveSiteIssue('open', 'closed')).toBe(false);
    expect(canMoveSiteIssue('in_progress', 'closed')).toBe(false);
    for (const to of SITE_ISSUE_STATUSES) expect(canMoveSiteIssue('closed', to)).toBe(false);
  });
});

describe('daily log input', () => {
  it('fills defaults and refuses a malformed date', () => {
    const ok = createDailyLogSchema.parse({ weather: 'sunny', headcount: 12, workDone: '浇筑二层楼板' });
    expect(ok).toMatchObject({ problems: '', photoIds: [], customerVisible: false, temperature: null });
    expect(
      createDailyLogSchema.safeParse({ date: '2026-13-40', weather: 'sunny', headcount: 1, workDone: 'x' })
        .success,
    ).toBe(false);
  });

  it('refuses a date range that ends before it starts', () => {
    expect(dailyLogListQuerySchema.safeParse({ from: '2026-05-02', to: '2026-05-01' }).success).toBe(false);
    expect(dailyLogListQuerySchema.safeParse({ from: '2026-05-01', to: '2026-05-02' }).success).toBe(true);
  });
});
