import Taro from '@tarojs/taro';
import type { ErrorBody, ErrorCode } from '@gantry/shared';
// Deep import: the package index would pull zod into the bundle for one constant table.
import { ERROR_CODES } from '@gantry/shared/src/errors';
import { platform } from '../platform';
import { clearSession, getToken } from '../store/session';
import { ROUTES } from '../routes';
import { ApiError } from './api-error';

/** Same origin in the browser (the API serves the H5 build); an absolute URL in the mini-program. */
export const API_BASE =
  process.env.TARO_ENV === 'h5'
    ? '/api/v1'
    : (process.env.TARO_APP_API_BASE ?? 'http://127.0.0.1:3000/api/v1');

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Show the error as a toast (default). Pages that show it inline may turn this off. */
  toast?: boolean;
  /** Extra request headers (e.g. `Idempotency-Key` on a payment). */
  headers?: Record<string, string>;
}

const SESSION_ENDING_CODES: ReadonlySet<string> = new Set<ErrorCode>(['TOKEN_INVALID', 'UNAUTHENTICATED']);

function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = Object.entries(query ?? {})
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return `${API_BASE}${path}${params.length ? `?${params.join('&')}` : ''}`;
}

function toApiError(status: number, data: unknown): ApiError {
  const error = (data as Partial<ErrorBody> | null)?.error;
  if (error && typeof error.code === 'string') {
    const fallback = (ERROR_CODES as Record<string, { message: string }>)[error.code]?.message;
    return new ApiError(status, error.code, error.message || fallback || '请求失败', error.details);
  }
  return new ApiError(status, 'BAD_RESPONSE', `服务器异常（${status}）`);
}

async function endSession(): Promise<void> {
  clearSession();
  await platform.reLaunch(ROUTES.login).catch(() => undefined);
}

/** The one function that talks to the API. Resolves with the parsed body or throws `ApiError`. */
export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const token = getToken();
  const header: Record<string, string> = { ...options.headers, 'Content-Type': 'application/json' };
  if (token) header.Authorization = `Bearer ${token}`;

  let response: Taro.request.SuccessCallbackResult<TaroGeneral.IAnyObject | string>;
  try {
    response = await Taro.request<TaroGeneral.IAnyObject | string>({
      url: buildUrl(path, options.query),
      method,
      header,
      data: options.body === undefined ? undefined : JSON.stringify(options.body),
      dataType: 'json',
    });
  } catch {
    const error = new ApiError(0, 'NETWORK_ERROR', '网络连接失败，请检查网络后重试');
    if (options.toast !== false) platform.toast(error.message);
    throw error;
  }

  if (response.statusCode >= 200 && response.statusCode < 300) {
    return (response.statusCode === 204 ? undefined : response.data) as T;
  }
  const error = toApiError(response.statusCode, response.data);
  if (options.toast !== false) platform.toast(error.message);
  if (response.statusCode === 401 && SESSION_ENDING_CODES.has(error.code)) await endSession();
  if (error.code === 'PASSWORD_CHANGE_REQUIRED') await requirePasswordChange();
  throw error;
}

/** A session with an admin-set password (e.g. one kept from before a reload) can only change it. */
async function requirePasswordChange(): Promise<void> {
  await platform.reLaunch(ROUTES.changePassword).catch(() => undefined);
}

/**
 * A multipart upload of one local file (`platform.uploadFile`), answered and failing like `request`.
 * The body is JSON text: `wx.uploadFile` hands it over unparsed.
 */
export async function upload<T>(
  path: string,
  filePath: string,
  formData: Record<string, string>,
  options: Pick<RequestOptions, 'toast'> = {},
): Promise<T> {
  const token = getToken();
  const header: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  let response: { statusCode: number; data: string };
  try {
    response = await platform.uploadFile({ url: buildUrl(path), filePath, name: 'file', formData, header });
  } catch {
    const error = new ApiError(0, 'NETWORK_ERROR', '上传失败，请检查网络后重试');
    if (options.toast !== false) platform.toast(error.message);
    throw error;
  }
  let data: unknown = null;
  try {
    data = response.data ? JSON.parse(response.data) : null;
  } catch {
    // Not JSON (a proxy's error page): reported below by status.
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return data as T;
  const error = toApiError(response.statusCode, data);
  if (options.toast !== false) platform.toast(error.message);
  if (response.statusCode === 401 && SESSION_ENDING_CODES.has(error.code)) await endSession();
  throw error;
}

export const http = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('DELETE', path, options),
  upload,
};
