import { isValidObjectId, Types } from 'mongoose';
import type {
  ContractDetail,
  ContractListQuery,
  CreateContractInput,
  Page,
  UpdateContractInput,
  Contract,
} from '@gantry/shared';
import { dateOfCalendarDate } from '@gantry/shared';
import type { AuditLog } from '../../core/audit';
import type { Actor } from '../../core/auth/actor';
import {
  AppError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  toDuplicateError,
} from '../../core/errors';
import { paginateById } from '../../core/pagination';
import type { RedisLock } from '../../core/redis-lock';
import type { CustomerModel } from '../crm/customer.model';
import type { OpportunityModel, QuoteModel } from '../crm/opportunity.model';
import type { FileService } from '../files/file.service';
import type { MilestoneModel } from '../projects/milestone.model';
import type { ProjectModel } from '../projects/project.model';
import { discountBp } from './contract-approval';
import { buildInstallments } from './contract-plan';
import type {
  ApprovalModel,
  ContractDoc,
  ContractModel,
  InstallmentDoc,
  InstallmentModel,
} from './contract.model';
import { toContract, toContractDetail } from './contract.view';
import type { MoneyAccess } from './money-access';

export interface ContractServiceDeps {
  contracts: ContractModel;
  contractInstallments: InstallmentModel;
  contractApprovals: ApprovalModel;
  customers: CustomerModel;
  projects: ProjectModel;
  opportunities: OpportunityModel;
  opportunityQuotes: QuoteModel;
  milestones: MilestoneModel;
  files: Pick<FileService, 'attach' | 'refs' | 'withdraw'>;
  access: MoneyAccess;
  lock: RedisLock;
  audit: AuditLog;
}

export const contractLockKey = (id: string) => `contract:${id}`;
const EDITABLE = ['draft', 'rejected'];

/** Contracts: drafting (with the payment plan), reading, listing. Approval lives in ContractApprovalService. */
export class ContractService {
  constructor(private readonly deps: ContractServiceDeps) {}

  async create(actor: Actor, input: CreateContractInput, requestId?: string): Promise<ContractDetail> {
    this.assertDrafter(actor);
    await this.checkLinks(actor, input.customerId, input.projectId, input.opportunityId);
    const _id = new Types.ObjectId();
    const projectId = input.projectId ? new Types.ObjectId(input.projectId) : null;
    const installments = await buildInstallments(
      { _id, amount: input.amount, projectId },
      input.plan,
      this.deps.milestones,
    );
    await this.attach(actor, input.attachmentIds, input.projectId, _id);
    const reference = await this.referencePrice(input.opportunityId, input.listAmount);
    try {
      await this.deps.contracts.create({
        _id,
        number: input.number,
        customerId: new Types.ObjectId(input.customerId),
        projectId,
        opportunityId: input.opportunityId ? new Types.ObjectId(input.opportunityId) : null,
        amount: input.amount,
        originalAmount: input.amount,
        listAmount: input.listAmount,
        discountBp: discountBp(input.amount, reference),
        signedDate: dateOfCalendarDate(input.signedDate),
        terms: input.terms,
        attachmentIds: input.attachmentIds.map((i) => new Types.ObjectId(i)),
        status: 'draft',
        amendmentInstallment: input.amendmentInstallment,
        createdBy: actor.id,
      });
    } catch (err) {
      throw toDuplicateError(err, '合同编号已存在') ?? err;
    }
    await this.deps.contractInstallments.insertMany(installments);
    await this.deps.audit.record({
      actor,
      action: 'contract.created',
      resource: 'contract',
      resourceId: _id,
      after: { number: input.number, amount: input.amount, installments: installments.length },
      requestId,
    });
    return this.get(actor, String(_id));
  }

  /** Changes a draft (or a rejected contract, which goes back to draft); the plan is replaced as a whole. */
  async update(
    actor: Actor,
    id: string,
    input: UpdateContractInput,
    requestId?: string,
  ): Promise<ContractDetail> {
    this.assertDrafter(actor);
    await this.getReadable(actor, id);
    return this.deps.lock.withLock(contractLockKey(id), 15_000, async () => {
      const current = await this.getReadable(actor, id);
      if (!EDITABLE.includes(current.status)) throw new AppError('CONTRACT_NOT_EDITABLE');
      const merged = await this.mergedFields(actor, current, input);
      const installments = input.plan || input.amount !== undefined || input.projectId !== undefined;
      const plan = input.plan ?? (installments ? await this.currentPlanInput(current._id) : null);
      const built = plan
        ? await buildInstallments({ _id: current._id, ...merged }, plan, this.deps.milestones)
        : null;
      await this.deps.contracts.updateOne({ _id: current._id }, { $set: { ...merged, status: 'draft' } });
      if (built) {
        await this.deps.contractInstallments.deleteMany({ contractId: current._id });
        await this.deps.contractInstallments.insertMany(built);
      }
      await this.deps.audit.record({
        actor,
        action: 'contract.updated',
        resource: 'contract',
        resourceId: current._id,
        before: { amount: current.amount, status: current.status },
        after: { ...input, status: 'draft' },
        requestId,
      });
      return this.get(actor, id);
    });
  }

  async list(actor: Actor, query: ContractListQuery): Promise<Page<Contract>> {
    const scope = await this.deps.access.scope(actor);
    // A customer sees only contracts in force: a status filter can narrow that, not replace it.
    const visible = actor.role === 'customer' ? { status: 'active' } : null;
    const narrow: Record<string, unknown> = {};
    if (query.status) narrow.status = query.status;
    if (query.customerId) narrow.customerId = new Types.ObjectId(query.customerId);
    if (query.projectId) narrow.projectId = new Types.ObjectId(query.projectId);
    const page = await paginateById(
      this.deps.contracts,
      { scope, narrow: [visible, narrow] },
      query,
      (d) => d as ContractDoc,
    );
    const names = await this.customerNames(page.items.map((c) => c.customerId));
    const items = page.items.map((c) => toContract(c, names.get(String(c.customerId)) ?? null));
    if (actor.role !== 'customer') return { ...page, items };
    return { ...page, items: items.map((c) => ({ ...c, listAmount: null, discountBp: 0 })) };
  }

  async get(actor: Actor, id: string): Promise<ContractDetail> {
    const c = await this.getReadable(actor, id);
    const [plan, approvals, names, attachments] = await Promise.all([
      this.deps.contractInstallments.find({ contractId: c._id }).sort({ seq: 1 }).lean<InstallmentDoc[]>(),
      this.deps.contractApprovals.find({ contractId: c._id, round: c.approvalRound }).lean(),
      this.customerNames([c.customerId]),
      this.deps.files.refs(actor, c.attachmentIds.map(String)),
    ]);
    const detail = toContractDetail(c, names.get(String(c.customerId)) ?? null, plan, approvals, attachments);
    // The internal approval trail and the discount against our own price list are not the customer's business.
    if (actor.role === 'customer')
      return {
        ...detail,
        listAmount: null,
        discountBp: 0,
        approval: { round: detail.approval.round, steps: [] },
      };
    return detail;
  }

  /** The contract or 404 (customers only ever see active contracts). */
  async getReadable(actor: Actor, id: string): Promise<ContractDoc> {
    const c = isValidObjectId(id) ? await this.deps.contracts.findById(id).lean<ContractDoc>() : null;
    if (!c || !(await this.deps.access.canRead(actor, c))) throw new NotFoundError('合同不存在');
    if (actor.role === 'customer' && c.status !== 'active') throw new NotFoundError('合同不存在');
    return c;
  }

  /** Sales (for customers they own), finance and admins draft contracts. */
  private assertDrafter(actor: Actor): void {
    if (!['admin', 'finance', 'sales'].includes(actor.role)) throw new ForbiddenError();
  }

  private async checkLinks(
    actor: Actor,
    customerId: string,
    projectId: string | null,
    opportunityId: string | null,
  ): Promise<void> {
    const customer = await this.deps.customers.findById(customerId, { ownerId: 1 }).lean();
    const cid = new Types.ObjectId(customerId);
    if (!customer || !(await this.deps.access.canRead(actor, { customerId: cid, projectId: null })))
      throw new ValidationError([{ path: 'body.customerId', message: '客户不存在' }]);
    if (projectId) {
      const p = await this.deps.projects.findById(projectId, { customerId: 1 }).lean();
      if (!p || String(p.customerId) !== customerId)
        throw new ValidationError([{ path: 'body.projectId', message: '项目不存在或不属于该客户' }]);
    }
    if (opportunityId) {
      const o = await this.deps.opportunities.findById(opportunityId, { customerId: 1 }).lean();
      if (!o || String(o.customerId) !== customerId)
        throw new ValidationError([{ path: 'body.opportunityId', message: '商机不存在或不属于该客户' }]);
    }
  }

  private async mergedFields(actor: Actor, current: ContractDoc, input: UpdateContractInput) {
    const projectId =
      input.projectId !== undefined ? input.projectId : current.projectId && String(current.projectId);
    const opportunityId =
      input.opportunityId !== undefined
        ? input.opportunityId
        : current.opportunityId && String(current.opportunityId);
    await this.checkLinks(actor, String(current.customerId), projectId, opportunityId);
    const amount = input.amount ?? current.amount;
    const listAmount = input.listAmount !== undefined ? input.listAmount : current.listAmount;
    if (input.attachmentIds) await this.attach(actor, input.attachmentIds, projectId, current._id);
    return {
      projectId: projectId ? new Types.ObjectId(projectId) : null,
      opportunityId: opportunityId ? new Types.ObjectId(opportunityId) : null,
      amount,
      originalAmount: amount,
      listAmount,
      discountBp: discountBp(amount, await this.referencePrice(opportunityId, listAmount)),
      ...(input.signedDate ? { signedDate: dateOfCalendarDate(input.signedDate) } : {}),
      ...(input.terms !== undefined ? { terms: input.terms } : {}),
      ...(input.attachmentIds
        ? { attachmentIds: input.attachmentIds.map((i) => new Types.ObjectId(i)) }
        : {}),
      ...(input.amendmentInstallment !== undefined
        ? { amendmentInstallment: input.amendmentInstallment }
        : {}),
    };
  }

  /** The stored plan as input again (for re-deriving amounts when only the contract amount changed). */
  private async currentPlanInput(contractId: Types.ObjectId) {
    const items = await this.deps.contractInstallments
      .find({ contractId })
      .sort({ seq: 1 })
      .lean<InstallmentDoc[]>();
    return items.map((i) => ({
      name: i.name,
      ...(i.percentBp !== null ? { percentBp: i.percentBp } : { amount: i.amount }),
      trigger:
        i.trigger.kind === 'milestone'
          ? { kind: 'milestone' as const, milestoneId: String(i.trigger.milestoneId) }
          : i.trigger.kind === 'date'
            ? { kind: 'date' as const, date: i.trigger.date!.toISOString().slice(0, 10) }
            : { kind: 'signing' as const },
      dueDays: i.dueDays,
    }));
  }

  /** The price the discount is measured against: the opportunity's latest quote, else the list amount. */
  private async referencePrice(
    opportunityId: string | null,
    listAmount: number | null,
  ): Promise<number | null> {
    if (opportunityId) {
      const quote = await this.deps.opportunityQuotes
        .findOne({ opportunityId: new Types.ObjectId(opportunityId) })
        .sort({ version: -1 })
        .lean();
      if (quote) return quote.amount;
    }
    return listAmount;
  }

  /** Contract files are bound to its project (customer-visible: the customer signed them). */
  private async attach(
    actor: Actor,
    ids: string[],
    projectId: string | null,
    contractId: Types.ObjectId,
  ): Promise<void> {
    const record = { kind: 'contract' as const, id: contractId };
    // Emptied: the customer no longer sees them through the contract (drafters need no project access).
    if (ids.length === 0) return this.deps.files.withdraw(actor, record);
    if (!projectId)
      throw new ValidationError([{ path: 'body.attachmentIds', message: '附件须关联到合同的项目' }]);
    await this.deps.files.attach(actor, ids, {
      projectId,
      customerVisible: true,
      record,
    });
  }

  private async customerNames(ids: Types.ObjectId[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const docs = await this.deps.customers.find({ _id: { $in: ids } }, { name: 1 }).lean();
    return new Map(docs.map((d) => [String(d._id), d.name]));
  }
}
