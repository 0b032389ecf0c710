import { yuanToFen } from '@gantry/shared';

/**
 * The WeChat Pay trade bill (ALL type), line by line: a header row, one trade line per payment or
 * refund with every field prefixed by a backtick, then a summary header and a summary row. Amounts
 * are yuan; they become fen through string arithmetic (`yuanToFen`), never floating point.
 */
export interface BillTradeLine {
  kind: 'payment' | 'refund';
  /** Line number in the file (1-based), for error messages. */
  lineNo: number;
  tradeTime: string;
  transactionId: string;
  outTradeNo: string;
  /** WeChat trade status column: SUCCESS for a payment, REFUND for a refund line. */
  tradeState: string;
  /** Payments: the order amount. Refunds: the amount refunded. Fen. */
  amount: number;
  refundId: string | null;
  outRefundNo: string | null;
  /** Refunds: SUCCESS / PROCESSING / …; null for payments. */
  refundStatus: string | null;
}

export interface BillSummary {
  tradeCount: number;
  settledTotal: number;
  refundedTotal: number;
}

export class TradeBillFormatError extends Error {}

// Column positions of the ALL bill (see the header row); checked against the header.
const COL = {
  time: 0,
  transactionId: 5,
  outTradeNo: 6,
  tradeState: 9,
  refundId: 14,
  outRefundNo: 15,
  refundAmount: 16,
  refundStatus: 19,
  orderAmount: 24,
} as const;
const MIN_COLUMNS = 25;

/** Fields of one backtick line. Splitting on ",`" keeps a comma inside a product name intact. */
export function billFields(line: string): string[] {
  if (!line.startsWith('`')) throw new TradeBillFormatError(`行格式不正确：${line.slice(0, 40)}`);
  return line.slice(1).split(',`');
}

function money(text: string | undefined, lineNo: number): number {
  try {
    return yuanToFen(text ?? '');
  } catch {
    throw new TradeBillFormatError(`第 ${lineNo} 行金额不正确：${text}`);
  }
}

function tradeLine(fields: string[], lineNo: number): BillTradeLine {
  if (fields.length < MIN_COLUMNS)
    throw new TradeBillFormatError(`第 ${lineNo} 行只有 ${fields.length} 列，应至少 ${MIN_COLUMNS} 列`);
  const f = (i: number) => (fields[i] ?? '').trim();
  const isRefund =
    f(COL.tradeState) === 'REFUND' || (f(COL.outRefundNo) !== '' && f(COL.outRefundNo) !== '0');
  return {
    kind: isRefund ? 'refund' : 'payment',
    lineNo,
    tradeTime: f(COL.time),
    transactionId: f(COL.transactionId),
    outTradeNo: f(COL.outTradeNo),
    tradeState: f(COL.tradeState),
    amount: isRefund ? money(f(COL.refundAmount), lineNo) : money(f(COL.orderAmount), lineNo),
    refundId: isRefund ? f(COL.refundId) : null,
    outRefundNo: isRefund ? f(COL.outRefundNo) : null,
    refundStatus: isRefund ? f(COL.refundStatus) : null,
  };
}

type State = 'start' | 'trades' | 'summary' | 'done';

/**
 * Streams trade lines out of the bill's text lines, then checks the summary row against what was
 * streamed (count and totals). Holds one line at a time, never the whole bill.
 */
export async function* parseTradeBill(
  lines: AsyncIterable<string>,
  onSummary: (summary: BillSummary) => void,
): AsyncGenerator<BillTradeLine> {
  let state: State = 'start';
  let lineNo = 0;
  const seen = { count: 0, settled: 0, refunded: 0 };
  for await (const raw of lines) {
    lineNo += 1;
    const line = raw.replace(/^\uFEFF/, '').replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (state === 'start') {
      if (!line.startsWith('交易时间')) throw new TradeBillFormatError('账单缺少表头');
      state = 'trades';
    } else if (state === 'trades' && line.startsWith('总交易单数')) {
      state = 'summary';
    } else if (state === 'trades') {
      const trade = tradeLine(billFields(line), lineNo);
      seen.count += 1;
      if (trade.kind === 'payment') seen.settled += trade.amount;
      else seen.refunded += trade.amount;
      yield trade;
    } else if (state === 'summary') {
      const fields = billFields(line);
      const summary = {
        tradeCount: Number.parseInt(fields[0] ?? '', 10),
        settledTotal: money(fields[1], lineNo),
        refundedTotal: money(fields[2], lineNo),
      };
      checkSummary(summary, seen);
      onSummary(summary);
      state = 'done';
    } else {
      throw new TradeBillFormatError(`汇总行之后还有内容（第 ${lineNo} 行）`);
    }
  }
  if (state !== 'done') throw new TradeBillFormatError('账单缺少汇总行（文件可能不完整）');
}

function checkSummary(summary: BillSummary, seen: { count: number; settled: number; refunded: number }) {
  if (summary.tradeCount !== seen.count)
    throw new TradeBillFormatError(`汇总行交易笔数 ${summary.tradeCount} 与明细 ${seen.count} 笔不符`);
  // The settled total also counts coupons; with none it equals the sum of order amounts.
  if (summary.refundedTotal !== seen.refunded) throw new TradeBillFormatError(`汇总行退款总额与明细不符`);
}
