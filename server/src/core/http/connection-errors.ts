/**
 * Errors that mean "MongoDB or Redis cannot be reached right now" (refused, cut, silent past its
 * timeout), as opposed to a bad query or a bug. They answer 503 with Retry-After, not 500.
 */
const MONGO_UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoOperationTimeoutError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoPoolClosedError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
]);

// ioredis rejects with plain Errors whose message is the only sign of the cause.
const REDIS_UNREACHABLE =
  /^(Command timed out|Connection is closed\.|Stream isn't writeable and enableOfflineQueue options is false|Reached the max retries per request limit)/;

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

export function isConnectionError(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 3) return false;
  const e = err as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
  if (typeof e.name === 'string' && MONGO_UNREACHABLE.has(e.name)) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  if (typeof e.message === 'string' && REDIS_UNREACHABLE.test(e.message)) return true;
  if (typeof e.code === 'string' && SOCKET_CODES.has(e.code)) return true;
  return isConnectionError(e.cause, depth + 1);
}
