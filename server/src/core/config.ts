import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { notificationsConfigSchema, parseRobotKeys } from '../modules/notifications/notifications.config';
import { projectsConfigSchema } from '../modules/projects/milestone-templates';
import { filesConfigSchema } from './files/files.config';
import { feedbackConfigSchema } from '../modules/feedback/escalation.config';
import { contractsConfigSchema } from '../modules/contracts/contracts.config';
import { overdueConfigSchema } from '../modules/contracts/overdue.config';
import { insightsConfigSchema } from '../modules/insights/insights.config';
import { paymentsConfigSchema } from '../modules/payments/payments.config';
import { signInConfigSchema } from '../modules/auth/auth.config';
import { DEFAULT_DATABASE_TIMEOUTS } from './db';
import { DEFAULT_REDIS_TIMEOUTS } from './redis';

/**
 * Configuration is read once, from config/default.json, config/<NODE_ENV>.json and the environment,
 * validated, and frozen. Nothing else in the server reads process.env.
 */
/** The checkout root: the folder holding config/default.json, above this file (source) or the bundle (dist). */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'config', 'default.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '../../..');
  }
}
const REPO_ROOT = findRepoRoot(__dirname);

const limiterSchema = z.object({
  points: z.number().int().positive(),
  durationSeconds: z.number().int().positive(),
});

const configSchema = z.object({
  env: z.enum(['development', 'test', 'production']),
  appName: z.string().min(1),
  http: z.object({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    publicUrl: z.url(),
    jsonLimit: z.string().regex(/^\d+(kb|mb)$/),
    trustProxy: z.boolean(),
    shutdownGraceMs: z.number().int().positive(),
    /** Bound of each check behind /readyz. */
    readyTimeoutMs: z.number().int().positive().default(750),
    /** Retry-After of a 503 when MongoDB or Redis cannot be reached. */
    unavailableRetryAfterSeconds: z.number().int().positive().default(5),
    /** Node's limit on receiving a whole request (headers and body); past it Node answers 408 and closes. */
    requestTimeoutMs: z.number().int().min(1000).default(30_000),
    /** Our body readers (uploads) answer 408 when no byte of the body arrived for this long. */
    bodyIdleTimeoutMs: z.number().int().min(100).default(15_000),
  }),
  mongodb: z.object({
    uri: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URI'),
    serverSelectionTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_DATABASE_TIMEOUTS.serverSelectionTimeoutMs),
    connectTimeoutMs: z.number().int().positive().default(DEFAULT_DATABASE_TIMEOUTS.connectTimeoutMs),
    socketTimeoutMs: z.number().int().nonnegative().default(DEFAULT_DATABASE_TIMEOUTS.socketTimeoutMs),
    heartbeatFrequencyMs: z.number().int().min(500).default(DEFAULT_DATABASE_TIMEOUTS.heartbeatFrequencyMs),
  }),
  redis: z.object({
    url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URI'),
    keyPrefix: z.string(),
    connectTimeoutMs: z.number().int().positive().default(DEFAULT_REDIS_TIMEOUTS.connectTimeoutMs),
    commandTimeoutMs: z.number().int().positive().default(DEFAULT_REDIS_TIMEOUTS.commandTimeoutMs),
  }),
  log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) }),
  auth: z.object({
    staffTokenTtlSeconds: z.number().int().positive(),
    portalTokenTtlSeconds: z.number().int().positive(),
    signIn: signInConfigSchema,
    inviteTtlSeconds: z.number().int().positive(),
  }),
  rateLimit: z.object({ perIp: limiterSchema, perAccount: limiterSchema, login: limiterSchema }),
  wechat: z.object({
    appId: z
      .string({ error: 'required: set WECHAT_APP_ID' })
      .regex(/^wx[0-9a-zA-Z]{8,}$/, 'must be a mini-program AppID (wx…)'),
    appSecret: z
      .string({ error: 'required: set WECHAT_APP_SECRET or WECHAT_APP_SECRET_FILE' })
      .min(8, 'too short for a WeChat AppSecret'),
    apiBaseUrl: z.url(),
    wecomBaseUrl: z.url(),
    requestTimeoutMs: z.number().int().positive().default(5000),
  }),
  h5: z.object({ staticDir: z.string(), wechatBridgeUrl: z.url().nullable() }),
  files: filesConfigSchema,
  notifications: notificationsConfigSchema,
  feedback: feedbackConfigSchema,
  contracts: contractsConfigSchema,
  overdue: overdueConfigSchema,
  insights: insightsConfigSchema,
  payments: paymentsConfigSchema,
  projects: projectsConfigSchema,
  scheduler: z
    .object({
      enabled: z.boolean().default(true),
      timezone: z.string().min(1).default('Asia/Shanghai'),
      /** Per-job overrides by job name: another cron, or off. */
      jobs: z
        .record(z.string(), z.object({ cron: z.string().min(1).optional(), enabled: z.boolean().optional() }))
        .default({}),
      /** How long a run's lease outlives its holder's last renewal: a dead instance blocks a job this long. */
      leaseMs: z.number().int().min(100).default(30_000),
      /** How often the holder renews the lease, and how often every instance looks for dead holders' runs. */
      renewMs: z.number().int().min(50).default(10_000),
    })
    .refine((s) => s.renewMs * 2 <= s.leaseMs, {
      message: 'renewMs must be at most half of leaseMs (one late renewal must not lose the lease)',
      path: ['renewMs'],
    }),
});

export type AppConfig = z.infer<typeof configSchema>;
type Env = Record<string, string | undefined>;
type PlainObject = Record<string, unknown>;

function isPlainObject(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(base: PlainObject, over: PlainObject): PlainObject {
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

function readJson(file: string): PlainObject {
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PlainObject;
}

/** A secret comes from VAR, or from the file named by VAR_FILE (Docker/K8s secrets). */
function secretFrom(env: Env, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) return fs.readFileSync(file, 'utf8').trim();
  return env[name];
}

/** A PEM named by a *_FILE variable (merchant key and certificates are files, never inline values). */
const fileText = (file: string | undefined) => (file ? fs.readFileSync(file, 'utf8') : undefined);
const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));

/** Environment variables and where they land. Every one is documented in README.md. */
function fromEnv(env: Env): PlainObject {
  const wecomKeys = secretFrom(env, 'WECOM_ROBOT_KEYS');
  const entries: Array<[string[], unknown]> = [
    [['http', 'host'], env.HOST],
    [['http', 'port'], num(env.PORT)],
    [['http', 'publicUrl'], env.PUBLIC_URL],
    [['mongodb', 'uri'], env.MONGODB_URI],
    [['redis', 'url'], env.REDIS_URL],
    [['redis', 'keyPrefix'], env.REDIS_KEY_PREFIX],
    [['log', 'level'], env.LOG_LEVEL],
    [['wechat', 'appId'], env.WECHAT_APP_ID],
    [['wechat', 'appSecret'], secretFrom(env, 'WECHAT_APP_SECRET')],
    [['wechat', 'apiBaseUrl'], env.WECHAT_API_BASE_URL],
    [['wechat', 'wecomBaseUrl'], env.WECOM_BASE_URL],
    [['h5', 'wechatBridgeUrl'], env.H5_WECHAT_BRIDGE_URL],
    [['notifications', 'wecom', 'robots'], wecomKeys ? parseRobotKeys(wecomKeys) : undefined],
    [['files', 'dataDir'], env.DATA_DIR ? path.join(env.DATA_DIR, 'files') : undefined],
    [['files', 'signingSecret'], secretFrom(env, 'FILES_SIGNING_SECRET')],
    [['payments', 'wechatPay', 'mchId'], env.WECHAT_PAY_MCH_ID],
    [['payments', 'wechatPay', 'apiV3Key'], secretFrom(env, 'WECHAT_PAY_API_V3_KEY')],
    [['payments', 'wechatPay', 'privateKeyPem'], fileText(env.WECHAT_PAY_PRIVATE_KEY_FILE)],
    [['payments', 'wechatPay', 'certPem'], fileText(env.WECHAT_PAY_CERT_FILE)],
    [['payments', 'wechatPay', 'certSerial'], env.WECHAT_PAY_CERT_SERIAL],
    [['payments', 'wechatPay', 'platformPublicKeyId'], env.WECHAT_PAY_PUBLIC_KEY_ID],
    [['payments', 'wechatPay', 'platformPublicKeyPem'], fileText(env.WECHAT_PAY_PUBLIC_KEY_FILE)],
    [['payments', 'wechatPay', 'baseUrl'], env.WECHAT_PAY_BASE_URL],
  ];
  let out: PlainObject = {};
  for (const [keys, value] of entries) {
    if (value === undefined) continue;
    const patch = keys.reduceRight<unknown>((acc, k) => ({ [k]: acc }), value) as PlainObject;
    out = deepMerge(out, patch);
  }
  return out;
}

/** GANTRY_CONFIG_JSON: a JSON object merged over everything else (child processes in tests, one-off tweaks). */
function fromJsonEnv(text: string | undefined): PlainObject {
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(['GANTRY_CONFIG_JSON: not valid JSON']);
  }
  if (!isPlainObject(value)) throw new ConfigError(['GANTRY_CONFIG_JSON: must be a JSON object']);
  return value;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function deepFreeze<T>(value: T): T {
  if (isPlainObject(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

export interface LoadConfigOptions {
  env?: Env;
  /** Applied last; tests use it for per-file database names and ports. */
  overrides?: PlainObject;
  configDir?: string;
}

export function loadConfig(options: LoadConfigOptions = {}): Readonly<AppConfig> {
  const env = options.env ?? process.env;
  const name = env.NODE_ENV ?? 'development';
  const dir = options.configDir ?? path.join(REPO_ROOT, 'config');
  let merged = deepMerge(readJson(path.join(dir, 'default.json')), readJson(path.join(dir, `${name}.json`)));
  merged = deepMerge(merged, { env: name });
  merged = deepMerge(merged, fromEnv(env));
  merged = deepMerge(merged, fromJsonEnv(env.GANTRY_CONFIG_JSON));
  if (options.overrides) merged = deepMerge(merged, options.overrides);
  delete merged.services; // ports of the embedded services: read by scripts/, not the server

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const config = parsed.data;
  if (!path.isAbsolute(config.h5.staticDir)) config.h5.staticDir = path.join(REPO_ROOT, config.h5.staticDir);
  if (!path.isAbsolute(config.files.dataDir))
    config.files.dataDir = path.join(REPO_ROOT, config.files.dataDir);
  return deepFreeze(config);
}

/** For process entry points: the configuration, or a list of every problem on stderr and exit 78 (EX_CONFIG). */
export function loadConfigOrExit(what: string): Readonly<AppConfig> {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n${what} refuses to start. See README.md, "Configuration".\n`);
    process.exit(78);
  }
}
