import crypto from 'node:crypto';
import { Types } from 'mongoose';
import type { TestSystem } from './system';

const DAY_MS = 86_400_000;

export interface Profile {
  /** Days from the last contract signed to the reference day. */
  recencyDays: number;
  contracts: number;
  /** Total of all contracts, fen. */
  total: number;
  late: number;
  rating: number | null;
  complaints: number;
}

/**
 * Writes a customer's past straight into the collections: a project that ended on `end` (or none,
 * still running), `contracts` contracts signed before it (the last `recencyDays` before `ref`),
 * `late` invoices paid 10 days after their due day, a project rating and complaints, and — when
 * `cameBack` — a new contract a month after the project ended.
 *
 * Years of backdated history (project ends, signing dates, late payments) cannot be made through
 * the API, which stamps "now" on every step; the KPI test builds its (current) history through it.
 */
export async function seedHistory(
  sys: TestSystem,
  f: Profile & { ownerId: string | null; name: string; ref: Date; end: Date | null; cameBack?: boolean },
): Promise<string> {
  const m = sys.server.container.models;
  const customer = await m.customers.create({
    name: f.name,
    type: 'private_company',
    ownerId: f.ownerId ? new Types.ObjectId(f.ownerId) : null,
  });
  const customerId = customer._id;
  const tag = () => crypto.randomBytes(5).toString('hex');
  const projectId = new Types.ObjectId();
  await m.projects.collection.insertOne({
    _id: projectId,
    code: `CH-${tag()}`,
    name: `历史项目${tag()}`,
    type: 'residential',
    customerId,
    address: '杭州',
    pmId: null,
    engineerIds: [],
    status: f.end ? 'completed' : 'active',
    plannedStart: new Date(f.ref.getTime() - 900 * DAY_MS),
    plannedEnd: f.end ?? new Date(f.ref.getTime() + 100 * DAY_MS),
    actualStart: null,
    actualEnd: f.end,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  const per = Math.round(f.total / f.contracts);
  const contract = (signedDate: Date, amount: number) => ({
    number: `HT-CH-${tag()}`,
    customerId,
    projectId: null,
    amount,
    originalAmount: amount,
    discountBp: 0,
    signedDate,
    status: 'active',
    createdBy: 'seed',
    approvalRound: 1,
    activatedAt: signedDate,
    createdAt: signedDate,
    updatedAt: signedDate,
  });
  const signed = Array.from({ length: f.contracts }, (_, i) =>
    contract(new Date(f.ref.getTime() - (f.recencyDays + i * 60) * DAY_MS), per),
  );
  if (f.cameBack && f.end) signed.push(contract(new Date(f.end.getTime() + 30 * DAY_MS), per));
  await m.contracts.collection.insertMany(signed);
  if (f.late > 0) await seedLatePayments(m, customerId, projectId, f.ref, f.late);
  if (f.rating !== null) {
    const at = new Date(f.ref.getTime() - 5 * DAY_MS);
    const s = f.rating;
    await m.ratings.collection.insertOne({
      subject: 'project',
      subjectId: projectId,
      projectId,
      customerId,
      overall: s,
      quality: s,
      schedule: s,
      communication: s,
      tidiness: s,
      comment: '',
      by: { id: 'seed', name: '客户' },
      editableUntil: at,
      createdAt: at,
      updatedAt: at,
    });
  }
  if (f.complaints > 0)
    await m.complaints.collection.insertMany(
      Array.from({ length: f.complaints }, (_, i) => {
        const at = new Date(f.ref.getTime() - (20 + i) * DAY_MS);
        return {
          projectId,
          customerId,
          category: 'quality',
          description: '漏水',
          photoIds: [],
          status: 'closed',
          round: 1,
          raisedBy: { id: 'seed', name: '客户', kind: 'portal' },
          openedAt: at,
          roundOpenedAt: at,
          responseDueAt: at,
          resolutionDueAt: at,
          escalations: [],
          createdAt: at,
          updatedAt: at,
        };
      }),
    );
  return String(customerId);
}

/** A small deterministic generator (mulberry32), so the fitted history is the same on every run. */
export function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` invoices paid in full 10 days after their due day: the ledger entry and the cached totals. */
async function seedLatePayments(
  m: TestSystem['server']['container']['models'],
  customerId: Types.ObjectId,
  projectId: Types.ObjectId,
  ref: Date,
  count: number,
) {
  const invoices = Array.from({ length: count }, (_, i) => {
    const due = new Date(ref.getTime() - (100 + i * 30) * DAY_MS);
    return {
      _id: new Types.ObjectId(),
      number: `INV-CH-${crypto.randomBytes(6).toString('hex')}`,
      contractId: new Types.ObjectId(),
      contractNumber: 'HT-CH',
      installmentId: new Types.ObjectId(),
      customerId,
      projectId,
      amount: 100_000,
      paidAmount: 100_000,
      refundedAmount: 0,
      status: 'paid',
      issuedAt: new Date(due.getTime() - 15 * DAY_MS),
      dueDate: due,
      paidAt: new Date(due.getTime() + 10 * DAY_MS),
      reason: { kind: 'date', milestoneId: null, milestoneName: null, installmentName: '进度款' },
      createdAt: due,
      updatedAt: due,
    };
  });
  await m.invoices.collection.insertMany(invoices);
  await m.paymentLedger.collection.insertMany(
    invoices.map((inv) => {
      const wechatId = `4200${crypto.randomBytes(8).toString('hex')}`;
      return {
        key: `payment:PI${String(new Types.ObjectId())}`,
        kind: 'payment',
        invoiceId: inv._id,
        paymentId: new Types.ObjectId(),
        refundId: null,
        amount: inv.amount,
        wechatId,
        payerOpenid: null,
        at: inv.paidAt,
        createdAt: inv.paidAt,
      };
    }),
  );
}
