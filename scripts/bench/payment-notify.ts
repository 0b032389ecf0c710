/**
 * Benchmark (not a test): fire N signed TRANSACTION.SUCCESS notifications (real RSA signatures,
 * AES-256-GCM resources, built exactly like WeChat's) at POST /api/v1/payments/wechat/notify with C
 * in flight, against a whole Gantry (embedded mongo-java-server, Redis, WeChat simulator) on
 * loopback. Beside it, the raw driver does what the answer waits for (the payment read by id, the
 * ledger entry and the audit entry written, into scratch collections) with the same C in flight.
 * Then every notification is delivered again, and the ledger and payments are counted: each order
 * must be applied exactly once.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:27817/gantry_bench_x REDIS_URL=redis://127.0.0.1:6879 \
 *     GANTRY_CONFIG_JSON='{"payments":{"notifyConcurrency":8}}' \
 *     npx tsx scripts/bench/payment-notify.ts [--notifications 1000] [--concurrency 50] [--existing 0] [--wait-seconds 900]
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { notification, postNotify, seedOpenOrders, transactionResource } from '../../test/support/pay';
import { startTestSystem, type TestSystem } from '../../test/support/system';
import { tradeNoFor } from '../../server/src/modules/payments/payment.view';
import { envOverrides, printTable, rawDb } from './figures';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
  const n = arg('notifications', 1000);
  const concurrency = arg('concurrency', 50);
  const sys = await startTestSystem({ overrides: envOverrides() });
  console.log(`payments.notifyConcurrency = ${sys.config.payments.notifyConcurrency}`);
  try {
    const { invoices, payments } = sys.server.container.models;
    const tag = randomBytes(3).toString('hex');
    let t = Date.now();
    const orders = await seedOpenOrders(sys, n);
    console.log(`seeded ${n} invoices and payments in ${Date.now() - t} ms`);
    // Older, settled payments already in the collection: the answer path must not depend on them.
    const existing = arg('existing', 0);
    t = Date.now();
    for (let done = 0; done < existing; done += 5000) {
      const batch = Math.min(5000, existing - done);
      await payments.insertMany(
        Array.from({ length: batch }, (_, i) => {
          const _id = new Types.ObjectId();
          return {
            _id,
            invoiceId: new Types.ObjectId(),
            customerId: new Types.ObjectId(),
            portalAccountId: new Types.ObjectId(),
            idempotencyKey: `old-${tag}-${done + i}`,
            amount: 5_000 + i,
            outTradeNo: tradeNoFor('P', _id),
            status: 'paid',
            transactionId: `42${tag}${done + i}`,
            paidAt: new Date(),
            effectsDoneAt: new Date(),
            payerOpenid: 'o_old_payer',
            description: '进度款',
          };
        }),
      );
    }
    if (existing > 0) console.log(`seeded ${existing} older paid payments in ${Date.now() - t} ms`);

    const bodies = orders.map((o) => notification(sys, transactionResource(sys, o)));
    const answers = new Map<number, number>();
    t = Date.now();
    const api = await inFlight(n, concurrency, async (i) => {
      const res = await postNotify(sys, bodies[i]!);
      answers.set(res.status, (answers.get(res.status) ?? 0) + 1);
    });
    const elapsed = Date.now() - t;
    console.log(
      `${n} notifications, ${concurrency} in flight: ${elapsed} ms, ${((n / elapsed) * 1000).toFixed(1)} /s`,
    );
    console.log(`answers: ${JSON.stringify(Object.fromEntries(answers))}`);
    const raw = await rawWork(sys, orders, concurrency);
    printTable(`${n} payment notifications, ${concurrency} in flight (ms per notification):`, [
      {
        op: 'POST /payments/wechat/notify (target p95 <= 200)',
        api,
        raw,
        index: 'payments _id; payment_ledger key_1 (unique); audit: insert only',
      },
    ]);
    const ledger = await sys.server.container.models.paymentLedger.countDocuments({ kind: 'payment' });
    console.log(`ledger entries (money applied) when the last answer was sent: ${ledger}/${n}`);
    // The payment status, invoice and notice follow after the answer (a few at a time); wait for
    // them and say how long the tail took, then check each order was applied exactly once.
    const ids = orders.map((o) => o._id);
    const deadline = Date.now() + arg('wait-seconds', 900) * 1000;
    let done = 0;
    while (Date.now() < deadline) {
      done = await payments.countDocuments({ _id: { $in: ids }, effectsDoneAt: { $ne: null } });
      if (done === n) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const again = new Map<number, number>();
    await inFlight(n, concurrency, async (i) => {
      const res = await postNotify(sys, bodies[i]!);
      again.set(res.status, (again.get(res.status) ?? 0) + 1);
    });
    const ledgerAfter = await sys.server.container.models.paymentLedger.countDocuments({
      kind: 'payment',
      paymentId: { $in: ids },
    });
    console.log(
      `every notification delivered again: answers ${JSON.stringify(Object.fromEntries(again))}; ledger entries now ${ledgerAfter}/${n} (exactly once: ${ledgerAfter === n ? 'yes' : 'NO'})`,
    );
    const paid = await payments.countDocuments({ _id: { $in: ids }, status: 'paid' });
    const paidInvoices = await invoices.countDocuments({
      _id: { $in: orders.map((o) => o.invoiceId) },
      status: 'paid',
    });
    console.log(
      `after-answer work finished ${Date.now() - t} ms after the first notification: payments paid ${paid}/${n}, invoices paid ${paidInvoices}/${n}, follow-ups done ${done}/${n}`,
    );
  } finally {
    await sys.close();
  }
}

/** Runs work(0..n-1) with `concurrency` in flight; the duration of each, in ms. */
async function inFlight(n: number, concurrency: number, work: (i: number) => Promise<void>) {
  const ms: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t0 = performance.now();
        await work(i);
        ms.push(performance.now() - t0);
      }
    }),
  );
  return ms;
}

/**
 * What the answer waits for, through the raw driver: the payment read by id, then the ledger entry
 * (under a unique key, as the real one) and the audit entry inserted — into scratch collections, so
 * the real ledger keeps exactly what the API wrote.
 */
async function rawWork(sys: TestSystem, orders: Array<{ _id: Types.ObjectId }>, concurrency: number) {
  const { db, close } = await rawDb(sys.config.mongodb.uri);
  try {
    const [payments, ledger, audit] = ['payments', 'bench_raw_ledger', 'bench_raw_audit'].map((c) =>
      db.collection(c),
    );
    await ledger!.createIndex({ key: 1 }, { unique: true });
    return await inFlight(orders.length, concurrency, async (i) => {
      const p = await payments!.findOne({ _id: orders[i]!._id });
      if (!p) throw new Error('raw: payment not found');
      await ledger!.insertOne({
        key: `payment:${p.outTradeNo}`,
        kind: 'payment',
        paymentId: p._id,
        amount: p.amount,
        at: new Date(),
      });
      await audit!.insertOne({
        action: 'payment.succeeded',
        resourceId: p._id,
        before: { status: p.status },
        at: new Date(),
      });
    });
  } finally {
    await close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
