import { baselineOf, evaluate, robustZ } from './anomaly.rules';
import { featuresAt, labelOf, type CustomerHistory } from './churn.features';

const cfg = {
  robustZ: 3.5,
  customerMultiple: 5,
  minHistory: 5,
  refundSoonHours: 48,
  changeShareOfContract: 0.3,
};
const DAY = 86_400_000;

describe('anomaly rules', () => {
  it('computes the modified z-score from the median and MAD, by hand', () => {
    // median 10, |deviations| 0,1,1,2,0 → MAD 1; z(30) = 0.6745 × 20 / 1 = 13.49
    const b = baselineOf([10, 11, 9, 12, 10])!;
    expect(b).toMatchObject({ n: 5, median: 10, mad: 1 });
    expect(robustZ(30, b)).toBeCloseTo(13.49, 2);
    // Over half the same: MAD 0, the mean absolute deviation ((2 + 8) / 5 = 2) stands in: 10 / (1.2533 × 2)
    expect(robustZ(20, baselineOf([10, 10, 10, 12, 18])!)).toBeCloseTo(10 / (1.2533 * 2), 4);
    expect(robustZ(20, baselineOf([10, 10, 10])!)).toBeNull();
  });

  it('flags only high amounts, needs history, and explains each rule with its numbers', () => {
    const at = new Date('2026-11-28T02:00:00Z');
    const c = { subject: 'invoice' as const, subjectId: 'x', customerId: 'c', amount: 3_000, at };
    expect(evaluate({ ...c, amount: 1 }, baselineOf([10, 11, 9, 12, 10]), [10, 10], cfg)).toEqual([]);
    expect(evaluate(c, baselineOf([10, 11, 9, 12]), [], cfg)).toEqual([]);
    const rules = evaluate(c, baselineOf([1000, 1100, 900, 1200, 1000]), [400, 500], cfg).map((f) => f.rule);
    expect(rules).toEqual(['amount_vs_firm', 'amount_vs_customer']);
    const refund = evaluate(
      { ...c, subject: 'refund', amount: 100, paidAt: new Date(at.getTime() - 3 * 3_600_000) },
      null,
      [],
      cfg,
    );
    expect(refund).toEqual([
      expect.objectContaining({
        rule: 'refund_soon_after_payment',
        reason: expect.stringContaining('3 小时'),
      }),
    ]);
    const change = evaluate(
      { ...c, subject: 'change_request', amount: 300, contractAmount: 1000 },
      null,
      [],
      cfg,
    );
    expect(change[0]!.reason).toContain('30%');
  });
});

describe('churn features and labels', () => {
  const end = new Date('2025-01-10T00:00:00Z');
  const h: CustomerHistory = {
    customerId: 'c',
    name: '甲',
    ownerId: null,
    contracts: [
      { signedDate: new Date(end.getTime() - 100 * DAY), amount: 1_000_000 },
      { signedDate: new Date(end.getTime() + 40 * DAY), amount: 2_000_000 },
    ],
    projectEnds: [end],
    invoices: [
      {
        dueDate: new Date(end.getTime() - 50 * DAY),
        paidAt: new Date(end.getTime() - 45 * DAY),
        open: false,
      },
      {
        dueDate: new Date(end.getTime() - 30 * DAY),
        paidAt: new Date(end.getTime() - 30 * DAY),
        open: false,
      },
      { dueDate: new Date(end.getTime() - 20 * DAY), paidAt: null, open: true },
    ],
    ratings: [{ overall: 2, at: new Date(end.getTime() - DAY) }],
    complaints: [new Date(end.getTime() - 3 * DAY), new Date(end.getTime() + 3 * DAY)],
  };

  it('sees only the history up to the reference day', () => {
    expect(featuresAt(h, end)).toEqual({
      recencyDays: 100,
      frequency: 1,
      monetary: 10_000,
      latePayments: 2,
      avgRating: 2,
      avgRatingKnown: true,
      complaints: 1,
    });
  });

  it('labels by whether a contract followed the last project within the months, and not before they passed', () => {
    expect(labelOf(h, new Date('2026-02-01T00:00:00Z'), 12)).toEqual({ end, churned: 0 });
    expect(labelOf(h, new Date('2026-02-01T00:00:00Z'), 1)).toEqual({ end, churned: 1 });
    expect(labelOf(h, new Date('2025-06-01T00:00:00Z'), 12)).toBeNull();
    expect(labelOf({ ...h, projectEnds: [] }, new Date('2026-02-01T00:00:00Z'), 12)).toBeNull();
  });
});
