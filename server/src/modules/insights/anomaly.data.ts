import { Types } from 'mongoose';
import type { AnomalySubject } from '@gantry/shared';
import type { ChangeRequestModel } from '../changes/change-request.model';
import type { ContractModel } from '../contracts/contract.model';
import type { InvoiceModel } from '../contracts/invoice.model';
import type { PaymentModel } from '../payments/payment.model';
import { ledgerPaymentsOf, type LedgerEntryModel } from '../payments/payment-ledger';
import type { RefundModel } from '../payments/refund.model';
import type { Candidate } from './anomaly.rules';

export interface AnomalySources {
  invoices: InvoiceModel;
  payments: PaymentModel;
  paymentLedger: LedgerEntryModel;
  refunds: RefundModel;
  changeRequests: ChangeRequestModel;
  contracts: ContractModel;
}

type Filter = Record<string, unknown>;
const ids = (xs: Array<Types.ObjectId | null | undefined>) =>
  [...new Set(xs.filter(Boolean).map(String))].map((x) => new Types.ObjectId(x));

/** `latest`: only the newest N (by _id), which bounds what a single record's check reads. */
const page = (latest?: number) => (latest ? { sort: { _id: -1 as const }, limit: latest } : {});

/** The records of one kind as candidates (amount in fen; `at` when it happened), read-only with a projection. */
export async function loadCandidates(
  src: AnomalySources,
  subject: AnomalySubject,
  extra: Filter = {},
  latest?: number,
): Promise<Candidate[]> {
  const opts = page(latest);
  const base = (r: { _id: Types.ObjectId; customerId: Types.ObjectId }) => ({
    subject,
    subjectId: String(r._id),
    customerId: String(r.customerId),
  });
  if (subject === 'invoice') {
    const rows = await src.invoices
      .find(
        { status: { $nin: ['void', 'draft'] }, ...extra },
        { customerId: 1, amount: 1, createdAt: 1 },
        opts,
      )
      .lean();
    return rows.map((r) => ({ ...base(r), amount: r.amount, at: r.createdAt }));
  }
  if (subject === 'payment') {
    // Paid is the ledger's word: an order a crash left `created` after its entry was written counts.
    const rows = await src.payments
      .find({ status: { $in: ['paid', 'created'] }, ...extra }, { customerId: 1 }, opts)
      .lean();
    const paid = await ledgerPaymentsOf(src.paymentLedger, ids(rows.map((r) => r._id)));
    return rows.flatMap((r) => {
      const entry = paid.get(String(r._id));
      return entry ? [{ ...base(r), amount: entry.amount, at: entry.at }] : [];
    });
  }
  if (subject === 'refund') {
    const rows = await src.refunds
      .find(
        { status: { $in: ['pending_approval', 'processing', 'succeeded'] }, ...extra },
        { customerId: 1, amount: 1, paymentId: 1, createdAt: 1 },
        opts,
      )
      .lean();
    // When the money arrived is the ledger entry's time; the payment's paidAt lags it after a crash.
    const paid = await ledgerPaymentsOf(src.paymentLedger, ids(rows.map((r) => r.paymentId)));
    return rows.map((r) => ({
      ...base(r),
      amount: r.amount,
      at: r.createdAt,
      paidAt: paid.get(String(r.paymentId))?.at ?? null,
    }));
  }
  const rows = await src.changeRequests
    .find({ quote: { $ne: null }, ...extra }, { customerId: 1, projectId: 1, quote: 1 }, opts)
    .lean();
  const contracts = await src.contracts
    .find(
      { projectId: { $in: ids(rows.map((r) => r.projectId)) }, status: 'active' },
      { projectId: 1, amount: 1 },
    )
    .lean();
  const amountOf = new Map<string, number>();
  for (const c of contracts)
    amountOf.set(String(c.projectId), (amountOf.get(String(c.projectId)) ?? 0) + c.amount);
  return rows.map((r) => ({
    ...base(r),
    amount: r.quote!.costDelta,
    at: r.quote!.quotedAt,
    contractAmount: amountOf.get(String(r.projectId)) ?? null,
  }));
}
