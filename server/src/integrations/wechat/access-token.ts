import { RedisLock } from '../../core/redis-lock';
import type { Redis } from '../../core/redis';
import { wechatRequest, type WechatHttpOptions } from './wechat-http';

/**
 * The mini-program access token, cached in Redis for every API instance. One instance refreshes
 * (under a short Redis lock) while the others wait for its result, so WeChat sees one
 * stable_token call per expiry, not one per instance. Refreshed 5 minutes before expiry.
 */
export interface AccessTokens {
  get(): Promise<string>;
  /** Forget `token` (WeChat said 40001/42001) so the next get() fetches a valid one. */
  invalidate(token: string): Promise<void>;
}

const TOKEN_KEY = 'wechat:access-token';
const LOCK_KEY = 'wechat:access-token:lock';
const EARLY_REFRESH_SECONDS = 300;

interface StableTokenBody {
  access_token: string;
  expires_in: number;
}

export function createAccessTokens(
  redis: Redis,
  options: WechatHttpOptions & { appId: string; appSecret: string },
): AccessTokens {
  const lock = new RedisLock(redis);
  const fetchToken = async (): Promise<string> => {
    const body = await wechatRequest<StableTokenBody>(options, '/cgi-bin/stable_token', {
      method: 'POST',
      body: {
        grant_type: 'client_credential',
        appid: options.appId,
        secret: options.appSecret,
        force_refresh: false,
      },
    });
    const ttl = Math.max(60, body.expires_in - EARLY_REFRESH_SECONDS);
    await redis.set(TOKEN_KEY, body.access_token, 'EX', ttl);
    return body.access_token;
  };

  const get = async (): Promise<string> => {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const cached = await redis.get(TOKEN_KEY);
      if (cached) return cached;
      const lockToken = await lock.acquire(LOCK_KEY, 10_000);
      if (lockToken) {
        try {
          return await fetchToken();
        } finally {
          await lock.release(LOCK_KEY, lockToken);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return fetchToken(); // the lock holder is stuck: fetch ourselves rather than fail
  };

  return {
    get,
    async invalidate(token) {
      // the same compare-and-delete as a lock release: only a token equal to the stale one is dropped
      await lock.release(TOKEN_KEY, token);
    },
  };
}
