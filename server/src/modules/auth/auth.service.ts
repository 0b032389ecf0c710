import type { LoginResult, SessionUser, StaffLoginInput } from '@gantry/shared';
import type { AppConfig } from '../../core/config';
import type { Actor } from '../../core/auth/actor';
import type { SessionStore } from '../../core/auth/session-store';
import type { AuditLog } from '../../core/audit';
import { AppError, isDuplicateKeyError, UnauthorizedError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { WechatLogin } from '../../integrations/wechat/login';
import type { CustomerService } from '../crm/customer.service';
import type { KnownDevices } from './known-devices';
import { verifyPassword } from './password';
import type { PortalAccountDoc, PortalAccountModel } from './portal-account.model';
import type { SignInAttempt, SignInThrottle } from './sign-in-throttle';
import type { StaffUserDoc, StaffUserModel } from './staff-user.model';

export interface AuthServiceDeps {
  staffUsers: StaffUserModel;
  portalAccounts: PortalAccountModel;
  sessions: SessionStore;
  throttle: SignInThrottle;
  devices: KnownDevices;
  wechatLogin: WechatLogin;
  customers: CustomerService;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  config: AppConfig['auth'];
}

/** Where a sign-in comes from, for the throttle and the audit. */
export interface SignInClient {
  ip: string;
  requestId?: string;
}

/** Full-width letters and capitals name the same account, and the same throttle counters. */
export const foldUsername = (username: string) => username.normalize('NFKC').trim().toLowerCase();

/** Sign-in for staff (password) and customers (WeChat code), the current user, and sign-out. */
export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  async staffLogin(input: StaffLoginInput, client: SignInClient): Promise<LoginResult> {
    const attempt: SignInAttempt = { username: foldUsername(input.username), ip: client.ip };
    const user = await this.deps.staffUsers.findOne({ username: attempt.username }).lean<StaffUserDoc>();
    const userId = user ? String(user._id) : null;
    const knownDevice = await this.deps.devices.isKnown(userId, input.deviceToken);
    await this.deps.throttle.assertAllowed(attempt, knownDevice);
    const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
    if (!user || !passwordOk || !user.active) {
      await this.signInFailed(attempt, user, client.requestId);
      throw new UnauthorizedError('INVALID_CREDENTIALS');
    }
    await this.deps.throttle.recordSuccess(attempt);
    const deviceToken = await this.deps.devices.remember(String(user._id), input.deviceToken);
    return { ...(await this.startStaffSession(user)), deviceToken };
  }

  /** A new session for a staff user who proved who they are (sign-in, or a password change). */
  async startStaffSession(user: StaffUserDoc): Promise<LoginResult> {
    const actor = {
      id: String(user._id),
      kind: 'staff',
      role: user.role,
      name: user.name,
      customerId: null,
      ...(user.mustChangePassword ? { mustChangePassword: true } : {}),
    } as const;
    const session = await this.deps.sessions.create(actor, this.deps.config.staffTokenTtlSeconds);
    return {
      token: session.token,
      expiresAt: session.expiresAt.toISOString(),
      user: this.staffSessionUser(user),
    };
  }

  private async signInFailed(attempt: SignInAttempt, user: StaffUserDoc | null, requestId?: string) {
    const userFailures = await this.deps.throttle.recordFailure(attempt);
    if (!user || !(await this.deps.throttle.firstCrossing(attempt, userFailures))) return;
    const { windowSeconds } = this.deps.config.signIn;
    try {
      await this.deps.audit.record({
        actor: null,
        action: 'staff.sign_in_throttled',
        resource: 'staff_user',
        resourceId: user._id,
        after: { failures: userFailures, windowSeconds, lastIp: attempt.ip },
        requestId,
      });
      await this.deps.events.publish(
        'auth.sign_in_throttled',
        {
          username: user.username,
          name: user.name,
          failures: userFailures,
          windowMinutes: Math.round(windowSeconds / 60),
          ip: attempt.ip,
        },
        { id: `auth.sign_in_throttled:${String(user._id)}:${Date.now()}` },
      );
    } catch (err) {
      // The attempt is answered 401 like any other. Letting the next failure claim the window again
      // beats a window in which the admins hear nothing (at worst the audit entry is written twice).
      await this.deps.throttle.forgetCrossing(attempt);
      this.deps.logger.error({ err, userId: String(user._id) }, 'sign-in attack notice failed');
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
    return {
      id: String(user._id),
      kind: 'staff',
      role: user.role,
      name: user.name,
      username: user.username,
      mustChangePassword: user.mustChangePassword === true,
    };
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
