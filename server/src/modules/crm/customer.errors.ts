import { ConflictError } from '../../core/errors';

/** CRM conflicts, each with the message a salesperson sees. */
export const CUSTOMER_CONFLICTS = {
  ALREADY_OWNED: '该客户已被其他销售认领',
} as const;

export class CustomerConflictError extends ConflictError {
  constructor(reason: keyof typeof CUSTOMER_CONFLICTS) {
    super('CONFLICT', CUSTOMER_CONFLICTS[reason], { reason });
  }
}
