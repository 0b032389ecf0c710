/**
 * What an approved change request must do beyond its own records. The payment issue registers
 * "amend the contract and its installment" here; the changes module runs every registered effect
 * once per approval, after the milestone dates moved and before `change_request.approved` goes out.
 */
export interface ApprovedChange {
  changeRequestId: string;
  projectId: string;
  customerId: string;
  title: string;
  quoteVersion: number;
  /** Fen; negative for a reduction. */
  costDelta: number;
  scheduleDeltaDays: number;
  approvedAt: Date;
  approvedBy: { id: string; name: string } | null;
  /** The totals and completion dates the customer saw when approving. */
  totalBefore: number | null;
  totalAfter: number | null;
  completionBefore: string;
  completionAfter: string;
}

/**
 * An effect must be idempotent, keyed by `changeRequestId`: it may run again after a crash
 * between its own work and the record that it finished (e.g. insert a marker unique on the
 * change request id first, then apply the marker's content with `$set`).
 */
export type ChangeApprovalEffect = (change: ApprovedChange) => Promise<void>;

/** Names the changes module uses for its own steps; an effect may not take one of them. */
export const BUILT_IN_STEPS = ['status', 'schedule', 'timeline', 'event'] as const;

const stepOf = (name: string) => `effect:${name}`;

export class ChangeApprovalEffects {
  private readonly effects = new Map<string, ChangeApprovalEffect>();

  /**
   * Adds (or replaces) the effect `name`; every approval decided from now on runs it. Answers the
   * function that removes it again.
   */
  register(name: string, effect: ChangeApprovalEffect): () => void {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) throw new Error(`invalid effect name: ${name}`);
    this.effects.set(name, effect);
    return () => {
      if (this.effects.get(name) === effect) this.effects.delete(name);
    };
  }

  /** The steps of the effects registered now, in registration order. */
  steps(): string[] {
    return [...this.effects.keys()].map(stepOf);
  }

  /** The effect behind a step, or undefined when it is not (or no longer) registered. */
  forStep(step: string): ChangeApprovalEffect | undefined {
    return step.startsWith('effect:') ? this.effects.get(step.slice('effect:'.length)) : undefined;
  }
}
