import { Types } from 'mongoose';
import type { Amendment, AmendmentInstallmentRule, Page } from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import { isDuplicateKeyError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { paginateById } from '../../core/pagination';
import { scopeUnder } from '../../core/policy';
import type { RedisLock } from '../../core/redis-lock';
import type { ApprovedChange } from '../changes/change-effects';
import type {
  AmendmentDoc,
  AmendmentModel,
  ContractDoc,
  ContractModel,
  InstallmentDoc,
  InstallmentModel,
} from './contract.model';
import { contractLockKey, type ContractService } from './contract.service';
import { toAmendment } from './contract.view';
import type { InvoiceTriggers } from './invoice-triggers';

export interface AmendmentDeps {
  contracts: ContractModel;
  contractInstallments: InstallmentModel;
  contractAmendments: AmendmentModel;
  contractService: Pick<ContractService, 'getReadable'>;
  triggers: Pick<InvoiceTriggers, 'issueDue'>;
  lock: RedisLock;
  audit: AuditLog;
  logger: Logger;
}

type Plan = Pick<AmendmentDoc, 'installmentId' | 'installmentSeq' | 'installmentBefore' | 'installmentAfter'>;

/**
 * Approved change requests amend the project's active contract: the amount moves by the cost
 * delta and so does the installment the contract's rule names. Recorded steps, as the changes
 * module requires: the amendment is inserted first (unique per contract and change request) with
 * its before/after values, then applied with `$set` to those values, then marked applied — a re-run
 * re-applies the same values and never adds the delta twice.
 */
export class ContractAmendments {
  constructor(private readonly deps: AmendmentDeps) {}

  /** The change-approval effect. */
  async apply(change: ApprovedChange): Promise<void> {
    if (change.costDelta === 0) return;
    const contract = await this.deps.contracts
      .findOne({ projectId: new Types.ObjectId(change.projectId), status: 'active' })
      .sort({ activatedAt: -1 })
      .lean<ContractDoc>();
    if (!contract) {
      this.deps.logger.info({ changeRequestId: change.changeRequestId }, 'no active contract to amend');
      return;
    }
    await this.deps.lock.withLock(
      contractLockKey(String(contract._id)),
      30_000,
      async () => {
        // An amendment recorded but not applied (a crash) goes first: the next one builds on its values.
        const unfinished = await this.deps.contractAmendments
          .find({ contractId: contract._id, applied: false })
          .lean<AmendmentDoc[]>();
        for (const a of unfinished) await this.applyRecorded(a);
        const existing = await this.deps.contractAmendments
          .findOne({ contractId: contract._id, changeRequestId: new Types.ObjectId(change.changeRequestId) })
          .lean<AmendmentDoc>();
        if (existing) return;
        const recorded = await this.record(contract._id, change);
        if (recorded) await this.applyRecorded(recorded);
      },
      30_000,
    );
    const fresh = await this.deps.contracts.findById(contract._id).lean<ContractDoc>();
    if (fresh) await this.deps.triggers.issueDue(fresh);
  }

  async history(
    actor: Actor,
    contractId: string,
    page: { cursor?: string; limit: number },
  ): Promise<Page<Amendment>> {
    const c = await this.deps.contractService.getReadable(actor, contractId);
    const list = { scope: scopeUnder('contractId', c._id) };
    return paginateById(this.deps.contractAmendments, list, page, (d) => toAmendment(d));
  }

  private async record(contractId: Types.ObjectId, change: ApprovedChange): Promise<AmendmentDoc | null> {
    const contract = await this.deps.contracts.findById(contractId).lean<ContractDoc>();
    if (!contract) return null;
    const plan = await this.target(contract, change.costDelta);
    try {
      const doc = await retryTransient(() =>
        this.deps.contractAmendments.create({
          contractId,
          changeRequestId: new Types.ObjectId(change.changeRequestId),
          delta: change.costDelta,
          amountBefore: contract.amount,
          amountAfter: contract.amount + change.costDelta,
          ...plan,
          applied: false,
          note: plan.installmentId
            ? `变更「${change.title}」`
            : `变更「${change.title}」：已开票款项不再调整，差额 ${change.costDelta} 分需财务另行处理`,
          at: change.approvedAt,
        }),
      );
      return doc.toObject();
    } catch (err) {
      if (isDuplicateKeyError(err)) return null;
      throw err;
    }
  }

  /** Which installment absorbs `delta`: the rule's, else the nearest one not yet invoiced; else a new one. */
  private async target(contract: ContractDoc, delta: number): Promise<Plan> {
    const all = await this.deps.contractInstallments
      .find({ contractId: contract._id })
      .sort({ seq: 1 })
      .lean<InstallmentDoc[]>();
    const open = all.filter((i) => i.invoiceId === null && i.amount + delta > 0);
    const pick = pickInstallment(contract.amendmentInstallment, all, open);
    if (pick)
      return {
        installmentId: pick._id,
        installmentSeq: pick.seq,
        installmentBefore: pick.amount,
        installmentAfter: pick.amount + delta,
      };
    if (delta < 0)
      return {
        installmentId: null,
        installmentSeq: null,
        installmentBefore: null,
        installmentAfter: null,
      };
    const seq = (all[all.length - 1]?.seq ?? 0) + 1;
    return {
      installmentId: new Types.ObjectId(),
      installmentSeq: seq,
      installmentBefore: null,
      installmentAfter: delta,
    };
  }

  private async applyRecorded(a: AmendmentDoc): Promise<void> {
    await retryTransient(() =>
      this.deps.contracts.updateOne({ _id: a.contractId }, { $set: { amount: a.amountAfter } }),
    );
    if (a.installmentId && a.installmentBefore === null) {
      await retryTransient(() =>
        this.deps.contractInstallments.updateOne(
          { _id: a.installmentId },
          {
            $setOnInsert: {
              contractId: a.contractId,
              seq: a.installmentSeq,
              name: '变更增项款',
              percentBp: null,
              trigger: { kind: 'signing', milestoneId: null, milestoneName: null, date: null },
              dueDays: 15,
              invoiceId: null,
              origin: 'amendment',
            },
            $set: { amount: a.installmentAfter },
          },
          { upsert: true },
        ),
      );
    } else if (a.installmentId) {
      await retryTransient(() =>
        this.deps.contractInstallments.updateOne(
          { _id: a.installmentId, invoiceId: null },
          { $set: { amount: a.installmentAfter } },
        ),
      );
    }
    await retryTransient(() =>
      this.deps.contractAmendments.updateOne({ _id: a._id }, { $set: { applied: true } }),
    );
    await this.deps.audit.record({
      actor: null,
      action: 'contract.amended',
      resource: 'contract',
      resourceId: a.contractId,
      before: { amount: a.amountBefore, installment: a.installmentBefore },
      after: { amount: a.amountAfter, installment: a.installmentAfter, seq: a.installmentSeq },
    });
  }
}

function pickInstallment(
  rule: AmendmentInstallmentRule,
  all: InstallmentDoc[],
  open: InstallmentDoc[],
): InstallmentDoc | undefined {
  const isOpen = (i: InstallmentDoc | undefined) => i !== undefined && open.includes(i);
  if (rule === 'last') {
    const last = all[all.length - 1];
    return isOpen(last) ? last : open[open.length - 1];
  }
  if (typeof rule === 'number') {
    const named = all.find((i) => i.seq === rule);
    if (isOpen(named)) return named;
  }
  return open[0];
}
