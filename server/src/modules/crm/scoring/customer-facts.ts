/**
 * Facts about customers that scoring reads, each from the module that owns the data. A provider
 * answers one fact for a batch of customer ids (a customer it has nothing for reads 0). A fact with
 * no provider reads 0 for everyone, so later modules (contracts, payments, feedback) register
 * theirs without any change to the scoring code. Registering a name again replaces the provider;
 * the returned function puts the previous one back.
 */
export const FACTS = {
  /** Fen signed in the last 12 months. */
  annualContractValue: 'annualContractValue',
  /** Signed deals and projects in the last 24 months. */
  cooperationCount: 'cooperationCount',
  /** Share (0–1) of payments made on time. */
  paymentPunctuality: 'paymentPunctuality',
  /** Late payments in the last 12 months. */
  latePayments12m: 'latePayments12m',
  /** Average satisfaction, 1–5. */
  avgSatisfaction: 'avgSatisfaction',
  openComplaints: 'openComplaints',
  /** Opportunities (open or lost) of a customer that has none signed; 0 once one is signed. */
  unsignedOpportunities: 'unsignedOpportunities',
} as const;
export type FactName = (typeof FACTS)[keyof typeof FACTS] | (string & {});

export type FactProvider = (customerIds: string[]) => Promise<Map<string, number>>;

export class FactRegistry {
  private readonly providers = new Map<string, FactProvider>();

  registerFactProvider(name: FactName, provider: FactProvider): () => void {
    const previous = this.providers.get(name);
    this.providers.set(name, provider);
    return () => {
      if (this.providers.get(name) !== provider) return;
      if (previous) this.providers.set(name, previous);
      else this.providers.delete(name);
    };
  }

  has(name: FactName): boolean {
    return this.providers.has(name);
  }

  /** Every registered fact for the batch: fact name → customer id → value. */
  async read(customerIds: string[]): Promise<Map<string, Map<string, number>>> {
    const entries = await Promise.all(
      [...this.providers].map(async ([name, provider]) => [name, await provider(customerIds)] as const),
    );
    return new Map(entries);
  }
}

/** One customer's value of a fact (0 when no provider or no value). */
export function factOf(facts: Map<string, Map<string, number>>, name: FactName, customerId: string): number {
  const v = facts.get(name)?.get(customerId);
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
