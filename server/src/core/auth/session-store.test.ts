import crypto from 'node:crypto';
import { loadConfig } from '../config';
import { createRedis, type Redis } from '../redis';
import { SessionStore } from './session-store';

// Real Redis (started by `npm test`), under a key prefix of this file's own.
let redis: Redis;
let store: SessionStore;
const actor = {
  id: 'user-1',
  kind: 'staff' as const,
  role: 'sales' as const,
  name: '李娜',
  customerId: null,
};

beforeAll(() => {
  const config = loadConfig({ env: { NODE_ENV: 'test' } });
  redis = createRedis(config.redis.url, `gantry_sess_${crypto.randomBytes(4).toString('hex')}:`);
  store = new SessionStore(redis);
});
afterAll(async () => {
  // ioredis does not prefix KEYS patterns, and DEL prefixes the names again: strip ours first.
  const prefix = redis.options.keyPrefix!;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys.map((k) => k.slice(prefix.length)));
  await redis.quit();
});

describe('SessionStore', () => {
  it('resolves a token to its actor and stores only a hash of it', async () => {
    const { token } = await store.create(actor, 60);
    const resolved = await store.resolve(token);
    expect(resolved).toMatchObject(actor);
    const raw = await redis.get(`session:${resolved!.sessionId}`);
    expect(raw).not.toContain(token);
  });

  it('expires tokens after their lifetime', async () => {
    const { token } = await store.create({ ...actor, id: 'user-exp' }, 1);
    expect(await store.resolve(token)).not.toBeNull();
    await new Promise((r) => setTimeout(r, 1300));
    expect(await store.resolve(token)).toBeNull();
  });

  it('revokes every session of a user at once', async () => {
    const a = await store.create({ ...actor, id: 'user-2' }, 60);
    const b = await store.create({ ...actor, id: 'user-2' }, 60);
    const other = await store.create({ ...actor, id: 'user-3' }, 60);
    expect(await store.revokeAllFor('user-2')).toBe(2);
    expect(await store.resolve(a.token)).toBeNull();
    expect(await store.resolve(b.token)).toBeNull();
    expect(await store.resolve(other.token)).not.toBeNull();
  });

  it('rejects tokens of the wrong shape without asking Redis', async () => {
    expect(await store.resolve('short')).toBeNull();
    expect(await store.resolve('x'.repeat(43) + '!')).toBeNull();
  });
});
