import type { LoginResult, SessionUser, StaffLoginInput } from '@gantry/shared';
import type { AppConfig } from '../../core/config';
import type { Actor } from '../../core/auth/actor';
import type { SessionStore } from '../../core/auth/session-store';
import type { AuditLog } from '../../core/audit';
import { AppError, isDuplicateKeyError, UnauthorizedError } from '../../core/errors';
import type { Redis } from '../../core/redis';
import type { WechatLogin } from '../../integrations/wechat/login';
import type { CustomerService } from '../crm/customer.service';
import { verifyPassword } from './password';
import type { PortalAccountDoc, PortalAccountModel } from './portal-account.model';
import type { StaffUserDoc, StaffUserModel } from './staff-user.model';

export interface AuthServiceDeps {
  staffUsers: StaffUserModel;
  portalAccounts: PortalAccountModel;
  sessions: SessionStore;
  redis: Redis;
  wechatLogin: WechatLogin;
  customers: CustomerService;
  audit: AuditLog;
  config: AppConfig['auth'];
}

const failuresKey = (username: string) => `login-failures:${username}`;

/** Sign-in for staff (password) and customers (WeChat code), the current user, and sign-out. */
export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  async staffLogin(input: StaffLoginInput, requestId?: string): Promise<LoginResult> {
    const username = input.username.trim().toLowerCase();
    await this.assertNotLocked(username);
    const user = await this.deps.staffUsers.findOne({ username }).lean<StaffUserDoc>();
    const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
    if (!user || !passwordOk || !user.active) {
      await this.countFailure(username, user, requestId);
      throw new UnauthorizedError('INVALID_CREDENTIALS');
    }
    await this.deps.redis.del(failuresKey(username));
    const actor = {
      id: String(user._id),
      kind: 'staff',
      role: user.role,
      name: user.name,
      customerId: null,
    } as const;
    const session = await this.deps.sessions.create(actor, this.deps.config.staffTokenTtlSeconds);
    return {
      token: session.token,
      expiresAt: session.expiresAt.toISOString(),
      user: this.staffSessionUser(user),
    };
  }

  private async assertNotLocked(username: string): Promise<void> {
    const failures = Number(await this.deps.redis.get(failuresKey(username)));
    if (failures >= this.deps.config.maxFailedLogins) {
      const ttl = await this.deps.redis.ttl(failuresKey(username));
      throw new AppError('ACCOUNT_LOCKED', undefined, { retryAfterSeconds: Math.max(ttl, 1) });
    }
  }

  private async countFailure(username: string, user: StaffUserDoc | null, requestId?: string): Promise<void> {
    const key = failuresKey(username);
    const [[, count]] = (await this.deps.redis
      .multi()
      .incr(key)
      .expire(key, this.deps.config.lockoutSeconds)
      .exec()) as [[null, number]];
    if (count === this.deps.config.maxFailedLogins && user) {
      await this.deps.audit.record({
        actor: null,
        action: 'staff.locked',
        resource: 'staff_user',
        resourceId: user._id,
        after: { failures: count, lockoutSeconds: this.deps.config.lockoutSeconds },
        requestId,
      });
    }
  }

  async wechatLogin(code: string): Promise<LoginResult> {
    const identity = await this.deps.wechatLogin.codeToSession(code);
    const account = await this.upsertPortalAccount(identity.openid, identity.unionid);
    if (!account) throw new AppError('INTERNAL', 'portal account upsert returned nothing');
    const actor = {
      id: String(account._id),
      kind: 'portal',
      role: 'customer',
      name: account.name,
      customerId: account.customerId ? String(account.customerId) : null,
    } as const;
    const session = await this.deps.sessions.create(actor, this.deps.config.portalTokenTtlSeconds);
    return {
      token: session.token,
      expiresAt: session.expiresAt.toISOString(),
      user: await this.portalSessionUser(account),
    };
  }

  /** First sign-in creates the account; two at once race on the openid index, and the loser reads the winner's. */
  private async upsertPortalAccount(
    openid: string,
    unionid: string | null,
  ): Promise<PortalAccountDoc | null> {
    const upsert = () =>
      this.deps.portalAccounts
        .findOneAndUpdate(
          { openid },
          {
            $set: { lastLoginAt: new Date(), ...(unionid ? { unionid } : {}) },
            $setOnInsert: { openid, customerId: null, name: '微信用户', boundAt: null },
          },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<PortalAccountDoc>();
    try {
      return await upsert();
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return upsert();
    }
  }

  async me(actor: Actor): Promise<SessionUser> {
    if (actor.kind === 'staff') {
      const user = await this.deps.staffUsers.findById(actor.id).lean<StaffUserDoc>();
      if (!user || !user.active) throw new UnauthorizedError('TOKEN_INVALID');
      return this.staffSessionUser(user);
    }
    const account = await this.deps.portalAccounts.findById(actor.id).lean<PortalAccountDoc>();
    if (!account) throw new UnauthorizedError('TOKEN_INVALID');
    return this.portalSessionUser(account);
  }

  async logout(actor: Actor): Promise<void> {
    await this.deps.sessions.revoke(actor);
  }

  private staffSessionUser(user: StaffUserDoc): SessionUser {
    return { id: String(user._id), kind: 'staff', role: user.role, name: user.name, username: user.username };
  }

  async portalSessionUser(account: PortalAccountDoc): Promise<SessionUser> {
    return {
      id: String(account._id),
      kind: 'portal',
      role: 'customer',
      name: account.name,
      customerId: account.customerId ? String(account.customerId) : null,
      customerName: await this.deps.customers.nameOf(account.customerId),
    };
  }
}
