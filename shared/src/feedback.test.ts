import { describe, expect, it } from '@jest/globals';
import {
  COMPLAINT_STATUSES,
  REPAIR_STATUSES,
  canMoveComplaint,
  canMoveRepair,
  confirmRepairSchema,
  createComplaintSchema,
} from './feedback';

describe('complaint status machine', () => {
  it('goes open → acknowledged → resolved → closed, or resolves an open complaint directly', () => {
    expect(canMoveComplaint('open', 'acknowledged')).toBe(true);
    expect(canMoveComplaint('acknowledged', 'resolved')).toBe(true);
    expect(canMoveComplaint('open', 'resolved')).toBe(true);
    expect(canMoveComplaint('resolved', 'closed')).toBe(true);
  });

  it('lets the customer reopen only a resolved complaint', () => {
    expect(canMoveComplaint('resolved', 'open')).toBe(true);
    expect(canMoveComplaint('acknowledged', 'open')).toBe(false);
    expect(canMoveComplaint('closed', 'open')).toBe(false);
  });

  it('refuses closing before a resolution, going back, and any move out of closed', () => {
    expect(canMoveComplaint('open', 'closed')).toBe(false);
    expect(canMoveComplaint('acknowledged', 'closed')).toBe(false);
    expect(canMoveComplaint('resolved', 'acknowledged')).toBe(false);
    for (const to of COMPLAINT_STATUSES) expect(canMoveComplaint('closed', to)).toBe(false);
  });
});

describe('repair status machine', () => {
  it('goes submitted → triaged → scheduled → fixed → confirmed', () => {
    expect(canMoveRepair('submitted', 'triaged')).toBe(true);
    expect(canMoveRepair('triaged', 'scheduled')).toBe(true);
    expect(canMoveRepair('scheduled', 'fixed')).toBe(true);
    expect(canMoveRepair('fixed', 'confirmed')).toBe(true);
  });

  it('allows moving a visit, reopening a fix and scheduling again after a reopen', () => {
    expect(canMoveRepair('scheduled', 'scheduled')).toBe(true);
    expect(canMoveRepair('fixed', 'reopened')).toBe(true);
    expect(canMoveRepair('reopened', 'scheduled')).toBe(true);
    expect(canMoveRepair('reopened', 'triaged')).toBe(true);
  });

  it('refuses skipping steps, cancelling a fixed repair and leaving a final status', () => {
    expect(canMoveRepair('submitted', 'scheduled')).toBe(false);
    expect(canMoveRepair('triaged', 'fixed')).toBe(false);
    expect(canMoveRepair('submitted', 'confirmed')).toBe(false);
    expect(canMoveRepair('fixed', 'cancelled')).toBe(false);
    for (const to of REPAIR_STATUSES) {
      expect(canMoveRepair('confirmed', to)).toBe(false);
      expect(canMoveRepair('cancelled', to)).toBe(false);
    }
  });
});

describe('feedback inputs', () => {
  const projectId = '0123456789abcdef01234567';

  it('needs a category and a description; photos default to none', () => {
    expect(
      createComplaintSchema.parse({ projectId, category: 'quality', description: ' 墙面开裂 ' }),
    ).toEqual({
      projectId,
      category: 'quality',
      description: '墙面开裂',
      photoIds: [],
    });
    expect(createComplaintSchema.safeParse({ projectId, category: 'nope', description: 'x' }).success).toBe(
      false,
    );
    expect(
      createComplaintSchema.safeParse({ projectId, category: 'quality', description: '  ' }).success,
    ).toBe(false);
  });

  it('refuses a receivedAt in the future or older than 30 days', () => {
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const base = { projectId, category: 'quality', description: '漏水' };
    expect(createComplaintSchema.safeParse({ ...base, receivedAt: at(-3_600_000) }).success).toBe(true);
    expect(createComplaintSchema.safeParse({ ...base, receivedAt: at(3_600_000) }).success).toBe(false);
    expect(createComplaintSchema.safeParse({ ...base, receivedAt: at(-31 * 86_400_000) }).success).toBe(
      false,
    );
  });

  it('rates a repair 1–5', () => {
    expect(confirmRepairSchema.safeParse({ rating: 5 }).success).toBe(true);
    expect(confirmRepairSchema.safeParse({ rating: 0 }).success).toBe(false);
    expect(confirmRepairSchema.safeParse({ rating: 6 }).success).toBe(false);
    expect(confirmRepairSchema.safeParse({ rating: 4.5 }).success).toBe(false);
  });
});
