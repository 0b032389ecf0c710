import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * Every operation that takes a date, found in /openapi.json (fields with format `date` or
 * `date-time`), is sent days that do not exist and days outside 2000–2100: each must answer 400
 * naming the field, never 500 or a stored Invalid Date. A request field whose name says it is a
 * date but that is not declared with the shared date schemas fails the walk, so a new date field
 * cannot skip the check.
 */
let sys: TestSystem;
const tokens: string[] = [];

type Json = Record<string, any>;
interface DateField {
  op: string;
  method: string;
  path: string;
  where: 'query' | 'body';
  /** Where the field sits: property names, `[]` for an array item. */
  steps: string[];
  format: 'date' | 'date-time';
  /** Builds the request payload holding `value` at the field. */
  build(value: string): unknown;
}

const BAD_DAYS = ['2027-02-30', '2027-14-40', '0000-00-00', '1999-12-31', '2101-01-01'];
const BAD_INSTANTS = [
  '2027-02-30T09:00:00+08:00',
  '2027-14-40T09:00:00Z',
  '0000-00-00T00:00:00Z',
  '1999-12-31T23:00:00Z',
  '2101-01-01T00:00:00Z',
];
/** Request fields named like dates; any of them without a date format is a failure. */
const DATE_LIKE_NAME = /(date|Date|At|Start|End|asOf|Until)$|^(from|to)$/;

beforeAll(async () => {
  sys = await startTestSystem();
  const roles = ['admin', 'finance', 'pm', 'engineer', 'sales', 'service'] as const;
  for (const role of roles) {
    const user = await sys.seed.staff(role);
    tokens.push(await sys.loginStaff(user.username, user.password));
  }
  const openid = `o_dates_${crypto.randomBytes(4).toString('hex')}`;
  await sys.seed.customerWithPortal({ openid, customerName: '日期测试客户' });
  tokens.push(await sys.loginWechat(openid));
});
afterAll(() => sys?.close());

/** Every date field of every request in the document, with a payload builder for it. */
function dateFields(doc: Json): { fields: DateField[]; untyped: string[] } {
  const fields: DateField[] = [];
  const untyped: string[] = [];
  for (const [path, methods] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(methods)) {
      const name = `${method.toUpperCase()} ${path}`;
      const base = { op: name, method: method.toUpperCase(), path };
      for (const p of op.parameters ?? []) {
        if (p.in !== 'query') continue;
        const format = p.schema?.format;
        if (format === 'date' || format === 'date-time') {
          fields.push({ ...base, where: 'query', steps: [p.name], format, build: (v) => ({ [p.name]: v }) });
        } else if (DATE_LIKE_NAME.test(p.name) && p.schema?.type === 'string' && !p.schema.enum) {
          untyped.push(`${name} query.${p.name}`);
        }
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) walk(body, [], (v) => v, { ...base, where: 'body' }, fields, untyped);
    }
  }
  return { fields, untyped };
}

function walk(
  schema: Json,
  steps: string[],
  wrap: (inner: unknown) => unknown,
  base: Omit<DateField, 'steps' | 'format' | 'build'>,
  fields: DateField[],
  untyped: string[],
): void {
  for (const branch of schema.oneOf ?? schema.anyOf ?? schema.allOf ?? []) {
    walk(branch, steps, wrap, base, fields, untyped);
  }
  if (schema.type === 'array' && schema.items) {
    walk(schema.items, [...steps, '[]'], (inner) => wrap([inner]), base, fields, untyped);
  }
  if (schema.type !== 'object' || !schema.properties) return;
  // A discriminated branch is reached only with its single-valued enum properties set.
  const pinned = Object.fromEntries(
    Object.entries<Json>(schema.properties)
      .filter(([, s]) => Array.isArray(s.enum) && s.enum.length === 1)
      .map(([k, s]) => [k, s.enum[0]]),
  );
  for (const [key, prop] of Object.entries<Json>(schema.properties)) {
    const at = [...steps, key];
    const format = prop.format;
    const place = (inner: unknown) => wrap({ ...pinned, [key]: inner });
    if (format === 'date' || format === 'date-time') {
      fields.push({ ...base, steps: at, format, build: place });
    } else if (DATE_LIKE_NAME.test(key) && prop.type === 'string' && !prop.enum) {
      untyped.push(`${base.op} body.${at.join('.')}`);
    } else {
      walk(prop, at, place, base, fields, untyped);
    }
  }
}

/** `body.installments.0.trigger.date` for steps installments,[],trigger,date. */
const issuePath = (f: DateField) => [f.where, ...f.steps.map((s) => (s === '[]' ? '0' : s))].join('.');

/** Field issues of an error body, whichever way `details` lists them. */
function issuesOf(body: Json): Array<{ path: string; message: string }> {
  const found: Array<{ path: string; message: string }> = [];
  const visit = (v: unknown, key?: string) => {
    if (Array.isArray(v)) v.forEach((x) => visit(x, key));
    else if (v && typeof v === 'object') {
      const o = v as Json;
      if (typeof o.path === 'string' && typeof o.message === 'string')
        found.push({ path: o.path, message: o.message });
      else for (const [k, x] of Object.entries(o)) visit(x, k);
    } else if (typeof v === 'string' && key && /^(body|query|params)\./.test(key)) {
      found.push({ path: key, message: v });
    }
  };
  visit(body?.error?.details);
  return found;
}

async function send(f: DateField, value: string) {
  const path = `/api/v1${f.path.replace(/\{[^}]+\}/g, () => new Types.ObjectId().toHexString())}`;
  const payload = f.build(value);
  const url =
    f.where === 'query' ? `${path}?${new URLSearchParams(payload as Record<string, string>)}` : path;
  for (const token of tokens) {
    const res = await sys.api.request(f.method, url, {
      token,
      ...(f.where === 'body' ? { body: payload } : {}),
    });
    if (res.status !== 403 && res.status !== 401) return res;
  }
  throw new Error(`${f.op}: no role may call it`);
}

describe('every operation that takes a date', () => {
  let fields: DateField[];
  let untyped: string[];

  beforeAll(async () => {
    const doc = await sys.api.get('/openapi.json');
    ({ fields, untyped } = dateFields(doc.body));
  });

  it('declares each date-like request field with the shared date or instant schema', () => {
    expect(untyped).toEqual([]);
    const listed = new Set(fields.map((f) => `${f.op} ${issuePath(f)}`));
    // The operations the calendar broke first; the walk must keep finding them.
    for (const known of [
      'POST /projects body.plannedStart',
      'POST /projects body.plannedEnd',
      'POST /projects/{id}/milestones body.plannedStart',
      'POST /contracts body.signedDate',
      'POST /contracts body.plan.0.trigger.date',
      'POST /change-requests/{id}/quote body.validUntil',
      'POST /invoices/{id}/fapiao/issue body.issuedDate',
      'GET /receivables query.asOf',
      'POST /opportunities body.expectedCloseDate',
    ]) {
      expect([...listed].filter((l) => l === known)).toEqual([known]);
    }
  });

  it('answers 400 naming the field for a day that does not exist or is out of range', async () => {
    const wrong: string[] = [];
    for (const f of fields) {
      for (const value of f.format === 'date' ? BAD_DAYS : BAD_INSTANTS) {
        const res = await send(f, value);
        const named = issuesOf(res.body).find((i) => i.path === issuePath(f));
        const ok = res.status === 400 && res.body.error.code === 'VALIDATION_FAILED' && named !== undefined;
        const chinese = named !== undefined && /[日时]/.test(named.message) && named.message.includes(value);
        if (!ok || !chinese)
          wrong.push(
            `${f.op} ${issuePath(f)}=${value} → ${res.status} ${JSON.stringify(named ?? res.body).slice(0, 200)}`,
          );
      }
    }
    expect(wrong).toEqual([]);
    expect(fields.length).toBeGreaterThanOrEqual(20);
  });

  it('does not refuse a real date in range', async () => {
    const refused: string[] = [];
    for (const f of fields) {
      const value = f.format === 'date' ? '2027-03-01' : new Date().toISOString();
      const res = await send(f, value);
      const named = issuesOf(res.body).find((i) => i.path === issuePath(f));
      if (res.status >= 500 || named)
        refused.push(`${f.op} ${issuePath(f)} → ${res.status} ${named?.message}`);
    }
    expect(refused).toEqual([]);
  });
});
