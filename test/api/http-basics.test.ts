import { startTestSystem, type TestSystem } from '../support/system';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.close();
});

describe('bad input and unknown routes', () => {
  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await sys.api.request('POST', '/api/v1/auth/staff/login', {
      rawBody: '{"username": "a",',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MALFORMED_JSON');
  });

  it('answers a body over the limit with 400 PAYLOAD_TOO_LARGE', async () => {
    const res = await sys.api.post('/api/v1/auth/staff/login', {
      username: 'a',
      password: 'x'.repeat(1024 * 1024 + 10),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.error.details.limit).toBe(sys.config.http.jsonLimit);
  });

  it('refuses a non-JSON body with 415', async () => {
    const res = await sys.api.request('POST', '/api/v1/auth/staff/login', {
      rawBody: 'username=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('names unknown fields and wrong types', async () => {
    const res = await sys.api.post('/api/v1/auth/staff/login', { username: 42, password: 'x', admin: true });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toEqual(
      expect.arrayContaining([
        { path: 'body.username', message: '应为文本' },
        { path: 'body.admin', message: '不允许的字段' },
      ]),
    );
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await sys.api.get('/api/v1/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('keeps an incoming request id and makes one otherwise', async () => {
    const kept = await sys.api.request('GET', '/healthz', { headers: { 'x-request-id': 'req-12345678' } });
    expect(kept.headers.get('x-request-id')).toBe('req-12345678');
    const made = await sys.api.get('/healthz');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('health, docs and client config', () => {
  it('reports liveness and readiness with both services up', async () => {
    expect((await sys.api.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await sys.api.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: 'up', redis: 'up' });
  });

  it('serves an OpenAPI 3 document generated from the zod schemas, and a docs page', async () => {
    const doc = await sys.api.get('/openapi.json');
    expect(doc.body.openapi).toMatch(/^3\./);
    const login = doc.body.paths['/auth/staff/login'].post;
    const schema = login.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['username', 'password']));
    expect(schema.additionalProperties).toBe(false);
    expect(doc.body.paths['/customers/{id}/invites'].post.parameters[0]).toMatchObject({
      name: 'id',
      in: 'path',
    });
    expect(doc.body.paths['/me'].get.security).toEqual([{ bearer: [] }]);
    const page = await sys.api.get('/docs');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).toContain('/openapi.json');
    const asset = await fetch(`${sys.baseUrl}/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
  });

  it('tells the client where the WeChat bridge is', async () => {
    const res = await sys.api.get('/api/v1/client-config');
    expect(res.body).toEqual({ appName: sys.config.appName, h5WechatBridgeUrl: sys.sim.url });
  });
});

describe('upstream failures', () => {
  it('turns a WeChat outage into 502 UPSTREAM_UNAVAILABLE and creates no account', async () => {
    sys.sim.injectFault({ endpoint: 'jscode2session', errcode: -1, times: 1 });
    const res = await sys.api.post('/api/v1/auth/wechat/login', { code: sys.sim.issueLoginCode('o_outage') });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await sys.server.container.models.portalAccounts.countDocuments({ openid: 'o_outage' })).toBe(0);
  });
});
