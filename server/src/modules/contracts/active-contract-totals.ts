import { Types } from 'mongoose';
import type { ContractTotals } from '../changes/contract-totals';
import type { ContractModel } from './contract.model';

/**
 * The change request view's "current total": the amount of the project's active contract(s),
 * amendments included. Projects without an active contract fall back to the provider the changes
 * module had before (a recorded amount), so nothing regresses for them.
 */
export class ActiveContractTotals implements ContractTotals {
  constructor(private readonly deps: { contracts: ContractModel; fallback?: ContractTotals }) {}

  async currentTotal(projectId: string): Promise<number | null> {
    if (!Types.ObjectId.isValid(projectId)) return null;
    const active = await this.deps.contracts
      .find({ projectId: new Types.ObjectId(projectId), status: 'active' }, { amount: 1 })
      .lean();
    if (active.length > 0) return active.reduce((sum, c) => sum + c.amount, 0);
    return this.deps.fallback ? this.deps.fallback.currentTotal(projectId) : null;
  }
}
