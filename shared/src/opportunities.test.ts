import { describe, expect, it } from '@jest/globals';
import {
  OPPORTUNITY_STAGES,
  OPPORTUNITY_TRANSITIONS,
  canMoveOpportunity,
  moveOpportunityStageSchema,
} from './opportunities';

describe('opportunity stage machine', () => {
  it('moves forward one stage at a time', () => {
    expect(canMoveOpportunity('intention', 'negotiation')).toBe(true);
    expect(canMoveOpportunity('negotiation', 'quotation')).toBe(true);
    expect(canMoveOpportunity('quotation', 'signed')).toBe(true);
  });

  it('refuses skipping forward', () => {
    expect(canMoveOpportunity('intention', 'quotation')).toBe(false);
    expect(canMoveOpportunity('intention', 'signed')).toBe(false);
    expect(canMoveOpportunity('negotiation', 'signed')).toBe(false);
  });

  it('allows lost from every open stage and going back to an earlier open stage', () => {
    for (const s of ['intention', 'negotiation', 'quotation'] as const)
      expect(canMoveOpportunity(s, 'lost')).toBe(true);
    expect(canMoveOpportunity('quotation', 'negotiation')).toBe(true);
    expect(canMoveOpportunity('negotiation', 'intention')).toBe(true);
  });

  it('never leaves signed or lost, and never stays in place', () => {
    for (const to of OPPORTUNITY_STAGES) {
      expect(canMoveOpportunity('signed', to)).toBe(false);
      expect(canMoveOpportunity('lost', to)).toBe(false);
    }
    for (const s of OPPORTUNITY_STAGES) expect(OPPORTUNITY_TRANSITIONS[s]).not.toContain(s);
  });

  it('needs a reason to mark an opportunity lost', () => {
    expect(moveOpportunityStageSchema.safeParse({ stage: 'lost' }).success).toBe(false);
    expect(moveOpportunityStageSchema.safeParse({ stage: 'lost', reason: '价格' }).success).toBe(true);
    expect(moveOpportunityStageSchema.safeParse({ stage: 'negotiation' }).success).toBe(true);
  });
});
