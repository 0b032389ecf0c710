import { Schema, type Connection, type Model, type Types } from 'mongoose';
import {
  CONTRACT_STATUSES,
  INSTALLMENT_TRIGGERS,
  type AmendmentInstallmentRule,
  type ContractStatus,
  type InstallmentTriggerKind,
} from '@gantry/shared';
import { modelOn } from '../../core/db';

/**
 * A contract. The payment plan, the approval decisions and the amendments live in their own
 * collections (contract_installments, contract_approvals, contract_amendments) so every change is
 * a single-document write and the unique keys there make approvals and amendments happen once.
 */
export interface ContractDoc {
  _id: Types.ObjectId;
  number: string;
  customerId: Types.ObjectId;
  projectId: Types.ObjectId | null;
  opportunityId: Types.ObjectId | null;
  /** Current amount (fen), amendments included. */
  amount: number;
  /** The amount as signed, before amendments. */
  originalAmount: number;
  listAmount: number | null;
  /** Discount vs the reference price (opportunity's latest quote, else listAmount), basis points. */
  discountBp: number;
  signedDate: Date;
  terms: string;
  attachmentIds: Types.ObjectId[];
  status: ContractStatus;
  amendmentInstallment: AmendmentInstallmentRule;
  /** Bumped on every submission, so a resubmitted contract is decided afresh. */
  approvalRound: number;
  /** The levels this round needs (frozen at submission, so a config change does not move the goalposts). */
  approvalLevels: Array<{ level: number; name: string; reason: string; roles: string[]; userIds: string[] }>;
  createdBy: string;
  activatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const levelSchema = new Schema(
  {
    level: { type: Number, required: true },
    name: { type: String, required: true },
    reason: { type: String, required: true },
    roles: { type: [String], default: [] },
    userIds: { type: [String], default: [] },
  },
  { _id: false },
);

const contractSchema = new Schema<ContractDoc>(
  {
    number: { type: String, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    projectId: { type: Schema.Types.ObjectId, default: null },
    opportunityId: { type: Schema.Types.ObjectId, default: null },
    amount: { type: Number, required: true },
    originalAmount: { type: Number, required: true },
    listAmount: { type: Number, default: null },
    discountBp: { type: Number, required: true, default: 0 },
    signedDate: { type: Date, required: true },
    terms: { type: String, default: '' },
    attachmentIds: { type: [Schema.Types.ObjectId], default: [] },
    status: { type: String, required: true, enum: CONTRACT_STATUSES, default: 'draft' },
    amendmentInstallment: { type: Schema.Types.Mixed, required: true, default: 'last' },
    approvalRound: { type: Number, required: true, default: 0 },
    approvalLevels: { type: [levelSchema], default: [] },
    createdBy: { type: String, required: true },
    activatedAt: { type: Date, default: null },
  },
  { collection: 'contracts', timestamps: true },
);
contractSchema.index({ number: 1 }, { unique: true });
contractSchema.index({ customerId: 1, _id: -1 });
contractSchema.index({ projectId: 1, status: 1 });
contractSchema.index({ status: 1, _id: -1 });

/** One installment of a contract's plan; `invoiceId` is set once its invoice exists. */
export interface InstallmentDoc {
  _id: Types.ObjectId;
  contractId: Types.ObjectId;
  seq: number;
  name: string;
  /** Fen, materialised from the plan rule (and moved by amendments). */
  amount: number;
  percentBp: number | null;
  trigger: {
    kind: InstallmentTriggerKind;
    milestoneId: Types.ObjectId | null;
    milestoneName: string | null;
    date: Date | null;
  };
  dueDays: number;
  invoiceId: Types.ObjectId | null;
  /** 'amendment': added by a change request the plan had no open installment for. */
  origin: 'plan' | 'amendment';
}

const installmentSchema = new Schema<InstallmentDoc>(
  {
    contractId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    name: { type: String, required: true },
    amount: { type: Number, required: true },
    percentBp: { type: Number, default: null },
    trigger: {
      kind: { type: String, required: true, enum: INSTALLMENT_TRIGGERS },
      milestoneId: { type: Schema.Types.ObjectId, default: null },
      milestoneName: { type: String, default: null },
      date: { type: Date, default: null },
    },
    dueDays: { type: Number, required: true },
    invoiceId: { type: Schema.Types.ObjectId, default: null },
    origin: { type: String, required: true, enum: ['plan', 'amendment'], default: 'plan' },
  },
  { collection: 'contract_installments', versionKey: false },
);
installmentSchema.index({ contractId: 1, seq: 1 }, { unique: true });
installmentSchema.index({ 'trigger.milestoneId': 1 });
installmentSchema.index({ 'trigger.kind': 1, 'trigger.date': 1 });

/** One decision on one approval level of one submission round: unique, so it happens once. */
export interface ApprovalDoc {
  _id: Types.ObjectId;
  contractId: Types.ObjectId;
  round: number;
  level: number;
  decision: 'approve' | 'reject';
  comment: string;
  by: { id: string; name: string };
  at: Date;
}

const personSchema = new Schema<{ id: string; name: string }>(
  { id: { type: String, required: true }, name: { type: String, required: true } },
  { _id: false },
);

const approvalSchema = new Schema<ApprovalDoc>(
  {
    contractId: { type: Schema.Types.ObjectId, required: true },
    round: { type: Number, required: true },
    level: { type: Number, required: true },
    decision: { type: String, required: true, enum: ['approve', 'reject'] },
    comment: { type: String, default: '' },
    by: { type: personSchema, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'contract_approvals', versionKey: false },
);
approvalSchema.index({ contractId: 1, round: 1, level: 1 }, { unique: true });

/** A contract amendment from an approved change request: one per (contract, change request). */
export interface AmendmentDoc {
  _id: Types.ObjectId;
  contractId: Types.ObjectId;
  changeRequestId: Types.ObjectId;
  delta: number;
  amountBefore: number;
  amountAfter: number;
  installmentId: Types.ObjectId | null;
  installmentSeq: number | null;
  installmentBefore: number | null;
  installmentAfter: number | null;
  /** Set once the contract and installment carry the recorded `after` values (recovery re-applies until then). */
  applied: boolean;
  note: string;
  at: Date;
}

const amendmentSchema = new Schema<AmendmentDoc>(
  {
    contractId: { type: Schema.Types.ObjectId, required: true },
    changeRequestId: { type: Schema.Types.ObjectId, required: true },
    delta: { type: Number, required: true },
    amountBefore: { type: Number, required: true },
    amountAfter: { type: Number, required: true },
    installmentId: { type: Schema.Types.ObjectId, default: null },
    installmentSeq: { type: Number, default: null },
    installmentBefore: { type: Number, default: null },
    installmentAfter: { type: Number, default: null },
    applied: { type: Boolean, required: true, default: false },
    note: { type: String, default: '' },
    at: { type: Date, required: true },
  },
  { collection: 'contract_amendments', versionKey: false },
);
amendmentSchema.index({ contractId: 1, changeRequestId: 1 }, { unique: true });
amendmentSchema.index({ contractId: 1, _id: -1 });

export type ContractModel = Model<ContractDoc>;
export type InstallmentModel = Model<InstallmentDoc>;
export type ApprovalModel = Model<ApprovalDoc>;
export type AmendmentModel = Model<AmendmentDoc>;

export function contractModels(conn: Connection) {
  return {
    contracts: modelOn(conn, 'Contract', contractSchema),
    contractInstallments: modelOn(conn, 'ContractInstallment', installmentSchema),
    contractApprovals: modelOn(conn, 'ContractApproval', approvalSchema),
    contractAmendments: modelOn(conn, 'ContractAmendment', amendmentSchema),
  };
}
