import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { startTestSystem, type TestSystem } from '../support/system';
import { changeCast, type ChangeCast } from '../support/change-cast';

/**
 * GET /change-requests: the staff inbox across every project the caller may read. The PM manages
 * 55 projects, more than the 50 the client used to ask for one by one; the request on the first
 * (oldest) project is the one the old inbox missed.
 */
let sys: TestSystem;
let cast: ChangeCast;
let projectIds: string[];
let otherProjectId: string;
const ids = { first: '', last: '', other: '', withdrawn: '' };
const OPEN = 'submitted,under_review,quoted';

const post = (path: string, body: unknown, token: string) => sys.api.post(`/api/v1${path}`, body, token);
const get = (path: string, token: string) => sys.api.get(`/api/v1${path}`, token);

/** Projects of the cast's customer, inserted in one go (the PM and engineers as the access rules read them). */
async function insertProjects(count: number, pmId: string, engineerIdsOf: (i: number) => string[]) {
  const tag = crypto.randomBytes(3).toString('hex');
  const docs = await sys.server.container.models.projects.insertMany(
    Array.from({ length: count }, (_, i) => ({
      code: `IN-${tag}-${i}`,
      name: `收件箱项目${tag}-${i + 1}`,
      customerId: new Types.ObjectId(cast.customer.id),
      address: '杭州市滨江区江南大道 1 号',
      pmId: new Types.ObjectId(pmId),
      engineerIds: engineerIdsOf(i).map((id) => new Types.ObjectId(id)),
      status: 'active',
      plannedStart: new Date('2027-01-01T00:00:00Z'),
      plannedEnd: new Date('2027-12-31T00:00:00Z'),
    })),
  );
  return docs.map((d) => String(d._id));
}

async function submit(projectId: string, token: string, title: string): Promise<string> {
  const res = await post(`/projects/${projectId}/change-requests`, { title, description: '说明' }, token);
  expect(res.status).toBe(201);
  return res.body.id;
}

/** Every page of the inbox, following the cursor; the ids in order and how many calls it took. */
async function allPages(token: string, query: string, limit = 1) {
  const seen: string[] = [];
  let cursor: string | null = null;
  let calls = 0;
  do {
    const after: string = cursor ? `&cursor=${cursor}` : '';
    const res = await get(`/change-requests?limit=${limit}&${query}${after}`, token);
    expect(res.status).toBe(200);
    calls += 1;
    seen.push(...res.body.items.map((r: { id: string }) => r.id));
    cursor = res.body.nextCursor;
  } while (cursor && calls < 20);
  return { seen, calls };
}

beforeAll(async () => {
  sys = await startTestSystem();
  cast = await changeCast(sys);
  // The engineer is on the 55th project only (and on the other PM's).
  projectIds = await insertProjects(55, cast.pm.id, (i) => (i === 54 ? [cast.engineer.id] : []));
  otherProjectId = (await insertProjects(1, cast.otherPm.id, () => [cast.engineer.id]))[0]!;
  ids.first = await submit(projectIds[0]!, cast.customer.token, '首个项目的变更');
  ids.withdrawn = await submit(projectIds[1]!, cast.customer.token, '已撤回的变更');
  ids.last = await submit(projectIds[54]!, cast.customer.token, '第 55 个项目的变更');
  ids.other = await submit(otherProjectId, cast.customer.token, '别的经理的项目的变更');
  const ok = async (res: Promise<{ status: number }>) => expect((await res).status).toBe(200);
  await ok(post(`/change-requests/${ids.first}/acknowledge`, {}, cast.pm.token));
  await ok(post(`/change-requests/${ids.withdrawn}/withdraw`, { reason: '不要了' }, cast.customer.token));
  await ok(post(`/change-requests/${ids.other}/acknowledge`, {}, cast.otherPm.token));
  const quote = { costDelta: 50_000, scheduleDeltaDays: 2, note: '加价', validUntil: '2030-01-31' };
  await ok(post(`/change-requests/${ids.other}/quote`, quote, cast.otherPm.token));
}, 40_000);
afterAll(async () => {
  await sys?.close();
});

it("a PM with 55 projects pages through the open requests of all of them, oldest first, and no one else's", async () => {
  const { seen, calls } = await allPages(cast.pm.token, `status=${OPEN}`);
  expect(seen).toEqual([ids.first, ids.last]);
  expect(calls).toBe(2);
  const page = await get(`/change-requests?status=${OPEN}`, cast.pm.token);
  expect(page.body.items.map((r: { status: string }) => r.status)).toEqual(['under_review', 'submitted']);
  expect(page.body.items[0]).toMatchObject({ projectId: projectIds[0], projectName: expect.any(String) });
  expect(page.body.nextCursor).toBeNull();
});

it('filters by one status or a comma list, and refuses an unknown status with a clear message', async () => {
  const ofStatus = async (status: string, token = cast.admin.token) =>
    (await allPages(token, `status=${status}`, 100)).seen;
  expect(await ofStatus('submitted', cast.pm.token)).toEqual([ids.last]);
  expect(await ofStatus('under_review', cast.pm.token)).toEqual([ids.first]);
  expect(await ofStatus('submitted,quoted')).toEqual([ids.last, ids.other]);
  expect(await ofStatus('withdrawn')).toEqual([ids.withdrawn]);
  const bad = await get('/change-requests?status=submitted,done', cast.pm.token);
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  expect(bad.body.error.details.fields).toEqual([
    { path: 'query.status', message: expect.stringContaining('未知的变更申请状态「done」') },
  ]);
  expect((await get('/change-requests?status=', cast.pm.token)).status).toBe(400);
});

it('an engineer sees the projects they are on; admin and service see all; sales none', async () => {
  expect((await allPages(cast.engineer.token, `status=${OPEN}`)).seen).toEqual([ids.last, ids.other]);
  const everything = [ids.first, ids.withdrawn, ids.last, ids.other];
  expect((await allPages(cast.admin.token, '', 2)).seen).toEqual(everything);
  expect((await allPages(cast.service.token, `status=${OPEN}`, 100)).seen).toEqual([
    ids.first,
    ids.last,
    ids.other,
  ]);
  const sales = await sys.seed.staff('sales', { name: '销售小赵' });
  const salesToken = await sys.loginStaff(sales.username, sales.password);
  expect((await allPages(salesToken, `status=${OPEN}`)).seen).toEqual([]);
});

it("a customer account sees only its own customer's; projectId narrows to one readable project", async () => {
  expect((await allPages(cast.customer.token, `status=${OPEN}`, 100)).seen).toEqual([
    ids.first,
    ids.last,
    ids.other,
  ]);
  expect((await allPages(cast.otherCustomer.token, `status=${OPEN}`)).seen).toEqual([]);
  const one = await get(`/change-requests?projectId=${projectIds[54]}`, cast.pm.token);
  expect(one.body.items.map((r: { id: string }) => r.id)).toEqual([ids.last]);
  // Another PM's project answers like a missing one, as the per-project list does.
  expect((await get(`/change-requests?projectId=${otherProjectId}`, cast.pm.token)).status).toBe(404);
});
