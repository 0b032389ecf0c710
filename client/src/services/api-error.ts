import type { ErrorCode } from '@gantry/shared';

/** Codes the client itself produces when no server answer is available. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE';

/** An API call that failed; `message` is the Chinese text fit to show to the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
