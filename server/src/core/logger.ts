import pino, { type Logger } from 'pino';

export type { Logger };

/** 13812345678 → 138****5678. Phone numbers never reach the logs whole. */
export function maskPhone(value: string): string {
  return value.replace(/(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, '$1****$2');
}

const SECRET_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  '*.appSecret',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.session_key',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: SECRET_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // A last guard for phone numbers that slip into messages or fields.
        logMethod(args, method) {
          const masked = args.map((a) =>
            typeof a === 'string' ? maskPhone(a) : a && typeof a === 'object' ? maskObject(a) : a,
          );
          return method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

function maskObject(value: object): object {
  const json = JSON.stringify(value, (_k, v: unknown) =>
    v instanceof Error ? { message: v.message, stack: v.stack } : v,
  );
  if (json === undefined || !/1[3-9]\d{9}/.test(json)) return value;
  return JSON.parse(maskPhone(json)) as object;
}
