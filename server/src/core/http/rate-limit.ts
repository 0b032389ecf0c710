import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../redis';
import { RateLimitError } from '../errors';

export interface LimiterSettings {
  points: number;
  durationSeconds: number;
}

/** A named limiter over Redis, shared by every API instance. */
export class RedisLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, name: string, settings: LimiterSettings) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `rl:${name}`,
      points: settings.points,
      duration: settings.durationSeconds,
      useRedisPackage: false,
    });
  }

  /** Consumes one point for `key`, or throws RATE_LIMITED with Retry-After. */
  async hit(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes)
        throw new RateLimitError(Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
      throw err;
    }
  }
}

export interface RateLimiters {
  perIp: RedisLimiter;
  perAccount: RedisLimiter;
  login: RedisLimiter;
}

export function createRateLimiters(
  redis: Redis,
  config: Record<keyof RateLimiters, LimiterSettings>,
): RateLimiters {
  return {
    perIp: new RedisLimiter(redis, 'ip', config.perIp),
    perAccount: new RedisLimiter(redis, 'account', config.perAccount),
    login: new RedisLimiter(redis, 'login', config.login),
  };
}
