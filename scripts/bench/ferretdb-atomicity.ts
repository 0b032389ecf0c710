/**
 * Probe (not a test): how often do concurrent guarded updates "win" twice, and how many concurrent
 * $inc are lost, on the configured database? MongoDB answers 0 and 0. FerretDB v1.24 (SQLite)
 * does not: this is why Gantry's exactly-once paths use unique indexes and Redis locks instead.
 *
 *   npx tsx scripts/bench/ferretdb-atomicity.ts
 */
import crypto from 'node:crypto';
import { Schema } from 'mongoose';
import { loadConfig } from '../../server/src/core/config';
import { connectDatabase } from '../../server/src/core/db';

async function main() {
  const base = loadConfig({ env: { NODE_ENV: 'test' } });
  const conn = await connectDatabase(
    base.mongodb.uri.replace(
      /\/[^/?]*(\?|$)/,
      `/gantry_atomicity_${crypto.randomBytes(3).toString('hex')}$1`,
    ),
  );
  const Doc = conn.model('Doc', new Schema({ status: String, n: Number }));
  const rounds = 50;
  const racers = 8;
  let doubleClaims = 0;
  let lostIncrements = 0;
  for (let i = 0; i < rounds; i += 1) {
    const doc = await Doc.create({ status: 'pending', n: 0 });
    const claims = await Promise.all(
      Array.from({ length: racers }, () =>
        Doc.findOneAndUpdate({ _id: doc._id, status: 'pending' }, { $set: { status: 'taken' } }),
      ),
    );
    if (claims.filter(Boolean).length > 1) doubleClaims += 1;
    await Promise.all(
      Array.from({ length: racers }, () => Doc.updateOne({ _id: doc._id }, { $inc: { n: 1 } })),
    );
    lostIncrements += racers - ((await Doc.findById(doc._id).lean())?.n ?? 0);
  }
  console.log(`${base.mongodb.uri.split('@').pop()}: ${rounds} rounds × ${racers} concurrent writers`);
  console.log(`  guarded findOneAndUpdate won by more than one writer: ${doubleClaims}/${rounds} rounds`);
  console.log(`  $inc lost: ${lostIncrements}/${rounds * racers}`);
  await conn.dropDatabase();
  await conn.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
