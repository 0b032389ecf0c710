/*
 * The opportunity stage machine without zod, so the client can import it (from
 * '@gantry/shared/src/opportunity-stages') without pulling the schema library into its bundle.
 */

/** The sales funnel: intention → negotiation → quotation → signed, or lost from any open stage. */
export const OPPORTUNITY_STAGES = ['intention', 'negotiation', 'quotation', 'signed', 'lost'] as const;
export type OpportunityStage = (typeof OPPORTUNITY_STAGES)[number];

/** The forward path, in order (lost is outside it). */
export const OPPORTUNITY_PATH = ['intention', 'negotiation', 'quotation', 'signed'] as const;
export const OPEN_OPPORTUNITY_STAGES = ['intention', 'negotiation', 'quotation'] as const;

export const OPPORTUNITY_STAGE_LABELS: Record<OpportunityStage, string> = {
  intention: '意向',
  negotiation: '洽谈',
  quotation: '报价',
  signed: '已签约',
  lost: '已流失',
};

/**
 * Allowed moves: one stage forward, back to any earlier open stage, or lost (with a reason) from
 * any open stage. Signed and lost are final.
 */
export const OPPORTUNITY_TRANSITIONS: Readonly<Record<OpportunityStage, readonly OpportunityStage[]>> = {
  intention: ['negotiation', 'lost'],
  negotiation: ['intention', 'quotation', 'lost'],
  quotation: ['intention', 'negotiation', 'signed', 'lost'],
  signed: [],
  lost: [],
};

export function canMoveOpportunity(from: OpportunityStage, to: OpportunityStage): boolean {
  return OPPORTUNITY_TRANSITIONS[from].includes(to);
}

export function isOpenOpportunityStage(stage: OpportunityStage): boolean {
  return (OPEN_OPPORTUNITY_STAGES as readonly string[]).includes(stage);
}
