import { ERROR_CODES, type ErrorCode } from '@gantry/shared';

/** Server-side failures whose message is ours and safe to show (they say what to do: wait, retry). */
const EXPOSED_5XX: ReadonlySet<ErrorCode> = new Set([
  'UPSTREAM_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'NOT_IMPLEMENTED',
]);

/**
 * The one error model. `expose` is false only for internal errors, whose message never reaches a
 * client. The HTTP status comes from the code's row in shared ERROR_CODES, the single status table.
 */
export class AppError extends Error {
  readonly status: number;
  readonly expose: boolean;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.name = new.target.name;
    this.status = ERROR_CODES[code].status;
    this.expose = this.status < 500 || EXPOSED_5XX.has(code);
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(issues: FieldIssue[], message = '请求参数有误') {
    super('VALIDATION_FAILED', message, { fields: issues });
  }
}

export class NotFoundError extends AppError {
  constructor(message?: string) {
    super('NOT_FOUND', message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(
    code:
      'UNAUTHENTICATED' | 'TOKEN_INVALID' | 'INVALID_CREDENTIALS' | 'WECHAT_CODE_INVALID' = 'UNAUTHENTICATED',
    message?: string,
  ) {
    super(code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message?: string) {
    super('FORBIDDEN', message);
  }
}

export class ConflictError extends AppError {
  constructor(
    code: 'CONFLICT' | 'DUPLICATE' | 'INVITE_USED' | 'ALREADY_BOUND' = 'CONFLICT',
    message?: string,
    details?: unknown,
  ) {
    super(code, message, details);
  }
}

export class RateLimitError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    code: 'RATE_LIMITED' | 'SIGN_IN_THROTTLED' = 'RATE_LIMITED',
    message?: string,
  ) {
    super(code, message, { retryAfterSeconds });
  }
}

/** MongoDB or Redis cannot be reached: the client should come back after `retryAfterSeconds`. */
export class ServiceUnavailableError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = '服务暂时不可用（数据库或缓存无法连接），请稍后重试',
  ) {
    super('SERVICE_UNAVAILABLE', message);
  }
}

export class UpstreamError extends AppError {
  constructor(message: string, details?: unknown) {
    super('UPSTREAM_UNAVAILABLE', message, details);
  }
}

/** MongoDB duplicate key (E11000) → our DUPLICATE conflict. The only place that knows the code. */
export function isDuplicateKeyError(
  err: unknown,
): err is { code: 11000; keyValue?: Record<string, unknown> } {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

export function toDuplicateError(err: unknown, message = '记录已存在'): AppError | undefined {
  if (!isDuplicateKeyError(err)) return undefined;
  return new ConflictError('DUPLICATE', message, { fields: Object.keys(err.keyValue ?? {}) });
}
