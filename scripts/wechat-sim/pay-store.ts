import { randomBytes } from 'node:crypto';

export type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';

export interface Order {
  appid: string;
  mchid: string;
  description: string;
  out_trade_no: string;
  notify_url: string;
  attach?: string;
  total: number;
  currency: string;
  openid: string;
  prepay_id: string;
  /** Canonical JSON of the create request, to detect a reused out_trade_no with other params. */
  fingerprint: string;
  trade_state: TradeState;
  transaction_id?: string;
  paidAt?: Date;
  refunded: number;
  createdAt: Date;
}

export type RefundStatus = 'PROCESSING' | 'SUCCESS';

export interface Refund {
  refund_id: string;
  out_refund_no: string;
  out_trade_no: string;
  transaction_id: string;
  reason?: string;
  notify_url?: string;
  refund: number;
  total: number;
  currency: string;
  status: RefundStatus;
  fingerprint: string;
  createdAt: Date;
  succeededAt?: Date;
}

const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

/** In-memory merchant ledger of the simulated WeChat Pay. */
export class PayStore {
  readonly orders = new Map<string, Order>();
  readonly refunds = new Map<string, Refund>();
  readonly bills = new Map<string, string>();

  newPrepayId(): string {
    return `wx${Date.now()}${randomBytes(8).toString('hex')}`;
  }

  newTransactionId(): string {
    return `4200${digits(24)}`;
  }

  newRefundId(): string {
    return `5030${digits(25)}`;
  }

  findByTransactionId(transactionId: string): Order | undefined {
    for (const order of this.orders.values()) if (order.transaction_id === transactionId) return order;
    return undefined;
  }

  markPaid(order: Order): void {
    if (order.trade_state !== 'NOTPAY') return;
    order.trade_state = 'SUCCESS';
    order.transaction_id = this.newTransactionId();
    order.paidAt = new Date();
  }
}
