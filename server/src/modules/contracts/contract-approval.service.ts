import type { ContractDecisionInput, ContractDetail, StaffRole } from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  isDuplicateKeyError,
} from '../../core/errors';
import type { EventBus, EventPayload } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { RedisLock } from '../../core/redis-lock';
import type { StaffUserModel } from '../auth/staff-user.model';
import type { CustomerModel } from '../crm/customer.model';
import type { OpportunityService } from '../crm/opportunity.service';
import { applicableLevels, canDecideLevel, type ApprovalLevel } from './contract-approval';
import type { ApprovalModel, ContractDoc, ContractModel } from './contract.model';
import { contractLockKey, type ContractService } from './contract.service';
import type { ContractsConfig } from './contracts.config';
import type { InvoiceTriggers } from './invoice-triggers';

export interface ContractApprovalDeps {
  contracts: ContractModel;
  contractApprovals: ApprovalModel;
  customers: CustomerModel;
  staffUsers: StaffUserModel;
  contractService: Pick<ContractService, 'get' | 'getReadable'>;
  opportunityService: Pick<OpportunityService, 'markSignedByContract'>;
  triggers: Pick<InvoiceTriggers, 'issueDue'>;
  lock: RedisLock;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  config: ContractsConfig;
}

/**
 * The approval flow: submit (draft/rejected → pending_approval, levels frozen from config), one
 * decision per level per round (unique index), reject → rejected, the last approval → active.
 * Activation's follow-ups (opportunity signed, signing invoices, contract.approved) are idempotent
 * and re-run by a retried approval, so a crash half-way loses nothing.
 */
export class ContractApprovalService {
  constructor(private readonly deps: ContractApprovalDeps) {}

  async submit(actor: Actor, id: string, requestId?: string): Promise<ContractDetail> {
    if (!['admin', 'finance', 'sales'].includes(actor.role)) throw new ForbiddenError();
    await this.deps.contractService.getReadable(actor, id);
    await this.deps.lock.withLock(contractLockKey(id), 15_000, async () => {
      const c = await this.deps.contractService.getReadable(actor, id);
      if (c.status === 'pending_approval') return;
      if (c.status !== 'draft' && c.status !== 'rejected') throw new AppError('CONTRACT_NOT_EDITABLE');
      const levels = applicableLevels(this.deps.config.approval, c.amount, c.discountBp);
      const round = c.approvalRound + 1;
      await this.set(c, { status: 'pending_approval', approvalRound: round, approvalLevels: levels });
      await this.deps.audit.record({
        actor,
        action: 'contract.submitted',
        resource: 'contract',
        resourceId: c._id,
        before: { status: c.status },
        after: { status: 'pending_approval', round, levels: levels.map((l) => l.name) },
        requestId,
      });
      const next = {
        ...c,
        status: 'pending_approval' as const,
        approvalRound: round,
        approvalLevels: levels,
      };
      if (levels.length === 0) await this.activate(actor, next);
      else await this.requestApproval(next, levels[0]!);
    });
    return this.deps.contractService.get(actor, id);
  }

  /** Approve or reject the current level. Repeating one's own decision answers the same result. */
  async decide(
    actor: Actor,
    id: string,
    input: ContractDecisionInput,
    requestId?: string,
  ): Promise<ContractDetail> {
    const c0 = await this.deps.contracts
      .findById(id)
      .lean<ContractDoc>()
      .catch(() => null);
    if (!c0 || !(await this.mayView(actor, c0))) throw new NotFoundError('合同不存在');
    await this.deps.lock.withLock(contractLockKey(id), 15_000, async () => {
      const c = await this.deps.contracts.findById(id).lean<ContractDoc>();
      if (!c) throw new NotFoundError('合同不存在');
      const approvals = await this.deps.contractApprovals
        .find({ contractId: c._id, round: c.approvalRound })
        .lean();
      const mine = approvals.find((a) => a.by.id === actor.id && a.decision === input.decision);
      if (c.status !== 'pending_approval') {
        if (!mine) throw new AppError('CONTRACT_NOT_PENDING');
        if (c.status === 'active') await this.finishActivation(actor, c);
        return;
      }
      const level = c.approvalLevels.find((l) => !approvals.some((a) => a.level === l.level));
      if (!level) return this.activate(actor, c);
      if (!canDecideLevel(actor, level, c)) throw new ForbiddenError(`需由「${level.name}」审批人审批`);
      await this.record(actor, c, level, input, requestId);
      if (input.decision === 'reject') return this.reject(actor, c, input.comment);
      const rest = c.approvalLevels.filter((l) => l.level > level.level);
      if (rest.length === 0) await this.activate(actor, c);
      else await this.requestApproval(c, rest[0]!);
    });
    return this.deps.contractService.get(actor, id);
  }

  private async record(
    actor: Actor,
    c: ContractDoc,
    level: ApprovalLevel,
    input: ContractDecisionInput,
    requestId?: string,
  ): Promise<void> {
    try {
      await retryTransient(() =>
        this.deps.contractApprovals.create({
          contractId: c._id,
          round: c.approvalRound,
          level: level.level,
          decision: input.decision,
          comment: input.comment,
          by: { id: actor.id, name: actor.name },
          at: new Date(),
        }),
      );
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new ConflictError('CONFLICT', '该级审批已有人处理');
      throw err;
    }
    await this.deps.audit.record({
      actor,
      action: `contract.${input.decision === 'approve' ? 'approved_level' : 'rejected'}`,
      resource: 'contract',
      resourceId: c._id,
      after: { round: c.approvalRound, level: level.level, name: level.name, comment: input.comment },
      requestId,
    });
  }

  private async reject(actor: Actor, c: ContractDoc, comment: string): Promise<void> {
    await this.set(c, { status: 'rejected' });
    await this.publish('contract.rejected', c, { comment, decidedBy: actor.name });
  }

  private async activate(actor: Actor, c: ContractDoc): Promise<void> {
    const activatedAt = new Date();
    await this.set(c, { status: 'active', activatedAt });
    await this.deps.audit.record({
      actor,
      action: 'contract.activated',
      resource: 'contract',
      resourceId: c._id,
      before: { status: c.status },
      after: { status: 'active', amount: c.amount },
    });
    await this.finishActivation(actor, { ...c, status: 'active', activatedAt });
  }

  /** Idempotent follow-ups of an activation. */
  private async finishActivation(actor: Actor, c: ContractDoc): Promise<void> {
    if (c.opportunityId) {
      const signed = await this.deps.opportunityService.markSignedByContract(
        String(c.opportunityId),
        actor,
        c.number,
      );
      if (!signed)
        this.deps.logger.warn({ contractId: String(c._id) }, 'opportunity of an active contract is lost');
    }
    await this.deps.triggers.issueDue(c);
    await this.publish('contract.approved', c, { decidedBy: actor.name });
  }

  private async requestApproval(c: ContractDoc, level: ApprovalLevel): Promise<void> {
    const staff = await this.deps.staffUsers
      .find(
        {
          active: true,
          $or: [{ role: { $in: level.roles as StaffRole[] } }, { _id: { $in: level.userIds } }],
        },
        { _id: 1 },
      )
      .lean();
    const staffIds = staff.map((s) => String(s._id)).filter((sid) => sid !== c.createdBy);
    await this.publish(
      'contract.approval_requested',
      c,
      { levelName: level.name, staffIds },
      `:${level.level}`,
    );
  }

  private async publish(name: string, c: ContractDoc, extra: EventPayload, suffix = ''): Promise<void> {
    const customer = await this.deps.customers.findById(c.customerId, { ownerId: 1, name: 1 }).lean();
    const payload: EventPayload = {
      customerId: String(c.customerId),
      contractId: String(c._id),
      contractNumber: c.number,
      customerName: customer?.name ?? '',
      amount: c.amount,
      ownerId: customer?.ownerId ? String(customer.ownerId) : undefined,
      staffIds: [c.createdBy],
      ...extra,
    };
    try {
      await this.deps.events.publish(name, payload, {
        id: `${name}:${String(c._id)}:${c.approvalRound}${suffix}`,
      });
    } catch (err) {
      this.deps.logger.error({ err, event: name }, 'contract event not delivered to every subscriber');
    }
  }

  private async set(c: ContractDoc, fields: Partial<ContractDoc>): Promise<void> {
    await retryTransient(() => this.deps.contracts.updateOne({ _id: c._id }, { $set: fields }));
  }

  /** Readers of the contract, plus anyone named as an approver of its current round. */
  private async mayView(actor: Actor, c: ContractDoc): Promise<boolean> {
    if (c.approvalLevels.some((l) => l.userIds.includes(actor.id))) return true;
    return this.deps.contractService.getReadable(actor, String(c._id)).then(
      () => true,
      () => false,
    );
  }
}
