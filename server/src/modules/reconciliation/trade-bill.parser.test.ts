import { billFields, parseTradeBill, TradeBillFormatError, type BillSummary } from './trade-bill.parser';

const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const row = (f: Array<string | number>) => f.map((x) => `\`${x}`).join(',');
const pay = (no: string, yuan: string, name = '进度款') =>
  row([
    '2026-11-20 10:00:00',
    'wx1',
    '190',
    '0',
    '',
    `4200${no}`,
    no,
    'o1',
    'JSAPI',
    'SUCCESS',
    'OTHERS',
    'CNY',
    yuan,
    '0.00',
    '0',
    '0',
    '0.00',
    '0.00',
    '',
    '',
    name,
    '',
    '0.01',
    '0.60%',
    yuan,
    '0.00',
    '',
  ]);
const refund = (no: string, refundNo: string, yuan: string) =>
  row([
    '2026-11-20 15:00:00',
    'wx1',
    '190',
    '0',
    '',
    `4200${no}`,
    no,
    'o1',
    'JSAPI',
    'REFUND',
    'OTHERS',
    'CNY',
    '0.00',
    '0.00',
    `5030${refundNo}`,
    refundNo,
    yuan,
    '0.00',
    'ORIGINAL',
    'SUCCESS',
    '进度款',
    '',
    `-0.01`,
    '0.60%',
    '0.00',
    yuan,
    '',
  ]);
const SUMMARY_HEADER =
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

async function* linesOf(text: string) {
  for (const l of text.split('\n')) yield l;
}

async function parse(text: string) {
  let summary: BillSummary | undefined;
  const out = [];
  for await (const line of parseTradeBill(linesOf(text), (s) => (summary = s))) out.push(line);
  return { lines: out, summary };
}

describe('trade bill parser', () => {
  it('reads payment and refund lines in fen, exactly, and checks the summary row', async () => {
    const text = [
      `\uFEFF${HEADER}`,
      pay('T1', '0.01'),
      pay('T2', '1234.50'),
      pay('T3', '0.29', '吊顶,木作'),
      refund('T2', 'R1', '234.50'),
      SUMMARY_HEADER,
      row([4, '1234.80', '234.50', '0.00', '0.00', '1234.80', '234.50']),
      '',
    ].join('\r\n');
    const { lines, summary } = await parse(text);
    expect(lines.map((l) => [l.kind, l.outTradeNo, l.amount])).toEqual([
      ['payment', 'T1', 1],
      ['payment', 'T2', 123450],
      ['payment', 'T3', 29],
      ['refund', 'T2', 23450],
    ]);
    expect(lines[3]).toMatchObject({ outRefundNo: 'R1', refundId: '5030R1', refundStatus: 'SUCCESS' });
    expect(lines[0]).toMatchObject({ transactionId: '4200T1', tradeState: 'SUCCESS', refundId: null });
    expect(summary).toEqual({ tradeCount: 4, settledTotal: 123480, refundedTotal: 23450 });
  });

  it('keeps a comma inside a field (fields are split on ,` not on every comma)', () => {
    expect(billFields('`a,b,`c')).toEqual(['a,b', 'c']);
  });

  it('refuses a bill whose summary disagrees with its lines, or that is cut short', async () => {
    const wrongCount = [HEADER, pay('T1', '1.00'), SUMMARY_HEADER, row([2, '1.00', '0.00'])].join('\n');
    await expect(parse(wrongCount)).rejects.toThrow('交易笔数');
    const cut = [HEADER, pay('T1', '1.00')].join('\n');
    await expect(parse(cut)).rejects.toThrow('缺少汇总行');
    const noHeader = [pay('T1', '1.00')].join('\n');
    await expect(parse(noHeader)).rejects.toThrow(TradeBillFormatError);
  });

  it('refuses an amount that is not plain yuan', async () => {
    const bad = [HEADER, pay('T1', '1.005'), SUMMARY_HEADER, row([1, '1.00', '0.00'])].join('\n');
    await expect(parse(bad)).rejects.toThrow('金额不正确');
  });
});
