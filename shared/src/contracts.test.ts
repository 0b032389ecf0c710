import { describe, expect, it } from '@jest/globals';
import { computePlanAmounts } from './contracts';
import { invoiceOpenAmount } from './invoices';

describe('computePlanAmounts', () => {
  it('rounds percentages down to the fen and gives the last percentage installment the remainder', () => {
    // 100001 × 33.33% = 33330.33 → 33330; the last: 100001 − 2 × 33330
    expect(
      computePlanAmounts(100_001, [{ percentBp: 3333 }, { percentBp: 3333 }, { percentBp: 3334 }]),
    ).toEqual([33_330, 33_330, 33_341]);
  });

  it('mixes fixed amounts and percentages of the whole contract amount', () => {
    // 200 fixed + 45% + 45% of 2000 = 2000
    expect(computePlanAmounts(2000, [{ percentBp: 4500 }, { amount: 200 }, { percentBp: 4500 }])).toEqual([
      900, 200, 900,
    ]);
  });

  it('refuses a plan that does not add up, an empty plan and a zero installment', () => {
    expect(computePlanAmounts(1000, [{ percentBp: 5000 }, { percentBp: 4999 }])).toHaveProperty('message');
    expect(computePlanAmounts(1000, [{ amount: 999 }])).toHaveProperty('message');
    expect(computePlanAmounts(1000, [])).toHaveProperty('message');
    expect(computePlanAmounts(1, [{ percentBp: 5000 }, { percentBp: 5000 }])).toHaveProperty('message');
  });
});

describe('invoiceOpenAmount', () => {
  it('is amount − paid + refunded, never negative', () => {
    expect(invoiceOpenAmount({ amount: 100, paidAmount: 30, refundedAmount: 0 })).toBe(70);
    expect(invoiceOpenAmount({ amount: 100, paidAmount: 100, refundedAmount: 20 })).toBe(20);
    expect(invoiceOpenAmount({ amount: 100, paidAmount: 120, refundedAmount: 0 })).toBe(0);
  });
});
