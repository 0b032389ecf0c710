import type { Types } from 'mongoose';
import type { DiscrepancyKind, ReconciliationCounts } from '@gantry/shared';
import { paymentLedgerKey, refundLedgerKey, type LedgerEntryModel } from '../payments/payment-ledger';
import type { PaymentModel } from '../payments/payment.model';
import type { RefundModel } from '../payments/refund.model';
import type { BillTradeLine } from './trade-bill.parser';

/** One record of ours, as little of it as matching needs. */
interface Ours {
  id: Types.ObjectId;
  no: string;
  outTradeNo: string;
  amount: number;
  status: string;
  invoiceId: Types.ObjectId;
  wechatId: string | null;
}

export interface Finding {
  kind: DiscrepancyKind;
  subject: 'payment' | 'refund';
  outTradeNo: string;
  outRefundNo: string | null;
  wechatId: string | null;
  billAmount: number | null;
  ourAmount: number | null;
  billStatus: string | null;
  ourStatus: string | null;
  paymentId: Types.ObjectId | null;
  refundId: Types.ObjectId | null;
  invoiceId: Types.ObjectId | null;
}

/** The statuses of ours that mean "WeChat has the money" for a line of the bill. */
const SETTLED = { payment: 'paid', refund: 'succeeded' } as const;
const LOOKUP_BATCH = 500;
/**
 * An order paid on a day was created at most `payments.orderExpireMinutes` (≤ 120) before it was
 * paid: orders created from two days before the bill day to its end hold every order the bill can
 * name, so a payment line found among none of them is missing on our side without another query.
 */
const ORDER_WINDOW_MS = 2 * 86_400_000;

/**
 * Matches the bill's lines, as they stream by, against our payments and refunds. Our records are
 * read once (one query per collection, compact projection, keyed by our order/refund number)
 * instead of one find per line — on FerretDB every query scans its collection: the payments settled
 * that day (expected in the bill) plus the orders created around it (to tell a status mismatch from
 * a missing order). Refund lines not explained by the day's refunds are looked up in batches.
 * Whatever of ours expected in the bill is left unmatched at the end is missing from the bill.
 */
export class BillMatcher {
  private readonly day = { payment: new Map<string, Ours>(), refund: new Map<string, Ours>() };
  /** Orders created around the day but not settled on it (not expected in the bill). */
  private readonly around = new Map<string, Ours>();
  private readonly pending: BillTradeLine[] = [];
  readonly counts: ReconciliationCounts = {
    billLines: 0,
    matched: 0,
    missing_ours: 0,
    missing_bill: 0,
    amount_mismatch: 0,
    status_mismatch: 0,
  };
  billPaid = 0;
  billRefunded = 0;

  constructor(
    private readonly deps: { payments: PaymentModel; refunds: RefundModel; paymentLedger: LedgerEntryModel },
    private readonly emit: (finding: Finding) => Promise<void>,
  ) {}

  /**
   * Our payments settled and refunds succeeded within [from, to). Settled is the ledger's word: an
   * entry written that day counts even where a crash left the payment `created` (no `paidAt`) or the
   * refund `processing`, so finance is not shown a status mismatch for money we did receive.
   */
  async loadDay(from: Date, to: Date): Promise<void> {
    const entries = await this.deps.paymentLedger.find({ at: { $gte: from, $lt: to } }, { key: 1 }).lean();
    const inLedger = new Set(entries.map((e) => e.key));
    const ledgerRefundNos = entries
      .filter((e) => e.key.startsWith(refundLedgerKey('')))
      .map((e) => e.key.slice(refundLedgerKey('').length));
    const payments = this.deps.payments
      .find(
        {
          $or: [
            { paidAt: { $gte: from, $lt: to } },
            { createdAt: { $gte: new Date(from.getTime() - ORDER_WINDOW_MS), $lt: to } },
          ],
        },
        { outTradeNo: 1, amount: 1, status: 1, invoiceId: 1, transactionId: 1, paidAt: 1 },
      )
      .lean()
      .cursor();
    for await (const p of payments) {
      const recorded = inLedger.has(paymentLedgerKey(p.outTradeNo));
      const paidThatDay = recorded || (p.paidAt !== null && p.paidAt >= from && p.paidAt < to);
      const ours = paymentOurs(p);
      if (recorded) ours.status = SETTLED.payment;
      (paidThatDay ? this.day.payment : this.around).set(p.outTradeNo, ours);
    }
    const refunds = this.deps.refunds
      .find(
        { $or: [{ succeededAt: { $gte: from, $lt: to } }, { outRefundNo: { $in: ledgerRefundNos } }] },
        { outRefundNo: 1, paymentId: 1, amount: 1, status: 1, invoiceId: 1, refundId: 1 },
      )
      .lean()
      .cursor();
    const outTradeNos = await this.outTradeNosOf(refunds);
    for (const r of outTradeNos) {
      if (inLedger.has(refundLedgerKey(r.no))) r.status = SETTLED.refund;
      this.day.refund.set(r.no, r);
    }
  }

  async line(line: BillTradeLine): Promise<void> {
    this.counts.billLines += 1;
    if (line.kind === 'payment') this.billPaid += line.amount;
    else this.billRefunded += line.amount;
    const map = this.day[line.kind];
    const no = numberOf(line);
    const ours = map.get(no) ?? (line.kind === 'payment' ? this.around.get(no) : undefined);
    if (ours) {
      map.delete(no);
      this.around.delete(no);
      await this.compare(line, ours);
      return;
    }
    if (line.kind === 'payment') return this.report('missing_ours', 'payment', line, null);
    this.pending.push(line);
    if (this.pending.length >= LOOKUP_BATCH) await this.flushPending();
  }

  /** After the last line: the leftover lookups, then our records no line named. */
  async finish(): Promise<void> {
    await this.flushPending();
    for (const subject of ['payment', 'refund'] as const)
      for (const ours of this.day[subject].values()) await this.report('missing_bill', subject, null, ours);
    this.day.payment.clear();
    this.day.refund.clear();
    this.around.clear();
  }

  private async compare(line: BillTradeLine, ours: Ours): Promise<void> {
    const billSettled =
      line.kind === 'payment' ? line.tradeState === 'SUCCESS' : line.refundStatus === 'SUCCESS';
    const oursSettled = ours.status === SETTLED[line.kind];
    if (billSettled !== oursSettled) return this.report('status_mismatch', line.kind, line, ours);
    if (line.amount !== ours.amount) return this.report('amount_mismatch', line.kind, line, ours);
    this.counts.matched += 1;
  }

  private async flushPending(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.pending.length);
    const found = new Map<string, Ours>();
    const refundNos = batch.filter((l) => l.kind === 'refund').map(numberOf);
    if (refundNos.length) {
      const rows = this.deps.refunds
        .find(
          { outRefundNo: { $in: refundNos } },
          { outRefundNo: 1, paymentId: 1, amount: 1, status: 1, invoiceId: 1, refundId: 1 },
        )
        .lean()
        .cursor();
      for (const r of await this.outTradeNosOf(rows)) found.set(r.no, r);
    }
    for (const line of batch) {
      const ours = found.get(numberOf(line));
      if (ours) await this.compare(line, ours);
      else await this.report('missing_ours', line.kind, line, null);
    }
  }

  /** Refunds carry our payment id; the bill names the order by out_trade_no. */
  private async outTradeNosOf(
    refunds: AsyncIterable<{
      _id: Types.ObjectId;
      outRefundNo: string;
      paymentId: Types.ObjectId;
      amount: number;
      status: string;
      invoiceId: Types.ObjectId;
      refundId?: string | null;
    }>,
  ): Promise<Ours[]> {
    const list: Ours[] = [];
    const paymentIds = new Set<string>();
    for await (const r of refunds) {
      list.push({
        id: r._id,
        no: r.outRefundNo,
        outTradeNo: String(r.paymentId),
        amount: r.amount,
        status: r.status,
        invoiceId: r.invoiceId,
        wechatId: r.refundId ?? null,
      });
      paymentIds.add(String(r.paymentId));
    }
    if (list.length === 0) return list;
    const payments = await this.deps.payments
      .find({ _id: { $in: [...paymentIds] } }, { outTradeNo: 1 })
      .lean();
    const byId = new Map(payments.map((p) => [String(p._id), p.outTradeNo]));
    for (const r of list) r.outTradeNo = byId.get(r.outTradeNo) ?? '';
    return list;
  }

  private async report(
    kind: DiscrepancyKind,
    subject: 'payment' | 'refund',
    line: BillTradeLine | null,
    ours: Ours | null,
  ): Promise<void> {
    this.counts[kind] += 1;
    await this.emit({
      kind,
      subject,
      outTradeNo: line?.outTradeNo ?? ours?.outTradeNo ?? '',
      outRefundNo: subject === 'refund' ? (line?.outRefundNo ?? ours?.no ?? null) : null,
      wechatId: (subject === 'refund' ? line?.refundId : line?.transactionId) || ours?.wechatId || null,
      billAmount: line?.amount ?? null,
      ourAmount: ours?.amount ?? null,
      billStatus: line ? (line.kind === 'refund' ? line.refundStatus : line.tradeState) : null,
      ourStatus: ours?.status ?? null,
      paymentId: subject === 'payment' ? (ours?.id ?? null) : null,
      refundId: subject === 'refund' ? (ours?.id ?? null) : null,
      invoiceId: ours?.invoiceId ?? null,
    });
  }
}

function numberOf(line: BillTradeLine): string {
  return line.kind === 'refund' ? (line.outRefundNo ?? '') : line.outTradeNo;
}

function paymentOurs(p: {
  _id: Types.ObjectId;
  outTradeNo: string;
  amount: number;
  status: string;
  invoiceId: Types.ObjectId;
  transactionId?: string | null;
}): Ours {
  return {
    id: p._id,
    no: p.outTradeNo,
    outTradeNo: p.outTradeNo,
    amount: p.amount,
    status: p.status,
    invoiceId: p.invoiceId,
    wechatId: p.transactionId ?? null,
  };
}
