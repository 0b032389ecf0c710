import { Types } from 'mongoose';
import type { ContractAmountInput, ContractAmountView } from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import { retryTransient } from '../../core/db';
import type { ProjectAccess } from '../projects/project.policy';
import type { ChangeOutcomeDoc, ChangeOutcomeModel, ContractAmountModel } from './change-request.model';

/**
 * The project's current contract total in fen (null: not known). The change request view shows it
 * with the quote's delta before the customer decides. Contracts arrive with the payment issue,
 * which replaces this provider with one that reads the (amended) contract.
 */
export interface ContractTotals {
  currentTotal(projectId: string): Promise<number | null>;
}

/**
 * Until then: the amount recorded for the project (project_contract_amounts, set by finance or an
 * admin) plus the cost deltas of the project's approved change requests.
 */
export class RecordedContractTotals implements ContractTotals {
  constructor(
    private readonly deps: { contractAmounts: ContractAmountModel; changeOutcomes: ChangeOutcomeModel },
  ) {}

  async currentTotal(projectId: string): Promise<number | null> {
    const id = new Types.ObjectId(projectId);
    const recorded = await this.deps.contractAmounts.findOne({ projectId: id }).lean();
    if (!recorded) return null;
    const approved = await this.deps.changeOutcomes
      .find({ projectId: id, outcome: 'approved' }, { 'quote.costDelta': 1 })
      .lean<Array<Pick<ChangeOutcomeDoc, 'quote'>>>();
    return approved.reduce((sum, o) => sum + (o.quote?.costDelta ?? 0), recorded.amount);
  }
}

/** The recorded contract amount of a project: read by whoever reads the project, set by finance or an admin. */
export class ContractAmountService {
  constructor(
    private readonly deps: {
      contractAmounts: ContractAmountModel;
      projectAccess: ProjectAccess;
      contractTotals: ContractTotals;
      audit: AuditLog;
    },
  ) {}

  async get(actor: Actor, projectId: string): Promise<ContractAmountView> {
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    const recorded = await this.deps.contractAmounts.findOne({ projectId: project._id }).lean();
    return {
      projectId,
      amount: recorded?.amount ?? null,
      currentTotal: await this.deps.contractTotals.currentTotal(projectId),
    };
  }

  async set(actor: Actor, projectId: string, input: ContractAmountInput, requestId?: string) {
    const project = await this.deps.projectAccess.get(actor, projectId, 'read');
    const before = await this.deps.contractAmounts.findOne({ projectId: project._id }).lean();
    await retryTransient(() =>
      this.deps.contractAmounts.updateOne(
        { projectId: project._id },
        {
          $set: {
            amount: input.amount,
            updatedBy: { id: actor.id, name: actor.name },
            updatedAt: new Date(),
          },
        },
        { upsert: true },
      ),
    );
    await this.deps.audit.record({
      actor,
      action: 'project.contract_amount',
      resource: 'project',
      resourceId: project._id,
      before: { amount: before?.amount ?? null },
      after: { amount: input.amount },
      requestId,
    });
    return this.get(actor, projectId);
  }
}
