import type { Amendment, Contract, ContractDetail, FileRef, Installment } from '@gantry/shared';
import type { AmendmentDoc, ApprovalDoc, ContractDoc, InstallmentDoc } from './contract.model';

const day = (d: Date) => d.toISOString().slice(0, 10);

export function toContract(c: ContractDoc, customerName: string | null): Contract {
  return {
    id: String(c._id),
    number: c.number,
    customerId: String(c.customerId),
    customerName,
    projectId: c.projectId ? String(c.projectId) : null,
    opportunityId: c.opportunityId ? String(c.opportunityId) : null,
    amount: c.amount,
    originalAmount: c.originalAmount,
    listAmount: c.listAmount,
    discountBp: c.discountBp,
    signedDate: day(c.signedDate),
    terms: c.terms,
    status: c.status,
    amendmentInstallment: c.amendmentInstallment,
    activatedAt: c.activatedAt ? c.activatedAt.toISOString() : null,
    createdAt: c.createdAt.toISOString(),
  };
}

export function toInstallment(i: InstallmentDoc): Installment {
  return {
    id: String(i._id),
    seq: i.seq,
    name: i.name,
    amount: i.amount,
    percentBp: i.percentBp,
    trigger: {
      kind: i.trigger.kind,
      milestoneId: i.trigger.milestoneId ? String(i.trigger.milestoneId) : null,
      milestoneName: i.trigger.milestoneName,
      date: i.trigger.date ? day(i.trigger.date) : null,
    },
    dueDays: i.dueDays,
    invoiceId: i.invoiceId ? String(i.invoiceId) : null,
  };
}

export function toContractDetail(
  c: ContractDoc,
  customerName: string | null,
  plan: InstallmentDoc[],
  approvals: ApprovalDoc[],
  attachments: FileRef[],
): ContractDetail {
  const byLevel = new Map(approvals.map((a) => [a.level, a]));
  return {
    ...toContract(c, customerName),
    plan: plan.map(toInstallment),
    approval: {
      round: c.approvalRound,
      steps: c.approvalLevels.map((l) => {
        const a = byLevel.get(l.level);
        return {
          level: l.level,
          name: l.name,
          reason: l.reason,
          decision: a?.decision ?? null,
          comment: a?.comment ?? null,
          by: a?.by ?? null,
          at: a ? a.at.toISOString() : null,
        };
      }),
    },
    attachments,
  };
}

export function toAmendment(a: AmendmentDoc): Amendment {
  return {
    id: String(a._id),
    contractId: String(a.contractId),
    changeRequestId: String(a.changeRequestId),
    delta: a.delta,
    amountBefore: a.amountBefore,
    amountAfter: a.amountAfter,
    installmentId: a.installmentId ? String(a.installmentId) : null,
    installmentSeq: a.installmentSeq,
    installmentBefore: a.installmentBefore,
    installmentAfter: a.installmentAfter,
    note: a.note,
    at: a.at.toISOString(),
  };
}
