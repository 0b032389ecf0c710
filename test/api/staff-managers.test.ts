import { Types } from 'mongoose';
import type { StaffMember, StaffRole } from '@gantry/shared';
import { castProject, feedbackCast, inboxTitles, type FeedbackCast } from '../support/feedback-cast';
import { startTestSystem, type TestSystem } from '../support/system';
import { RedisLock } from '../../server/src/core/redis-lock';
import { MANAGER_CHAIN_LOCK } from '../../server/src/modules/auth/staff-admin.managers';

const HOUR_MS = 3_600_000;
let sys: TestSystem;
let cast: FeedbackCast;

beforeAll(async () => {
  sys = await startTestSystem();
  cast = await feedbackCast(sys);
});
afterAll(async () => {
  await sys?.close();
});

const patch = (id: string, body: unknown, token = cast.admin.token) =>
  sys.api.request('PATCH', `/api/v1/admin/users/${id}`, { token, body });

async function person(role: StaffRole, name: string) {
  const user = await sys.seed.staff(role, { name });
  return { ...user, token: await sys.loginStaff(user.username, user.password) };
}

async function listed(id: string): Promise<StaffMember> {
  const res = await sys.api.get('/api/v1/admin/users?limit=100', cast.admin.token);
  expect(res.status).toBe(200);
  const found = (res.body.items as StaffMember[]).find((u) => u.id === id);
  expect(found).toBeDefined();
  return found!;
}

async function storedManager(id: string): Promise<string | null> {
  const doc = await sys.server.container.models.staffUsers.findById(id).lean();
  return doc?.managerId ? String(doc.managerId) : null;
}

describe('setting a manager', () => {
  it('sets and clears it; the list names the manager; each change is audited before/after', async () => {
    const lead = await person('pm', '工程部主管');
    const engineer = await person('engineer', '工程师小周');
    const set = await patch(engineer.id, { managerId: lead.id });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ managerId: lead.id, managerName: '工程部主管', managerActive: true });
    expect(await listed(engineer.id)).toMatchObject({ managerId: lead.id, managerName: '工程部主管' });
    const one = await sys.api.get(`/api/v1/admin/users/${engineer.id}`, cast.admin.token);
    expect(one.body).toMatchObject({ id: engineer.id, managerId: lead.id, managerName: '工程部主管' });

    const cleared = await patch(engineer.id, { managerId: null });
    expect(cleared.body).toMatchObject({ managerId: null, managerName: null });
    expect(await storedManager(engineer.id)).toBeNull();

    const audit = (await sys.server.container.audit.forResource('staff_user', engineer.id)).filter(
      (a) => a.action === 'staff.updated',
    );
    expect(audit.map((a) => [a.before, a.after])).toEqual([
      [expect.objectContaining({ managerId: lead.id }), expect.objectContaining({ managerId: null })],
      [expect.objectContaining({ managerId: null }), expect.objectContaining({ managerId: lead.id })],
    ]);
    expect(audit[0]).toMatchObject({ actorId: cast.admin.id, actorKind: 'staff' });
  });

  it('refuses an unknown, inactive or self manager and a loop, and changes nothing', async () => {
    const [a, b, c] = [await person('pm', '甲'), await person('pm', '乙'), await person('pm', '丙')];
    const gone = await person('pm', '已离职');
    await patch(gone.id, { active: false });
    const refusals: Array<[unknown, number, string]> = [
      [{ managerId: new Types.ObjectId().toHexString() }, 422, 'MANAGER_NOT_FOUND'],
      [{ managerId: gone.id }, 422, 'MANAGER_INACTIVE'],
      [{ managerId: c.id }, 422, 'MANAGER_SELF'],
      [{ managerId: 'not-an-id' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of refusals) {
      const res = await patch(c.id, body);
      expect([res.status, res.body.error.code]).toEqual([status, code]);
    }
    expect((await patch(a.id, { managerId: b.id })).status).toBe(200);
    expect((await patch(b.id, { managerId: c.id })).status).toBe(200);
    // 丙 → 甲 would close 甲 → 乙 → 丙 → 甲.
    const loop = await patch(c.id, { managerId: a.id, name: '丙（改）' });
    expect(loop.status).toBe(409);
    expect(loop.body.error).toMatchObject({
      code: 'MANAGER_CYCLE',
      message: expect.stringContaining('循环'),
    });
    expect(await storedManager(c.id)).toBeNull();
    expect((await listed(c.id)).name).toBe('丙');
  });

  it('is for admins only', async () => {
    const res = await patch(cast.engineer.id, { managerId: cast.pm.id }, cast.pm.token);
    expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect(await storedManager(cast.engineer.id)).toBeNull();
  });

  it('creates an account with a manager, but not under an inactive one', async () => {
    const lead = await person('sales', '销售主管');
    const body = { username: 'new.sales.1', password: 'Passw0rd!x', name: '新销售', role: 'sales' };
    const created = await sys.api.post(
      '/api/v1/admin/users',
      { ...body, managerId: lead.id },
      cast.admin.token,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ managerId: lead.id, managerName: '销售主管' });
    await patch(lead.id, { active: false });
    const refused = await sys.api.post(
      '/api/v1/admin/users',
      { ...body, username: 'new.sales.2', managerId: lead.id },
      cast.admin.token,
    );
    expect([refused.status, refused.body.error.code]).toEqual([422, 'MANAGER_INACTIVE']);
    expect(await sys.server.container.models.staffUsers.countDocuments({ username: 'new.sales.2' })).toBe(0);
    // Deactivating a manager is allowed; the report's row says that manager is inactive.
    expect(await listed(created.body.id)).toMatchObject({ managerName: '销售主管', managerActive: false });
  });
});

describe('what the manager changes', () => {
  /**
   * A complaint on a project of `pmId` left unanswered past its response deadline, then the
   * escalation job: the escalations it recorded and how many escalation notices the admins got.
   */
  async function overdueComplaint(pmId: string, description: string) {
    const project = await castProject(sys, cast, { pmId });
    const raised = await sys.api.post(
      '/api/v1/complaints',
      {
        projectId: project.id,
        category: 'quality',
        description,
        receivedAt: new Date(Date.now() - 9 * HOUR_MS).toISOString(),
      },
      cast.service.token,
    );
    expect(raised.status).toBe(201);
    const adminNotices = async () =>
      (await inboxTitles(sys, cast.admin.token)).filter((t) => t === '投诉已升级').length;
    const before = await adminNotices();
    await sys.server.container.services.feedbackEscalation.escalateOverdue();
    await sys.server.container.outboxWorker.drain();
    const after = await sys.api.get(`/api/v1/complaints/${raised.body.id}`, cast.admin.token);
    return { escalations: after.body.escalations, newAdminNotices: (await adminNotices()) - before };
  }

  it('an overdue complaint on the PM’s project escalates to the manager set here, not to the admins', async () => {
    const lead = await person('pm', '交付总监');
    expect((await patch(cast.otherPm.id, { managerId: lead.id })).status).toBe(200);
    const { escalations, newAdminNotices } = await overdueComplaint(cast.otherPm.id, '卫生间渗水');
    expect(escalations).toEqual([expect.objectContaining({ deadline: 'response', managerId: lead.id })]);
    expect(await inboxTitles(sys, lead.token)).toContain('投诉已升级');
    expect(newAdminNotices).toBe(0);
  });

  it('a manager who was deactivated counts as none: the escalation goes to the admins', async () => {
    const gone = await person('pm', '已离职总监');
    const pm = await person('pm', '项目经理吴涛');
    expect((await patch(pm.id, { managerId: gone.id })).status).toBe(200);
    expect((await patch(gone.id, { active: false })).status).toBe(200);
    const { escalations, newAdminNotices } = await overdueComplaint(pm.id, '阳台门关不严');
    expect(escalations).toEqual([expect.objectContaining({ deadline: 'response', managerId: null })]);
    expect(newAdminNotices).toBeGreaterThan(0);
  });

  it('answers 409 BUSY (not a server error) while another change to the chain holds it too long', async () => {
    const lock = new RedisLock(sys.server.container.redis);
    const token = await lock.acquire(MANAGER_CHAIN_LOCK, 30_000);
    expect(token).not.toBeNull();
    try {
      const res = await patch(cast.otherPm.id, { managerId: null });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'BUSY', message: '其他人正在处理同一条记录，请稍后重试' });
    } finally {
      await lock.release(MANAGER_CHAIN_LOCK, token!);
    }
    expect((await patch(cast.otherPm.id, { managerId: null })).status).toBe(200);
  });
});
