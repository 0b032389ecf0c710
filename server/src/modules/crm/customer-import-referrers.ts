import type { Actor } from '../../core/auth/actor';
import { referrerKeyOf } from './customer-import-rows';
import type { CustomerService } from './customer.service';

/** The CLI imports without a signed-in user; it may name any customer as a referrer. */
const SYSTEM_READER: Actor = {
  id: '000000000000000000000000',
  kind: 'staff',
  role: 'admin',
  name: '导入脚本',
  customerId: null,
  sessionId: 'import-cli',
};
const SEARCH_LIMIT = 100;

export type ReferrerLookup = { found: string } | { missing: string } | { ambiguous: string };

/**
 * Referring customers by the name written in the 推荐客户 column: an exact match (after the same
 * normalisation as duplicate control) among the customers the importing user may see — the same
 * rule as `referredBy` in the API. Answers are cached for the run.
 */
export class ReferrerResolver {
  private readonly cache = new Map<string, ReferrerLookup>();

  constructor(
    private readonly customers: CustomerService,
    private readonly actor: Actor | null,
  ) {}

  async resolve(name: string): Promise<ReferrerLookup> {
    const key = referrerKeyOf(name);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const page = await this.customers.list(this.actor ?? SYSTEM_READER, {
      q: key.slice(0, 50) || name.slice(0, 50),
      limit: SEARCH_LIMIT,
    });
    const exact = page.items.filter((c) => referrerKeyOf(c.name) === key);
    const answer: ReferrerLookup =
      exact.length === 1
        ? { found: exact[0]!.id }
        : exact.length > 1
          ? { ambiguous: `推荐客户「${name}」有多个同名客户，请在系统中手动关联` }
          : { missing: `推荐客户「${name}」不存在或无权查看` };
    // A miss may be created later in this run (a referrer further up the same file).
    if (!('missing' in answer)) this.cache.set(key, answer);
    return answer;
  }
}
