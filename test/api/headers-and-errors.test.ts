import http from 'node:http';
import { startTestSystem, type TestSystem } from '../support/system';

let sys: TestSystem;
let admin: string;

beforeAll(async () => {
  sys = await startTestSystem();
  const user = await sys.seed.staff('admin');
  admin = await sys.loginStaff(user.username, user.password);
});
afterAll(async () => {
  await sys?.close();
});

const CJK = /[\u3400-\u9fff]/;
// Words of zod's, http-errors' and mongoose's English messages.
const ENGLISH =
  /\b(expected|received|invalid|required|must|string|number|undefined|object|array|bad request)\b/i;

/** Sends a request with any method (fetch refuses TRACE) and reads the JSON body. */
function raw(
  method: string,
  path: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${sys.baseUrl}${path}`, { method }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text ? JSON.parse(text) : undefined,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('security headers', () => {
  it.each(['/api/v1/client-config', '/', '/docs', '/api/v1/nowhere'])('sets them on %s', async (path) => {
    const res = await sys.api.get(path);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toMatch(/script-src 'self'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('lets the H5 portal call the WeChat bridge the config names, and nothing else', async () => {
    const res = await sys.api.get('/');
    const csp = res.headers.get('content-security-policy') ?? '';
    const connect = csp.split(';').find((d) => d.trim().startsWith('connect-src'));
    expect(connect?.trim()).toBe(`connect-src 'self' ${new URL(sys.sim.url).origin}`);
    // Over plain http (dev, tests) there is no HSTS and no upgrade of requests to https.
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('serves the docs page without inline scripts, so the CSP lets it run', async () => {
    const page = await sys.api.get('/docs');
    expect(page.body).not.toMatch(/<script>/);
    const init = await fetch(`${sys.baseUrl}/docs/init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('SwaggerUIBundle');
  });
});

describe('JSON error bodies for unknown routes and methods', () => {
  it('answers an unknown route with 404 JSON, for GET and HEAD', async () => {
    const get = await sys.api.get('/api/v1/nowhere');
    expect(get.status).toBe(404);
    expect(get.body.error).toEqual({ code: 'ROUTE_NOT_FOUND', message: expect.stringMatching(CJK) });
    const head = await sys.api.request('HEAD', '/api/v1/nowhere');
    expect(head.status).toBe(404);
    expect(head.headers.get('content-type')).toMatch(/application\/json/);
  });

  it.each([
    ['GET', '/api/v1/auth/staff/login', 'POST'],
    ['HEAD', '/api/v1/auth/staff/login', 'POST'],
    ['DELETE', '/api/v1/client-config', 'GET'],
    ['POST', '/healthz', 'GET'],
    ['PUT', '/openapi.json', 'GET'],
  ])('answers %s %s with 405, Allow and a JSON body', async (method, path, allowed) => {
    const res = await sys.api.request(method, path);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain(allowed);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    if (method !== 'HEAD') {
      expect(res.body.error.code).toBe('METHOD_NOT_ALLOWED');
      expect(res.body.error.message).toMatch(CJK);
      expect(res.body.error.details.allow).toContain(allowed);
    }
  });

  it.each([
    ['PROPFIND', '/api/v1/me'],
    ['TRACE', '/'],
    ['PROPFIND', '/nowhere'],
    ['MKCOL', '/api/v1/customers'],
  ])('answers %s %s with 501 and a JSON body', async (method, path) => {
    const res = await raw(method, path);
    expect(res.status).toBe(501);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.error).toEqual({ code: 'NOT_IMPLEMENTED', message: expect.stringMatching(CJK) });
  });
});

describe('validation details are Chinese', () => {
  const id = '0123456789abcdef01234567';
  // Every row has all four cells: jest reads a test function with more parameters than cells as callback-style.
  const battery: Array<[string, string, unknown, Record<string, string>]> = [
    ['POST', '/api/v1/auth/staff/login', { username: 42, password: ['x'], admin: true }, {}],
    ['POST', '/api/v1/auth/wechat/login', { code: null }, {}],
    ['POST', '/api/v1/auth/staff/login', {}, {}],
    [
      'POST',
      '/api/v1/customers',
      {
        name: '',
        type: 'alien',
        phone: 12345,
        contacts: 'none',
        tags: [1, 2],
        creditDays: -3.5,
        creditLimit: 'lots',
        ownerId: 'nobody',
        extra: 1,
      },
      {},
    ],
    ['POST', '/api/v1/customers', { name: 'x'.repeat(500), type: 'private_company', source: 'referral' }, {}],
    ['GET', '/api/v1/customers?limit=0&cursor=%21%21', undefined, {}],
    ['GET', '/api/v1/customers?limit=abc&tier=gold', undefined, {}],
    ['GET', '/api/v1/customers/not-an-id', undefined, {}],
    [
      'POST',
      '/api/v1/projects',
      { name: 1, customerId: 'x', plannedStart: '2024-02-30', plannedEnd: 'soon' },
      {},
    ],
    [
      'POST',
      '/api/v1/opportunities',
      { customerId: id, title: '', expectedAmount: 1.5, expectedCloseDate: 'x' },
      {},
    ],
    ['POST', '/api/v1/contracts', { customerId: id, amount: -1, installments: 'all' }, {}],
    ['PUT', `/api/v1/projects/${id}/contract-amount`, { amount: 'many' }, {}],
    ['PATCH', `/api/v1/customers/${id}`, { phone: 'abc', creditLimit: 1e20, contacts: [{}] }, {}],
  ];

  it.each(battery)('%s %s answers every bad field in Chinese', async (method, path, body, headers) => {
    const res = await sys.api.request(method, path, { token: admin, body, headers });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(CJK);
    const fields: Array<{ path: string; message: string }> = res.body.error.details.fields;
    expect(fields.length).toBeGreaterThan(0);
    for (const field of fields) {
      expect(Object.keys(field).sort()).toEqual(['message', 'path']);
      expect(field.path).toMatch(/^(body|query|params|headers)(\.|$)/);
      expect({ path: field.path, message: field.message }).toEqual({
        path: field.path,
        message: expect.stringMatching(CJK),
      });
      expect({ path: field.path, message: field.message }).not.toEqual({
        path: field.path,
        message: expect.stringMatching(ENGLISH),
      });
    }
  });

  it('names what a field should be in words a user reads', async () => {
    const res = await sys.api.post('/api/v1/auth/staff/login', { username: 42, admin: true });
    expect(res.body.error.details.fields).toEqual(
      expect.arrayContaining([
        { path: 'body.username', message: '应为文本' },
        { path: 'body.password', message: '必填' },
        { path: 'body.admin', message: '不允许的字段' },
      ]),
    );
  });
});
