import { Types } from 'mongoose';
import { calendarDateOf, type InvoiceReasonKind } from '@gantry/shared';
import type { DomainEvent } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { MilestoneDoc, MilestoneModel } from '../projects/milestone.model';
import type { ContractDoc, ContractModel, InstallmentDoc, InstallmentModel } from './contract.model';
import type { InvoiceService } from './invoice.service';

export interface InvoiceTriggerDeps {
  contracts: ContractModel;
  contractInstallments: InstallmentModel;
  milestones: MilestoneModel;
  invoices: Pick<InvoiceService, 'issueForInstallment'>;
  logger: Logger;
}

const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);

/**
 * The plan's triggers. One rule for every path (activation, milestone.confirmed, the daily job):
 * an installment of an ACTIVE contract without an invoice is due when its trigger has fired —
 * signing: at activation; milestone: once the milestone is confirmed; date: once the date is
 * reached. It fires at the later of that moment and the activation, so a milestone confirmed
 * before the contract was approved does not produce an invoice that is overdue at birth.
 * Issuing is exactly-once per installment (unique index in InvoiceService), so a re-delivered
 * event or a job re-run issues nothing new.
 */
export class InvoiceTriggers {
  constructor(private readonly deps: InvoiceTriggerDeps) {}

  /** Issues every due installment of `contract`; answers how many invoices it touched. */
  async issueDue(contract: ContractDoc, now: Date = new Date()): Promise<number> {
    if (contract.status !== 'active' || !contract.activatedAt) return 0;
    const open = await this.deps.contractInstallments
      .find({ contractId: contract._id, invoiceId: null })
      .sort({ seq: 1 })
      .lean<InstallmentDoc[]>();
    const milestones = await this.confirmedMilestones(open);
    let issued = 0;
    for (const inst of open) {
      if (inst.amount <= 0) continue;
      const fired = this.firedAt(inst, contract.activatedAt, milestones, now);
      if (!fired) continue;
      await this.deps.invoices.issueForInstallment(
        contract,
        inst,
        later(fired, contract.activatedAt),
        reasonOf(inst),
      );
      issued += 1;
    }
    return issued;
  }

  /** milestone.confirmed: the installments tied to that milestone fall due. */
  async onMilestoneConfirmed(event: DomainEvent): Promise<void> {
    const milestoneId = event.payload.milestoneId;
    if (typeof milestoneId !== 'string' || !Types.ObjectId.isValid(milestoneId)) return;
    const tied = await this.deps.contractInstallments
      .find({ 'trigger.milestoneId': new Types.ObjectId(milestoneId) }, { contractId: 1 })
      .lean();
    const contractIds = [...new Set(tied.map((i) => String(i.contractId)))];
    for (const id of contractIds) {
      const contract = await this.deps.contracts.findById(id).lean<ContractDoc>();
      if (contract) await this.issueDue(contract, event.occurredAt);
    }
  }

  /**
   * The daily job: date installments whose day has come, plus anything a lost event or a crash
   * left behind (a confirmed milestone or an activation whose invoice was never issued).
   */
  async issueScheduled(now: Date = new Date()): Promise<{ contracts: number; issued: number }> {
    const pending = await this.deps.contractInstallments.find({ invoiceId: null }, { contractId: 1 }).lean();
    const ids = [...new Set(pending.map((i) => String(i.contractId)))].map((i) => new Types.ObjectId(i));
    const contracts = await this.deps.contracts
      .find({ _id: { $in: ids }, status: 'active' })
      .lean<ContractDoc[]>();
    let issued = 0;
    for (const c of contracts) {
      try {
        issued += await this.issueDue(c, now);
      } catch (err) {
        this.deps.logger.error({ err, contractId: String(c._id) }, 'issuing due invoices failed');
      }
    }
    return { contracts: contracts.length, issued };
  }

  private firedAt(
    inst: InstallmentDoc,
    activatedAt: Date,
    milestones: Map<string, MilestoneDoc>,
    now: Date,
  ): Date | null {
    switch (inst.trigger.kind) {
      case 'signing':
        return activatedAt;
      case 'milestone': {
        const m = milestones.get(String(inst.trigger.milestoneId));
        return m ? (m.actualEnd ?? m.updatedAt) : null;
      }
      case 'date': {
        // The trigger day is an Asia/Shanghai calendar day: it has come once today's date reaches it.
        const d = inst.trigger.date;
        return d && d.toISOString().slice(0, 10) <= calendarDateOf(now) ? d : null;
      }
    }
  }

  private async confirmedMilestones(open: InstallmentDoc[]): Promise<Map<string, MilestoneDoc>> {
    const ids = open.flatMap((i) => (i.trigger.milestoneId ? [i.trigger.milestoneId] : []));
    if (ids.length === 0) return new Map();
    const docs = await this.deps.milestones
      .find({ _id: { $in: ids }, status: 'confirmed' })
      .lean<MilestoneDoc[]>();
    return new Map(docs.map((m) => [String(m._id), m]));
  }
}

function reasonOf(inst: InstallmentDoc): InvoiceReasonKind {
  return inst.origin === 'amendment' ? 'amendment' : inst.trigger.kind;
}
