import crypto from 'node:crypto';
import mongoose, { Schema, type Connection } from 'mongoose';
import { loadConfig } from '../../server/src/core/config';
import { connectDatabase } from '../../server/src/core/db';
import { isDuplicateKeyError } from '../../server/src/core/errors';

/**
 * What Gantry's code relies on from its database, checked against whatever MONGODB_URI points at:
 * the embedded mongo-java-server here, a production MongoDB deployment when an operator runs
 *
 *   MONGODB_URI=mongodb://…/anything npx jest test/contract/mongodb-behaviour.test.ts
 *
 * Each check is one MongoDB guarantee that a state move, a counter or an exactly-once record is
 * built on; a server that fails one of them cannot run Gantry correctly.
 */
let conn: Connection;

beforeAll(async () => {
  const base = loadConfig({ env: { ...process.env, NODE_ENV: 'test' } });
  conn = await connectDatabase(
    base.mongodb.uri.replace(/\/[^/?]*(\?|$)/, `/gantry_probe_${crypto.randomBytes(3).toString('hex')}$1`),
  );
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

const RACERS = 50;

describe('single-document atomicity', () => {
  it('gives a guarded claim on one document to exactly one of 50 concurrent callers', async () => {
    const Job = conn.model('Job', new Schema({ status: String, owner: Number }));
    for (let round = 0; round < 5; round += 1) {
      const job = await Job.create({ status: 'pending' });
      const claims = await Promise.all(
        Array.from({ length: RACERS }, (_, owner) =>
          Job.findOneAndUpdate(
            { _id: job._id, status: 'pending' },
            { $set: { status: 'taken', owner } },
            { new: true },
          ).lean(),
        ),
      );
      const winners = claims.filter((c) => c !== null);
      expect(winners).toHaveLength(1);
      const stored = await Job.findById(job._id).lean();
      expect(stored).toMatchObject({ status: 'taken', owner: winners[0]!.owner });
    }
  });

  it('keeps every one of 50 concurrent $inc', async () => {
    const Counter = conn.model('Counter', new Schema({ n: Number }));
    const counter = await Counter.create({ n: 0 });
    await Promise.all(
      Array.from({ length: RACERS }, () => Counter.updateOne({ _id: counter._id }, { $inc: { n: 1 } })),
    );
    expect((await Counter.findById(counter._id).lean())!.n).toBe(RACERS);
  });

  it('applies $push and $set of one update together or not at all under concurrency', async () => {
    const Log = conn.model('Log', new Schema({ entries: [Number], last: Number }));
    const log = await Log.create({ entries: [], last: -1 });
    await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        Log.updateOne({ _id: log._id }, { $push: { entries: i }, $max: { last: i } }),
      ),
    );
    const stored = (await Log.findById(log._id).lean())!;
    expect([...stored.entries].sort((a, b) => a - b)).toEqual(Array.from({ length: RACERS }, (_, i) => i));
    expect(stored.last).toBe(RACERS - 1);
  });
});

describe('unique indexes', () => {
  const Key = () => {
    const schema = new Schema({ key: { type: String, required: true, unique: true }, who: Number });
    return conn.models.Key ?? conn.model('Key', schema);
  };

  it('let exactly one of 50 concurrent inserts of one key win; the rest answer 11000', async () => {
    const K = Key();
    await K.createIndexes();
    const results = await Promise.allSettled(
      Array.from({ length: RACERS }, (_, who) => K.create({ key: 'k', who })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost.every((r) => isDuplicateKeyError(r.reason))).toBe(true);
  });

  it('answer a duplicate made by an update with 11000, leaving both documents as they were', async () => {
    const K = Key();
    await K.createIndexes();
    await K.create([{ key: 'a' }, { key: 'b' }]);
    const err = await K.updateOne({ key: 'b' }, { $set: { key: 'a' } }).catch((e: unknown) => e);
    expect(isDuplicateKeyError(err)).toBe(true);
    expect((err as { code?: number }).code).toBe(11000);
    expect(await K.countDocuments({ key: { $in: ['a', 'b'] } })).toBe(2);
  });

  it('make 20 concurrent upserts of one key leave one document', async () => {
    const K = Key();
    await K.createIndexes();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, who) =>
        K.updateOne({ key: 'upserted' }, { $setOnInsert: { who } }, { upsert: true }),
      ),
    );
    // MongoDB may refuse a racing upsert with 11000 instead of retrying it; both are fine, a second document is not.
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.every((r) => isDuplicateKeyError(r.reason))).toBe(true);
    expect(await K.countDocuments({ key: 'upserted' })).toBe(1);
  });

  it('hold for compound unique indexes (notice, attempt)', async () => {
    const Attempt = conn.model('Attempt', new Schema({ noticeId: Schema.Types.ObjectId, attempt: Number }));
    Attempt.schema.index({ noticeId: 1, attempt: 1 }, { unique: true });
    await Attempt.createIndexes();
    const noticeId = new mongoose.Types.ObjectId();
    const results = await Promise.allSettled(
      Array.from({ length: RACERS }, () => Attempt.create({ noticeId, attempt: 1 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('aggregation', () => {
  it('runs $match, $group with $sum, $sort and $lookup as MongoDB does', async () => {
    const db = conn.db!;
    const customers = db.collection('agg_customers');
    const payments = db.collection('agg_payments');
    const [a, b] = [new mongoose.Types.ObjectId(), new mongoose.Types.ObjectId()];
    await customers.insertMany([
      { _id: a, name: '华景' },
      { _id: b, name: '孙建国' },
    ]);
    await payments.insertMany([
      { customerId: a, amount: 100, status: 'paid' },
      { customerId: a, amount: 250, status: 'paid' },
      { customerId: b, amount: 70, status: 'paid' },
      { customerId: b, amount: 999, status: 'refunded' },
    ]);
    const rows = await payments
      .aggregate([
        { $match: { status: 'paid' } },
        { $group: { _id: '$customerId', total: { $sum: '$amount' }, count: { $sum: 1 } } },
        { $lookup: { from: 'agg_customers', localField: '_id', foreignField: '_id', as: 'customer' } },
        { $project: { _id: 0, name: { $arrayElemAt: ['$customer.name', 0] }, total: 1, count: 1 } },
        { $sort: { total: -1 } },
      ])
      .toArray();
    expect(rows).toEqual([
      { name: '华景', total: 350, count: 2 },
      { name: '孙建国', total: 70, count: 1 },
    ]);
  });

  it('runs $facet and $dateToString in Asia/Shanghai', async () => {
    const events = conn.db!.collection('agg_events');
    await events.insertMany([
      { at: new Date('2026-12-07T16:30:00Z'), kind: 'x' }, // 2026-12-08 00:30 in Shanghai
      { at: new Date('2026-12-07T15:30:00Z'), kind: 'y' }, // 2026-12-07 23:30 in Shanghai
    ]);
    const [out] = await events
      .aggregate([
        {
          $facet: {
            days: [
              {
                $project: {
                  _id: 0,
                  day: { $dateToString: { date: '$at', format: '%Y-%m-%d', timezone: 'Asia/Shanghai' } },
                },
              },
              { $sort: { day: 1 } },
            ],
            total: [{ $count: 'n' }],
          },
        },
      ])
      .toArray();
    expect(out).toEqual({ days: [{ day: '2026-12-07' }, { day: '2026-12-08' }], total: [{ n: 2 }] });
  });
});
