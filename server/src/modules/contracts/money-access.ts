import { Types } from 'mongoose';
import type { Actor } from '../../core/auth/actor';
import { EVERYTHING, grantScope, NOTHING, type Scope } from '../../core/policy';
import type { CustomerModel } from '../crm/customer.model';
import type { ProjectModel } from '../projects/project.model';

/** The fields of a contract or an invoice that decide who may read it. */
export interface MoneyRecordRef {
  customerId: Types.ObjectId;
  projectId: Types.ObjectId | null;
}

/**
 * Who reads contracts and invoices: admin and finance all; a customer account its own customer's;
 * a PM those of the projects they manage; a salesperson those of the customers they own. Nobody
 * else (engineers and customer service work on projects, not on money).
 */
export class MoneyAccess {
  constructor(private readonly deps: { projects: ProjectModel; customers: CustomerModel }) {}

  /** A list filter (over customerId/projectId) limiting a query to what the actor may read. */
  async scope(actor: Actor): Promise<Scope> {
    switch (actor.role) {
      case 'admin':
      case 'finance':
        return EVERYTHING;
      case 'customer':
        return actor.customerId ? grantScope({ customerId: new Types.ObjectId(actor.customerId) }) : NOTHING;
      case 'pm': {
        const projects = await this.deps.projects.find({ pmId: actor.id }, { _id: 1 }).lean();
        return grantScope({ projectId: { $in: projects.map((p) => p._id) } });
      }
      case 'sales': {
        const customers = await this.deps.customers.find({ ownerId: actor.id }, { _id: 1 }).lean();
        return grantScope({ customerId: { $in: customers.map((c) => c._id) } });
      }
      default:
        return NOTHING;
    }
  }

  async canRead(actor: Actor, rec: MoneyRecordRef): Promise<boolean> {
    switch (actor.role) {
      case 'admin':
      case 'finance':
        return true;
      case 'customer':
        return actor.customerId !== null && actor.customerId === String(rec.customerId);
      case 'pm': {
        if (!rec.projectId) return false;
        const p = await this.deps.projects.findById(rec.projectId, { pmId: 1 }).lean();
        return p !== null && p.pmId !== null && String(p.pmId) === actor.id;
      }
      case 'sales': {
        const c = await this.deps.customers.findById(rec.customerId, { ownerId: 1 }).lean();
        return c !== null && c.ownerId !== null && String(c.ownerId) === actor.id;
      }
      default:
        return false;
    }
  }

  /** Finance and admins manage invoices and approve nothing by role alone (approval levels name their approvers). */
  managesInvoices(actor: Actor): boolean {
    return actor.role === 'admin' || actor.role === 'finance';
  }
}
