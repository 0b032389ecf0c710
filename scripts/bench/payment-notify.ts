/**
 * Benchmark (not a test): fire N signed TRANSACTION.SUCCESS notifications (real RSA signatures,
 * AES-256-GCM resources, built exactly like WeChat's) at POST /api/v1/payments/wechat/notify with C
 * in flight, against a whole Gantry (FerretDB, Redis, WeChat simulator) on loopback. Prints the
 * throughput, latency percentiles, the answers, and how many payments ended paid (exactly once).
 *
 *   npx tsx scripts/bench/payment-notify.ts [--notifications 1000] [--concurrency 50] [--existing 0] [--wait-seconds 900]
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { notification, postNotify, seedOpenOrders, transactionResource } from '../../test/support/pay';
import { startTestSystem } from '../../test/support/system';
import { tradeNoFor } from '../../server/src/modules/payments/payment.view';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const n = arg('notifications', 1000);
  const concurrency = arg('concurrency', 50);
  const sys = await startTestSystem();
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
    const latencies: number[] = [];
    const answers = new Map<number, number>();
    let next = 0;
    t = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < n; i = next++) {
          const t0 = performance.now();
          const res = await postNotify(sys, bodies[i]!);
          latencies.push(performance.now() - t0);
          answers.set(res.status, (answers.get(res.status) ?? 0) + 1);
        }
      }),
    );
    const elapsed = Date.now() - t;
    latencies.sort((a, b) => a - b);
    console.log(
      `${n} notifications, ${concurrency} in flight: ${elapsed} ms, ${((n / elapsed) * 1000).toFixed(1)} /s`,
    );
    console.log(
      `latency ms: p50 ${pct(latencies, 50).toFixed(0)}, p95 ${pct(latencies, 95).toFixed(0)}, p99 ${pct(latencies, 99).toFixed(0)}, max ${latencies[latencies.length - 1]!.toFixed(0)}`,
    );
    console.log(`answers: ${JSON.stringify(Object.fromEntries(answers))}`);
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
