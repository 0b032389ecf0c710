import crypto from 'node:crypto';
import mongoose, { Schema, type Connection } from 'mongoose';
import { loadConfig } from '../../server/src/core/config';
import { connectDatabase } from '../../server/src/core/db';
import { isDuplicateKeyError } from '../../server/src/core/errors';

/**
 * What Gantry's exactly-once rules rest on, checked on the database the tests run against
 * (FerretDB v1.24 here, MongoDB in production). FerretDB v1 with SQLite does NOT make a guarded
 * findOneAndUpdate or a $inc atomic under concurrency (see scripts/bench/ferretdb-atomicity.ts,
 * which prints how often it fails), so the code never relies on those for exactly-once: it relies
 * on unique indexes, which this file shows hold under concurrency, and on Redis locks.
 */
let conn: Connection;

beforeAll(async () => {
  const base = loadConfig({ env: { NODE_ENV: 'test' } });
  conn = await connectDatabase(
    base.mongodb.uri.replace(/\/[^/?]*(\?|$)/, `/gantry_probe_${crypto.randomBytes(3).toString('hex')}$1`),
  );
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

describe('unique indexes under concurrency', () => {
  it('let exactly one of many concurrent inserts of the same key win, the rest get E11000', async () => {
    const Claim = conn.model(
      'Claim',
      new Schema({ key: { type: String, required: true, unique: true }, who: Number }),
    );
    await Claim.createIndexes();
    for (let round = 0; round < 10; round += 1) {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, who) => Claim.create({ key: `k${round}`, who })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost.every((r) => isDuplicateKeyError(r.reason))).toBe(true);
    }
    expect(await Claim.countDocuments()).toBe(10);
  });

  it('compound unique indexes (notice, attempt) behave the same', async () => {
    const Attempt = conn.model('Attempt', new Schema({ noticeId: Schema.Types.ObjectId, attempt: Number }));
    Attempt.schema.index({ noticeId: 1, attempt: 1 }, { unique: true });
    await Attempt.createIndexes();
    const noticeId = new mongoose.Types.ObjectId();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => Attempt.create({ noticeId, attempt: 1 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
