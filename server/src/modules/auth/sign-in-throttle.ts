import { RateLimitError } from '../../core/errors';
import type { Redis } from '../../core/redis';
import type { SignInConfig } from './auth.config';

/** One sign-in attempt as the throttle sees it: the folded username and the client's IP. */
export interface SignInAttempt {
  username: string;
  ip: string;
}

type Scope = 'pair' | 'ip' | 'user';
const SCOPES: readonly Scope[] = ['pair', 'ip', 'user'];

function keyOf(scope: Scope, attempt: SignInAttempt): string {
  // An IP never contains '|', so the pair key cannot be read two ways.
  if (scope === 'pair') return `signin:pair:${attempt.ip}|${attempt.username}`;
  return scope === 'ip' ? `signin:ip:${attempt.ip}` : `signin:user:${attempt.username}`;
}

const notifiedKey = (attempt: SignInAttempt) => `signin:notified:${attempt.username}`;

/**
 * Counts a failure and, past the free ones, pushes `until` (ms) out by base·2^(n−free), capped.
 * In one script so that two failures at once cannot both read the old count; `until` only grows,
 * so a late, smaller write cannot shorten a wait. The counter lives `window` after the last failure.
 */
const FAILURE_SCRIPT = `
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
local free = tonumber(ARGV[1])
if n >= free then
  local wait = math.min(tonumber(ARGV[3]) * 2 ^ (n - free), tonumber(ARGV[4]))
  local untilMs = math.floor(tonumber(ARGV[2]) + wait)
  local prev = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
  if untilMs > prev then redis.call('HSET', KEYS[1], 'until', untilMs) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return n`;

/**
 * Sign-in throttling without lockout. A wrong password slows the next attempt of the same pair
 * (username, IP) after a few failures, of the same IP across usernames (password spraying) after
 * more, and of the same username across IPs after many more — that last one is skipped by a known
 * device, so an attacker spread over many IPs slows strangers' attempts on the account but never
 * stops its owner. Attempts answered 429 check no password and count nothing.
 */
export class SignInThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly config: SignInConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws 429 SIGN_IN_THROTTLED with Retry-After while any scope that applies is waiting. */
  async assertAllowed(attempt: SignInAttempt, knownDevice: boolean): Promise<void> {
    const scopes = knownDevice ? SCOPES.filter((s) => s !== 'user') : SCOPES;
    const pipeline = this.redis.pipeline();
    for (const scope of scopes) pipeline.hget(keyOf(scope, attempt), 'until');
    const results = (await pipeline.exec()) ?? [];
    const now = this.now();
    const waitMs = Math.max(0, ...results.map(([, until]) => Number(until ?? 0) - now));
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new RateLimitError(seconds, 'SIGN_IN_THROTTLED', `登录失败次数过多，请 ${seconds} 秒后再试`);
    }
  }

  /** Counts a failure in every scope; answers the username's failures across IPs in the window. */
  async recordFailure(attempt: SignInAttempt): Promise<number> {
    const c = this.config;
    const free: Record<Scope, number> = {
      pair: c.pairFreeFailures,
      ip: c.ipFreeFailures,
      user: c.usernameFreeFailures,
    };
    const counts = await Promise.all(
      SCOPES.map((scope) =>
        this.redis.eval(
          FAILURE_SCRIPT,
          1,
          keyOf(scope, attempt),
          free[scope],
          this.now(),
          c.backoffBaseSeconds * 1000,
          c.backoffMaxSeconds * 1000,
          c.windowSeconds * 1000,
        ),
      ),
    );
    return Number(counts[SCOPES.indexOf('user')]);
  }

  /**
   * The owner got in from here: this pair starts afresh. The IP's and the username's counts stay,
   * or an attacker who also holds one valid account could wipe them by signing in to it.
   */
  async recordSuccess(attempt: SignInAttempt): Promise<void> {
    await this.redis.del(keyOf('pair', attempt));
  }

  /** True once per window for a username past its threshold: when the admins should hear of it. */
  async firstCrossing(attempt: SignInAttempt, userFailures: number): Promise<boolean> {
    if (userFailures < this.config.usernameFreeFailures) return false;
    const claimed = await this.redis.set(notifiedKey(attempt), '1', 'EX', this.config.windowSeconds, 'NX');
    return claimed === 'OK';
  }

  /** The notice could not be sent: let the next failure claim the window again. */
  async forgetCrossing(attempt: SignInAttempt): Promise<void> {
    await this.redis.del(notifiedKey(attempt));
  }
}
