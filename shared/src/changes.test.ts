import { describe, expect, it } from '@jest/globals';
import {
  CHANGE_REQUEST_OUTCOMES,
  CHANGE_REQUEST_STATUSES,
  canMoveChangeRequest,
  changeDecisionSchema,
  quoteChangeRequestSchema,
} from './changes';

describe('change request status machine', () => {
  it('goes submitted → under_review → quoted → approved | rejected | expired', () => {
    expect(canMoveChangeRequest('submitted', 'under_review')).toBe(true);
    expect(canMoveChangeRequest('under_review', 'quoted')).toBe(true);
    for (const to of ['approved', 'rejected', 'expired'] as const)
      expect(canMoveChangeRequest('quoted', to)).toBe(true);
  });

  it('lets the requester withdraw only before a decision', () => {
    for (const from of ['submitted', 'under_review', 'quoted'] as const)
      expect(canMoveChangeRequest(from, 'withdrawn')).toBe(true);
  });

  it('allows a revised quote, but no quote before review and no decision before a quote', () => {
    expect(canMoveChangeRequest('quoted', 'quoted')).toBe(true);
    expect(canMoveChangeRequest('submitted', 'quoted')).toBe(false);
    expect(canMoveChangeRequest('submitted', 'approved')).toBe(false);
    expect(canMoveChangeRequest('under_review', 'approved')).toBe(false);
    expect(canMoveChangeRequest('under_review', 'expired')).toBe(false);
  });

  it('makes every outcome final', () => {
    for (const from of CHANGE_REQUEST_OUTCOMES)
      for (const to of CHANGE_REQUEST_STATUSES) expect(canMoveChangeRequest(from, to)).toBe(false);
  });
});

describe('quote input', () => {
  const quote = { costDelta: -150_000, scheduleDeltaDays: -3, validUntil: '2030-01-31' };

  it('takes integer fen and whole days, negative ones too', () => {
    expect(quoteChangeRequestSchema.parse(quote)).toMatchObject({ ...quote, note: '' });
  });

  it('refuses fractions of a fen or a day, yuan strings and malformed dates', () => {
    for (const bad of [
      { costDelta: 1500.5 },
      { costDelta: '1500' },
      { scheduleDeltaDays: 0.5 },
      { validUntil: '2030-1-31' },
      { costDelta: 1e12 },
    ])
      expect(quoteChangeRequestSchema.safeParse({ ...quote, ...bad }).success).toBe(false);
  });

  it('takes only approve or reject as a decision', () => {
    expect(changeDecisionSchema.parse({ decision: 'approve' })).toEqual({ decision: 'approve', comment: '' });
    expect(changeDecisionSchema.safeParse({ decision: 'maybe' }).success).toBe(false);
  });
});
