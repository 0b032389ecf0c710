import { scopeWorld, type Actor, type ScopeWorld } from '../support/scope-world';

/**
 * A query filter narrows what an actor may list, it never replaces it. Driven by /openapi.json:
 * every GET whose answer is a list (an array, or a page with `items`), and every GET with an id
 * filter, is called by every kind of actor, once unfiltered and once per query parameter naming a record (`…Id`) with each record of
 * that kind the actor may not read. "May not read" is what the record's own detail endpoint
 * answers the actor; a list answer that mentions such a record anywhere has leaked it. A new list
 * with an id parameter this file cannot fill fails here until the world seeds that kind.
 */

interface Op {
  path: string;
  pathParams: string[];
  idParams: string[];
  cursor: boolean;
  /** Query strings that fill the required parameters: one per value of a required enum. */
  required: string[];
}

const LAST_CURSOR = 'ffffffffffffffffffffffff';

type Json = Record<string, any>;

/** Query parameters that name a staff account rather than a record with a detail endpoint. */
const USER_PARAM = /^(owner|author|assignee|user|pm|engineer|manager|handler)Id$/;

let world: ScopeWorld;
let doc: Json;

beforeAll(async () => {
  world = await scopeWorld();
  doc = (await world.sys.api.get('/openapi.json')).body;
}, 120_000);
afterAll(() => world?.sys.close());

function deref(schema: Json | undefined): Json | undefined {
  if (!schema?.$ref) return schema;
  return deref(doc.components.schemas[String(schema.$ref).split('/').pop()!]);
}

function isList(schema: Json | undefined): boolean {
  const s = deref(schema);
  if (!s) return false;
  if (s.type === 'array') return true;
  if (s.allOf) return s.allOf.some(isList);
  return deref(s.properties?.items)?.type === 'array';
}

/** Every GET answering a list, and every other GET (funnel, health report) that takes an id filter. */
function listOperations(): Op[] {
  const ops: Op[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    const get = item.get;
    if (!get) continue;
    const schema = get.responses?.['200']?.content?.['application/json']?.schema;
    const params: Json[] = get.parameters ?? [];
    const idParams = params.filter((p) => p.in === 'query' && /Id$/.test(p.name)).map((p) => p.name);
    if (!isList(schema) && idParams.length === 0) continue;
    ops.push({
      path,
      pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
      idParams,
      cursor: params.some((p) => p.in === 'query' && p.name === 'cursor'),
      required: requiredQueries(
        path,
        params.filter((p) => p.in === 'query' && p.required),
      ),
    });
  }
  return ops;
}

function requiredQueries(path: string, required: Json[]): string[] {
  let queries = [''];
  for (const p of required) {
    const values: unknown[] | undefined = deref(p.schema)?.enum;
    if (!values) throw new Error(`GET ${path}: cannot fill the required query parameter ${p.name}`);
    queries = queries.flatMap((q) => values.map((v) => `${q}&${p.name}=${String(v)}`));
  }
  return queries;
}

/** `projectId` → `/projects/{id}`, `changeRequestId` → `/change-requests/{id}`. */
function detailPath(kind: string): string {
  const stem = kind.replace(/Id$/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return `/${stem.endsWith('y') ? `${stem.slice(0, -1)}ies` : `${stem}s`}/{id}`;
}

/** `/projects/{id}/files` → `projectId`: the kind of record a path parameter names. */
function pathKind(path: string, param: string): string | undefined {
  const m = new RegExp(`/([a-z-]+)/\\{${param}\\}`).exec(path);
  if (!m) return undefined;
  const stem = m[1]!.endsWith('ies') ? `${m[1]!.slice(0, -3)}y` : m[1]!.replace(/s$/, '');
  return `${stem.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}Id`;
}

function actors(): Array<[string, Actor]> {
  const { a, b } = world;
  return [
    ['customer', a.customer],
    ['other customer', b.customer],
    ['sales', a.sales],
    ['other sales', b.sales],
    ['PM of A', a.pm],
    ['PM on no project', world.pmNone],
    ['engineer', a.engineer],
    ['finance', world.finance],
    ['service', world.service],
  ];
}

const allRecords = (kind: string) => [...(world.a.records[kind] ?? []), ...(world.b.records[kind] ?? [])];

interface Foreign {
  /** Records the actor's detail endpoint refuses, by kind: no list may have one as an item. */
  byKind: Map<string, string[]>;
  refused: Set<string>;
  /** Every id of a side the actor may read nothing of: no list answer may mention one. */
  sideIds: Set<string>;
}

async function foreignOf(actor: Actor): Promise<Foreign> {
  const byKind = new Map<string, string[]>();
  const readable = new Set<string>();
  for (const kind of Object.keys(world.a.records)) {
    const detail = detailPath(kind);
    if (!doc.paths[detail]?.get) throw new Error(`${kind}: no GET ${detail} to ask who may read it`);
    const refused: string[] = [];
    for (const id of allRecords(kind)) {
      const res = await world.sys.api.get(`/api/v1${detail.replace('{id}', id)}`, actor.token);
      if (res.status === 200) readable.add(id);
      else refused.push(id);
    }
    byKind.set(kind, refused);
  }
  const sideIds = new Set<string>();
  for (const side of [world.a, world.b]) {
    const ids = Object.values(side.records).flat();
    if (!ids.some((id) => readable.has(id))) ids.forEach((id) => sideIds.add(id));
  }
  return { byKind, refused: new Set([...byKind.values()].flat()), sideIds };
}

/** The ids of the records a list answer lists (top-level array or a page's `items`). */
function itemIds(body: unknown): string[] {
  const items = Array.isArray(body) ? body : ((body as Json)?.items ?? []);
  return Array.isArray(items) ? items.map((i: Json) => String(i?.id ?? i?._id)) : [];
}

function leakedIn(body: unknown, foreign: Foreign): string[] {
  const mentioned = [...stringsIn(body)].filter((s) => foreign.sideIds.has(s));
  const listed = itemIds(body).filter((id) => foreign.refused.has(id));
  return [...new Set([...mentioned, ...listed])];
}

function stringsIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringsIn(v, out));
  return out;
}

/** Values to try for a query parameter: the actor's foreign records of its kind, or other staff. */
function candidates(param: string, foreign: Foreign, actor: Actor): string[] | undefined {
  if (USER_PARAM.test(param))
    return [world.a, world.b].filter((side) => !side.staffIds.includes(actor.id)).flatMap((s) => s.staffIds);
  return foreign.byKind.get(param);
}

/** Path fillings: every seeded record of the kind (readable ones make the query filter matter). */
function pathFillings(op: Op): string[] {
  let urls = [op.path];
  for (const param of op.pathParams) {
    const kind = pathKind(op.path, param);
    const ids = kind && allRecords(kind).length > 0 ? allRecords(kind) : ['0123456789abcdef01234567'];
    urls = urls.flatMap((u) => ids.map((id) => u.replace(`{${param}}`, id)));
  }
  return urls;
}

/** Every list call the actor makes: unfiltered, past the last cursor, and with each foreign id. */
async function probe(name: string, actor: Actor, ops: Op[]) {
  const foreign = await foreignOf(actor);
  const leaks: string[] = [];
  const unfillable: string[] = [];
  for (const op of ops) {
    // The cursor is a query parameter too: the page after the newest possible id is the first page,
    // so with a cursor parameter that call stands for the unfiltered one as well.
    const filters = [op.cursor ? `&cursor=${LAST_CURSOR}` : ''];
    for (const param of op.idParams) {
      const values = candidates(param, foreign, actor);
      if (!values) unfillable.push(`GET ${op.path}?${param}`);
      for (const v of values ?? []) filters.push(`&${param}=${v}`);
    }
    const queries = op.required.flatMap((r) => filters.map((f) => `?${`${r}${f}`.slice(1)}`));
    for (const base of pathFillings(op)) {
      for (const q of queries) {
        const res = await world.sys.api.get(`/api/v1${base}${q === '?' ? '' : q}`, actor.token);
        if (res.status !== 200) continue;
        const leaked = leakedIn(res.body, foreign);
        if (leaked.length > 0) leaks.push(`${name}: GET ${base}${q} → ${leaked.join(', ')}`);
      }
    }
  }
  return { leaks, unfillable };
}

it('no list answers any actor with a record it may not read, whatever the id filters say', async () => {
  const ops = listOperations();
  expect(ops.map((o) => o.path)).toEqual(expect.arrayContaining(['/invoices', '/contracts', '/projects']));
  const results = await Promise.all(actors().map(([name, actor]) => probe(name, actor, ops)));
  expect([...new Set(results.flatMap((r) => r.unfillable))]).toEqual([]);
  expect(results.flatMap((r) => r.leaks)).toEqual([]);
}, 120_000);

it('the filters do find the records for an actor who may read them (the check above is not vacuous)', async () => {
  const { b, admin } = world;
  const get = (path: string) => world.sys.api.get(`/api/v1${path}`, admin.token);
  const ids = (res: { body: Json }) => [...stringsIn(res.body)];
  expect(ids(await get(`/invoices?customerId=${b.customer.id}`))).toContain(b.records.invoiceId![0]);
  expect(ids(await get(`/contracts?customerId=${b.customer.id}`))).toContain(b.records.contractId![0]);
  expect(ids(await get(`/projects?customerId=${b.customer.id}`))).toContain(b.records.projectId![0]);
  expect(ids(await get(`/invoices?projectId=${b.records.projectId![0]}`))).toContain(b.records.invoiceId![0]);
});
