/**
 * The reads the reconciliation matcher makes for one day (`loadDay`), as mongoose issues them and
 * as the raw driver issues the same filter and projection, drained the same way (a cursor).
 */
import type { Db, Document } from 'mongodb';
import type { Model } from 'mongoose';
import type { buildContainer } from '../../server/src/container';

type Models = Awaited<ReturnType<typeof buildContainer>>['models'];
const DAY_MS = 86_400_000;
// The matcher also looks at orders created up to two days before the day (paid late).
const ORDER_WINDOW_MS = 2 * DAY_MS;

interface DayRead {
  op: string;
  api: () => Promise<number>;
  raw: (db: Db) => Promise<number>;
  index: string;
}

async function drain(cursor: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of cursor) n += 1;
  return n;
}

function read(op: string, model: Model<any>, filter: Document, projection: Document, index: string): DayRead {
  return {
    op,
    index,
    api: () => drain(model.find(filter, projection).lean().cursor()),
    raw: (db) => drain(db.collection(model.collection.collectionName).find(filter, { projection })),
  };
}

export function dayReads(m: Models, from: Date): DayRead[] {
  const to = new Date(from.getTime() + DAY_MS);
  const day = { $gte: from, $lt: to };
  return [
    read('ledger entries of the day', m.paymentLedger, { at: day }, { key: 1 }, 'at_1 (range)'),
    read(
      'payments of the day (cursor)',
      m.payments,
      {
        $or: [{ paidAt: day }, { createdAt: { $gte: new Date(from.getTime() - ORDER_WINDOW_MS), $lt: to } }],
      },
      { outTradeNo: 1, amount: 1, status: 1, invoiceId: 1, transactionId: 1, paidAt: 1 },
      'none: $or needs paidAt_1 and createdAt_1, neither exists -> COLLSCAN; add both',
    ),
    read(
      'refunds of the day (cursor)',
      m.refunds,
      { $or: [{ succeededAt: day }, { outRefundNo: { $in: [] } }] },
      { outRefundNo: 1, paymentId: 1, amount: 1, status: 1, invoiceId: 1, refundId: 1 },
      'none for succeededAt -> COLLSCAN; add succeededAt_1 (outRefundNo_1 serves the other branch)',
    ),
  ];
}
