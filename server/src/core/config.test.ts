import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('loads the test configuration, typed and frozen', () => {
    const config = loadConfig({ env: { NODE_ENV: 'test' } });
    expect(config.env).toBe('test');
    expect(config.http.port).toBe(3000);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.auth)).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('takes values from the environment over the files', () => {
    const config = loadConfig({
      env: {
        NODE_ENV: 'test',
        PORT: '4100',
        MONGODB_URI: 'mongodb://db.example:27017/x',
        LOG_LEVEL: 'debug',
      },
    });
    expect(config.http.port).toBe(4100);
    expect(config.mongodb.uri).toBe('mongodb://db.example:27017/x');
    expect(config.log.level).toBe('debug');
  });

  it('merges GANTRY_CONFIG_JSON over the files and variables, and refuses one that is not an object', () => {
    const json = JSON.stringify({
      http: { port: 4200 },
      scheduler: { enabled: true, jobs: { 'a.job': { cron: '* * * * * *' } } },
    });
    const config = loadConfig({ env: { NODE_ENV: 'test', PORT: '4100', GANTRY_CONFIG_JSON: json } });
    expect(config.http.port).toBe(4200);
    expect(config.scheduler).toEqual({
      enabled: true,
      timezone: 'Asia/Shanghai',
      jobs: { 'a.job': { cron: '* * * * * *' } },
      leaseMs: 30_000,
      renewMs: 10_000,
    });
    expect(loadConfig({ env: { NODE_ENV: 'test' } }).scheduler.enabled).toBe(false);
    // One late renewal must not lose a lease.
    const tooSlow = JSON.stringify({ scheduler: { leaseMs: 1000, renewMs: 600 } });
    expect(() => loadConfig({ env: { NODE_ENV: 'test', GANTRY_CONFIG_JSON: tooSlow } })).toThrow(
      /scheduler\.renewMs/,
    );
    expect(() => loadConfig({ env: { NODE_ENV: 'test', GANTRY_CONFIG_JSON: '{nope' } })).toThrow(
      /GANTRY_CONFIG_JSON/,
    );
    expect(() => loadConfig({ env: { NODE_ENV: 'test', GANTRY_CONFIG_JSON: '[1]' } })).toThrow(ConfigError);
  });

  it('refuses to start and lists every bad value at once', () => {
    let error: unknown;
    try {
      loadConfig({
        env: { NODE_ENV: 'test', PORT: 'eighty', MONGODB_URI: 'postgres://x', LOG_LEVEL: 'loud' },
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/http\.port/);
    expect(problems).toMatch(/mongodb\.uri/);
    expect(problems).toMatch(/log\.level/);
  });

  it('has no default for secrets outside tests', () => {
    expect(() => loadConfig({ env: { NODE_ENV: 'development' } })).toThrow(/wechat\.appSecret/);
    expect(() => loadConfig({ env: { NODE_ENV: 'production', WECHAT_APP_SECRET: 'x'.repeat(32) } })).toThrow(
      /wechat\.appId/,
    );
  });
});
