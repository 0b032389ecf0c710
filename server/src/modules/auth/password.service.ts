import { Types } from 'mongoose';
import type { ChangePasswordInput, LoginResult, ResetPasswordInput } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { SessionStore } from '../../core/auth/session-store';
import type { AuditLog } from '../../core/audit';
import {
  AppError,
  ConflictError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../../core/errors';
import type { AuthService, SignInClient } from './auth.service';
import type { KnownDevices } from './known-devices';
import { hashPassword, verifyPassword } from './password';
import { assertAcceptablePassword } from './password-policy';
import type { SignInThrottle } from './sign-in-throttle';
import type { StaffUserDoc, StaffUserModel } from './staff-user.model';

export interface PasswordServiceDeps {
  staffUsers: StaffUserModel;
  sessions: SessionStore;
  throttle: SignInThrottle;
  devices: KnownDevices;
  audit: AuditLog;
  auth: Pick<AuthService, 'startStaffSession'>;
}

/** Staff change their own password; admins set a new one for someone who lost theirs. */
export class PasswordService {
  constructor(private readonly deps: PasswordServiceDeps) {}

  /**
   * The signed-in person picks a new password. Every session of theirs ends, this one included, and
   * the answer is a fresh session: whoever else held a token (or the admin-set password) is out.
   * A wrong current password counts as a failed sign-in, so a stolen token cannot guess it fast.
   */
  async change(actor: Actor, input: ChangePasswordInput, client: SignInClient): Promise<LoginResult> {
    const user = await this.deps.staffUsers.findById(actor.id).lean<StaffUserDoc>();
    if (!user || !user.active) throw new UnauthorizedError('TOKEN_INVALID');
    const attempt = { username: user.username, ip: client.ip };
    // A session is the owner's client: the username's threshold, which strangers raise, does not apply.
    await this.deps.throttle.assertAllowed(attempt, true);
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
      await this.deps.throttle.recordFailure(attempt);
      throw new AppError('PASSWORD_INCORRECT');
    }
    assertAcceptablePassword(input.newPassword, user.username, 'body.newPassword');
    if (await verifyPassword(user.passwordHash, input.newPassword)) {
      const message = '新密码不能与当前密码相同';
      throw new ValidationError([{ path: 'body.newPassword', message }], message);
    }
    await this.replacePassword(user._id, input.newPassword, false);
    await this.deps.audit.record({
      actor,
      action: 'staff.password_changed',
      resource: 'staff_user',
      resourceId: user._id,
      before: { mustChangePassword: user.mustChangePassword === true },
      after: { mustChangePassword: false },
      requestId: client.requestId,
    });
    return this.deps.auth.startStaffSession({ ...user, mustChangePassword: false });
  }

  /**
   * An admin sets a new password for someone else (their own goes through `change`): that person's
   * sessions and known devices end, and their next sign-in must choose a password of their own.
   */
  async reset(actor: Actor, id: string, input: ResetPasswordInput, requestId?: string): Promise<void> {
    if (id === actor.id) throw new ConflictError('CONFLICT', '请在“修改密码”中修改自己的密码');
    const user = Types.ObjectId.isValid(id)
      ? await this.deps.staffUsers.findById(id).lean<StaffUserDoc>()
      : null;
    if (!user) throw new NotFoundError();
    assertAcceptablePassword(input.password, user.username, 'body.password');
    await this.replacePassword(user._id, input.password, true);
    await this.deps.devices.forgetAll(id);
    await this.deps.audit.record({
      actor,
      action: 'staff.password_reset',
      resource: 'staff_user',
      resourceId: user._id,
      before: { mustChangePassword: user.mustChangePassword === true },
      after: { mustChangePassword: true },
      requestId,
    });
  }

  /**
   * Sessions are ended before the write and again after it. A crash after the first leaves the old
   * password with no sessions (the person signs in again); the second ends any session opened with
   * the old password in between. Ending them only after the write would let a crash leave the old
   * sessions alive — and, after a reset, free of the must-change mark.
   */
  private async replacePassword(id: Types.ObjectId, password: string, mustChange: boolean) {
    const passwordHash = await hashPassword(password);
    await this.deps.sessions.revokeAllFor(String(id));
    await this.deps.staffUsers.updateOne(
      { _id: id },
      { $set: { passwordHash, mustChangePassword: mustChange, passwordChangedAt: new Date() } },
    );
    await this.deps.sessions.revokeAllFor(String(id));
  }
}
