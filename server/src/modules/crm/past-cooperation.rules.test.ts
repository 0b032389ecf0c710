import { paymentBehaviour, riskNotes, riskTagsOf, scopeChanges } from './past-cooperation.rules';

const due = (day: string) => new Date(`${day}T00:00:00Z`);
const invoice = (status: string, dueDay: string, paidAt: string | null, paidAmount = 0) => ({
  status,
  open: 10_000 - paidAmount,
  dueDate: due(dueDay),
  paidAt: paidAt ? new Date(paidAt) : null,
});
const NOW = new Date('2026-06-15T04:00:00Z'); // 12:00 in Shanghai

describe('payment behaviour (Asia/Shanghai calendar days)', () => {
  it('paid at 23:00 in Shanghai on the due day is on time; at 01:00 the next day it is one day late', () => {
    const p = paymentBehaviour(
      [
        invoice('paid', '2026-03-10', '2026-03-10T15:00:00Z', 10_000),
        invoice('paid', '2026-03-10', '2026-03-10T17:00:00Z', 10_000),
      ],
      NOW,
    );
    expect(p).toMatchObject({ paid: 2, paidOnTime: 1, paidLate: 1, averageDaysLate: 1, lateLast12Months: 1 });
  });

  it('open money past the due day is overdue now (even before the job marks it); due today is not', () => {
    const p = paymentBehaviour(
      [invoice('issued', '2026-06-14', null, 2_500), invoice('partially_paid', '2026-06-15', null, 1_000)],
      NOW,
    );
    expect(p).toMatchObject({ issued: 2, overdueNow: 1, overdueAmount: 7_500, averageDaysLate: null });
  });

  it('a late payment due more than 12 months ago is not counted in the last 12 months', () => {
    const p = paymentBehaviour([invoice('paid', '2025-05-01', '2025-05-20T04:00:00Z', 10_000)], NOW);
    expect(p).toMatchObject({ paidLate: 1, averageDaysLate: 19, lateLast12Months: 0 });
  });
});

describe('scope changes and notes', () => {
  const project = (id: string) => ({
    id,
    code: id,
    name: id,
    status: 'completed' as const,
    plannedStart: '2025-01-01T00:00:00.000Z',
    plannedEnd: '2025-12-31T00:00:00.000Z',
    actualEnd: null,
  });

  it('averages requests per project and signs cost and schedule deltas in the note', () => {
    const changes = scopeChanges(
      [project('a'), project('b')],
      [{ projectId: 'a' }, { projectId: 'a' }, { projectId: 'a' }, { projectId: 'b' }, { projectId: 'b' }],
      [
        { projectId: 'a', quote: { costDelta: -30_000, scheduleDeltaDays: -3 } },
        { projectId: 'x', quote: { costDelta: 99, scheduleDeltaDays: 9 } }, // not one of the projects read
      ],
    );
    expect(changes).toMatchObject({ requests: 5, approved: 1, costDelta: -30_000, perProjectAverage: 2.5 });
    const payments = paymentBehaviour([], NOW);
    const risk = {
      tier: 'regular' as const,
      openComplaints: 0,
      ratings: 0,
      lowRatings: 0,
      averageRating: null,
    };
    expect(riskNotes({ changes, payments, risk: { ...risk, riskTags: [] } })).toEqual([
      { code: 'frequent_changes', text: '平均每个项目 2.5 次变更' },
      { code: 'approved_changes', text: '已批准变更 1 项，费用 -¥300.00，工期 -3 天' },
    ]);
  });

  it('flags tags that name a risk only', () => {
    expect(riskTagsOf(['VIP', '曾有欠款', '工程纠纷', '老客户'])).toEqual(['曾有欠款', '工程纠纷']);
  });
});
