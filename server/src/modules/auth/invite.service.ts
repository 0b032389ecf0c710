import crypto from 'node:crypto';
import QRCode from 'qrcode';
import { Types } from 'mongoose';
import type { InviteResult, SessionUser } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { SessionStore } from '../../core/auth/session-store';
import type { AuditLog } from '../../core/audit';
import { AppError, ConflictError, ForbiddenError, isDuplicateKeyError } from '../../core/errors';
import type { CustomerService } from '../crm/customer.service';
import type { AuthService } from './auth.service';
import type { InviteDoc, InviteModel, InviteRedemptionModel } from './invite.model';
import type { PortalAccountDoc, PortalAccountModel } from './portal-account.model';

// No 0/O/1/I: codes are read aloud and typed from paper.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newInviteCode(): string {
  const bytes = crypto.randomBytes(8);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

const PURGE_BATCH = 500;

export interface InviteServiceDeps {
  invites: InviteModel;
  inviteRedemptions: InviteRedemptionModel;
  portalAccounts: PortalAccountModel;
  customers: CustomerService;
  sessions: SessionStore;
  audit: AuditLog;
  auth: AuthService;
  inviteTtlSeconds: number;
  publicUrl: string;
}

/** Single-use invitations that bind a customer's WeChat account to the customer record. */
export class InviteService {
  constructor(private readonly deps: InviteServiceDeps) {}

  async create(actor: Actor, customerId: string, requestId?: string): Promise<InviteResult> {
    const customer = await this.deps.customers.getForActor(actor, customerId, 'change');
    const expiresAt = new Date(Date.now() + this.deps.inviteTtlSeconds * 1000);
    const invite = await this.insertWithFreshCode(customer._id, new Types.ObjectId(actor.id), expiresAt);
    await this.deps.audit.record({
      actor,
      action: 'invite.created',
      resource: 'customer',
      resourceId: customer._id,
      after: { inviteId: String(invite._id), expiresAt },
      requestId,
    });
    const bindUrl = `${this.deps.publicUrl}/#/pages/bind/index?code=${invite.code}`;
    return {
      inviteCode: invite.code,
      expiresAt: expiresAt.toISOString(),
      qrDataUrl: await QRCode.toDataURL(bindUrl, { errorCorrectionLevel: 'M', margin: 2, width: 320 }),
      customerId: String(customer._id),
    };
  }

  /**
   * Deletes invites that expired more than `olderThanDays` ago (used or not: a binding is kept in
   * the audit log). Bounded per call, so one run never holds the database for long.
   */
  async purgeExpired(olderThanDays = 30, maxBatches = 20): Promise<{ deleted: number }> {
    const cutoff = new Date(Date.now() - olderThanDays * 86_400_000);
    let deleted = 0;
    for (let batch = 0; batch < maxBatches; batch += 1) {
      const ids = await this.deps.invites
        .find({ expiresAt: { $lt: cutoff } }, { _id: 1 })
        .limit(PURGE_BATCH)
        .lean();
      if (ids.length === 0) break;
      const res = await this.deps.invites.deleteMany({ _id: { $in: ids.map((doc) => doc._id) } });
      deleted += res.deletedCount;
      if (ids.length < PURGE_BATCH) break;
    }
    return { deleted };
  }

  private async insertWithFreshCode(customerId: Types.ObjectId, createdBy: Types.ObjectId, expiresAt: Date) {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        return await this.deps.invites.create({ code: newInviteCode(), customerId, createdBy, expiresAt });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    throw new AppError('INTERNAL', 'could not allocate a unique invite code');
  }

  /**
   * Redeems `code` for the signed-in portal account. The invite is claimed once (a second
   * redemption gets 409); the account is then bound with a guard on `customerId: null`. If the
   * process dies between the two writes, the same account retrying the same code finishes the bind.
   */
  async redeem(actor: Actor, code: string, requestId?: string): Promise<SessionUser> {
    if (actor.kind !== 'portal') throw new ForbiddenError('只有微信客户账号可以使用邀请码');
    const accountId = new Types.ObjectId(actor.id);
    const account = await this.deps.portalAccounts.findById(accountId).lean<PortalAccountDoc>();
    if (!account) throw new AppError('TOKEN_INVALID');
    if (account.customerId) throw new ConflictError('ALREADY_BOUND');

    const invite = await this.claim(code, accountId);
    const bound = await this.deps.portalAccounts
      .findOneAndUpdate(
        { _id: accountId, customerId: null },
        { $set: { customerId: invite.customerId, boundAt: new Date() } },
        { returnDocument: 'after' },
      )
      .lean<PortalAccountDoc>();
    if (!bound) throw new ConflictError('ALREADY_BOUND');
    await this.deps.sessions.update(actor.sessionId, { customerId: String(invite.customerId) });
    await this.deps.audit.record({
      actor,
      action: 'portal_account.bound',
      resource: 'customer',
      resourceId: invite.customerId,
      after: { portalAccountId: actor.id, inviteId: String(invite._id) },
      requestId,
    });
    return this.deps.auth.portalSessionUser(bound);
  }

  /** Exactly one account redeems an invite: the redemption's unique index decides, not a guarded update. */
  private async claim(code: string, accountId: Types.ObjectId): Promise<InviteDoc> {
    const now = new Date();
    const invite = await this.deps.invites.findOne({ code }).lean<InviteDoc>();
    if (!invite) throw new AppError('INVITE_INVALID');
    const previous = await this.deps.inviteRedemptions.findOne({ inviteId: invite._id }).lean();
    if (previous) {
      if (previous.accountId.equals(accountId)) return invite; // finishing an interrupted bind
      throw new ConflictError('INVITE_USED');
    }
    if (invite.expiresAt <= now) throw new AppError('INVITE_INVALID');
    try {
      await this.deps.inviteRedemptions.create({ inviteId: invite._id, accountId, at: now });
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new ConflictError('INVITE_USED');
      throw err;
    }
    // informational: who used it and when, for the customer's invite list
    await this.deps.invites.updateOne({ _id: invite._id }, { $set: { usedAt: now, usedBy: accountId } });
    return invite;
  }
}
