import { z } from 'zod';
import { STAFF_ROLES } from '@gantry/shared';

/**
 * One approval level (config `contracts.approval`). A level applies to a contract when its amount
 * reaches `minAmount` (fen) OR its discount reaches `minDiscountBp` (basis points vs the reference
 * price). Applicable levels are decided in order, each by one approver: a staff member whose role is
 * in `roles` or whose id is in `userIds` — never the person who submitted the contract.
 */
const levelSchema = z
  .object({
    name: z.string().min(1),
    minAmount: z.number().int().min(0).optional(),
    minDiscountBp: z.number().int().min(0).max(10_000).optional(),
    roles: z.array(z.enum(STAFF_ROLES)).default([]),
    userIds: z.array(z.string().regex(/^[0-9a-f]{24}$/)).default([]),
  })
  .refine((l) => l.minAmount !== undefined || l.minDiscountBp !== undefined, 'a level needs a threshold')
  .refine((l) => l.roles.length > 0 || l.userIds.length > 0, 'a level needs approvers');
export type ApprovalLevelConfig = z.infer<typeof levelSchema>;

export const contractsConfigSchema = z
  .object({
    approval: z
      .array(levelSchema)
      .min(1)
      .default([
        { name: '财务审核', minAmount: 0, roles: ['finance', 'admin'], userIds: [] },
        {
          name: '总经理审批',
          minAmount: 100_000_000,
          minDiscountBp: 1_000,
          roles: ['admin'],
          userIds: [],
        },
      ]),
  })
  .prefault({});

export type ContractsConfig = z.infer<typeof contractsConfigSchema>;
