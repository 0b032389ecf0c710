import type {
  CreatePaymentResult,
  Invoice,
  Page,
  Payment,
  PaymentStatus,
  Refund,
  RefundStatus,
} from '@gantry/shared';
import { PaymentOutcomeError, platform, type PaymentParams } from '../platform';
import { loadClientConfig } from '../store/client-config';
import { http } from './http';
import { getInvoice } from './invoices';

/* Labels repeated from shared/src/payments.ts, which pulls zod into the bundle for these tables. */
export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  created: '待支付',
  paid: '已支付',
  closed: '已关闭',
  failed: '支付失败',
};

export const REFUND_STATUS_LABELS: Record<RefundStatus, string> = {
  pending_approval: '待审批',
  processing: '退款中',
  succeeded: '已退款',
  failed: '退款失败',
  closed: '已关闭',
};

const enc = encodeURIComponent;

export function listPayments(query: {
  cursor?: string;
  invoiceId?: string;
  customerId?: string;
  status?: PaymentStatus;
}): Promise<Page<Payment>> {
  return http.get<Page<Payment>>('/payments', { query: { limit: 20, ...query } });
}

export function getPayment(id: string): Promise<Payment> {
  return http.get<Payment>(`/payments/${enc(id)}`, { toast: false });
}

/** 重新查询: the server asks WeChat about the open order now (a few seconds apart at most). */
export function refreshPayment(id: string): Promise<Payment> {
  return http.get<Payment>(`/payments/${enc(id)}`, { query: { refresh: '1' }, toast: false });
}

/**
 * WeChat said the payment did not happen (cancelled or failed): the server closes the order — or
 * settles it, had it been paid a moment before — and the attempt ends, so the next tap pays anew.
 */
export async function reportNotPaid(invoiceId: string, paymentId: string): Promise<Payment> {
  const payment = await http.post<Payment>(`/payments/${enc(paymentId)}/cancel`, undefined, { toast: false });
  if (payment.status !== 'created') endAttempt(invoiceId);
  return payment;
}

// ── paying ─────────────────────────────────────────────────────────────────────────────────

/**
 * One pay attempt per invoice, remembered on the device: its Idempotency-Key is made on the first
 * tap and sent again on every retry (a lost answer, a cancelled WeChat cashier, a reload after the
 * browser's pay page), so the server answers with the same payment instead of charging twice.
 */
interface PayAttempt {
  key: string;
  paymentId: string | null;
  /** The invoice's paidAmount when the attempt began: paid once it reaches this plus the payment. */
  paidBefore: number;
}
const attemptKey = (invoiceId: string) => `gantry.pay.${invoiceId}`;

function newIdempotencyKey(): string {
  const random = Math.random().toString(36).slice(2, 12).padEnd(10, '0');
  return `pay-${Date.now().toString(36)}-${random}`;
}

export function pendingAttempt(invoiceId: string): PayAttempt | null {
  return platform.storage.get<PayAttempt>(attemptKey(invoiceId));
}

/** The attempt is over (paid, or its order closed): the next tap starts a new one with a new key. */
export function endAttempt(invoiceId: string): void {
  platform.storage.remove(attemptKey(invoiceId));
}

async function createPayment(invoice: Invoice, key: string): Promise<CreatePaymentResult> {
  const invoiceId = invoice.id;
  const paidBefore = pendingAttempt(invoiceId)?.paidBefore ?? invoice.paidAmount;
  // Stored before the request: if the answer is lost, the retry reuses the key.
  platform.storage.set(attemptKey(invoiceId), { key, paymentId: null, paidBefore } satisfies PayAttempt);
  const result = await http.post<CreatePaymentResult>(`/invoices/${enc(invoiceId)}/payments`, undefined, {
    headers: { 'Idempotency-Key': key },
    toast: false,
  });
  platform.storage.set(attemptKey(invoiceId), {
    key,
    paymentId: result.payment.id,
    paidBefore,
  } satisfies PayAttempt);
  return result;
}

/**
 * Creates (or resumes) the payment of the invoice's open amount and hands WeChat's parameters to
 * the platform: the cashier in the mini-program, the simulator's pay page in a browser (which
 * leaves this page and comes back). Resolves with the payment; whether it was paid is for the
 * server to say (`waitForSettlement`), never for this call. A cancel or failure WeChat reports is
 * told to the server at once (`reportNotPaid`) and rethrown.
 */
export async function payInvoice(invoice: Invoice): Promise<Payment> {
  const attempt = pendingAttempt(invoice.id);
  let result = await createPayment(invoice, attempt?.key ?? newIdempotencyKey());
  if (!result.requestPayment && result.payment.status !== 'paid' && attempt) {
    // The remembered attempt's order was closed (expired unpaid): start a fresh one once.
    endAttempt(invoice.id);
    result = await createPayment(invoice, newIdempotencyKey());
  }
  const params = result.requestPayment;
  if (!params) return result.payment;
  // A browser that came back from the pay page started the app anew: the bridge must be known again.
  await loadClientConfig();
  try {
    await platform.requestPayment({
      ...params,
      signType: params.signType as PaymentParams['signType'],
      outTradeNo: result.payment.outTradeNo,
    });
  } catch (caught) {
    if (!(caught instanceof PaymentOutcomeError)) throw caught;
    // Asked before it is closed: a payment that went through a moment before the cancel counts.
    const now = await reportNotPaid(invoice.id, result.payment.id);
    if (now.status === 'paid') return now;
    throw caught;
  }
  return result.payment;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls our server until WeChat's notification settled the payment. Only for an outcome WeChat did
 * not tell us (a cancel or failure is reported instead), and briefly: the notification usually
 * lands within a second or two; after `timeoutMs` the page offers 重新查询.
 */
export async function waitForSettlement(paymentId: string, timeoutMs = 6_000): Promise<Payment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const payment = await getPayment(paymentId);
    if (payment.status !== 'created' || Date.now() >= deadline) return payment;
    await sleep(1_500);
  }
}

/**
 * The invoice once it counts a settled payment: the server recomputes it from the ledger just
 * after answering WeChat, so it may lag the payment by a moment.
 */
export async function invoiceAfter(
  invoiceId: string,
  payment: Payment,
  timeoutMs = 10_000,
): Promise<Invoice> {
  const paidBefore = pendingAttempt(invoiceId)?.paidBefore ?? 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const invoice = await getInvoice(invoiceId);
    if (payment.status !== 'paid' || invoice.paidAmount >= paidBefore + payment.amount) return invoice;
    if (Date.now() >= deadline) return invoice;
    await sleep(1_000);
  }
}

// ── refunds (finance) ──────────────────────────────────────────────────────────────────────

export function requestRefund(paymentId: string, input: { amount: number; reason: string }): Promise<Refund> {
  return http.post<Refund>(`/payments/${enc(paymentId)}/refunds`, input, { toast: false });
}

export function listRefunds(query: {
  cursor?: string;
  paymentId?: string;
  invoiceId?: string;
  status?: RefundStatus;
}): Promise<Page<Refund>> {
  return http.get<Page<Refund>>('/refunds', { query: { limit: 20, ...query } });
}

export function decideRefund(id: string, decision: 'approve' | 'reject', comment?: string): Promise<Refund> {
  const body = comment?.trim() ? { comment: comment.trim() } : {};
  return http.post<Refund>(`/refunds/${enc(id)}/${decision}`, body, { toast: false });
}
