import mongoose, { type Connection, type Model, type Schema } from 'mongoose';

export interface DatabaseTimeouts {
  /** How long an operation waits for a reachable server before it fails. */
  serverSelectionTimeoutMs: number;
  /** TCP connect and handshake of a new connection, and the bound of each heartbeat. */
  connectTimeoutMs: number;
  /** How often the driver checks the server: a server that went silent is noticed within this plus connectTimeoutMs. */
  heartbeatFrequencyMs: number;
  /** Backstop for a connection in use that stays silent although heartbeats answer. */
  socketTimeoutMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  serverSelectionTimeoutMs: 1500,
  connectTimeoutMs: 1000,
  heartbeatFrequencyMs: 1000,
  socketTimeoutMs: 30_000,
};

/**
 * One mongoose connection per app instance (not the global default), so that tests can run an
 * app per database and two apps can live in one process.
 *
 * A lost database must fail a request within about two seconds. Commands are not buffered
 * (mongoose would hold them while disconnected and fail them only after its 10-second buffer
 * timeout). A silent server is found by the heartbeat, not by a short socket timeout: a failed
 * heartbeat interrupts the operations in flight, while a slow but healthy query (seconds on the
 * shared FerretDB under load; a big report in production) is left alone. Heartbeats poll every
 * second rather than stream, so the bound does not depend on the server's monitoring protocol.
 */
export async function connectDatabase(
  uri: string,
  timeouts: DatabaseTimeouts = DEFAULT_DATABASE_TIMEOUTS,
): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: timeouts.serverSelectionTimeoutMs,
    connectTimeoutMS: timeouts.connectTimeoutMs,
    socketTimeoutMS: timeouts.socketTimeoutMs,
    heartbeatFrequencyMS: timeouts.heartbeatFrequencyMs,
    serverMonitoringMode: 'poll',
    bufferCommands: false,
    // A read retried after a lost connection waits for server selection again (measured: 3.2 s to
    // fail instead of 2 s). A failover then answers 503 with Retry-After and the client retries.
    retryReads: false,
    // FerretDB v1 does not implement retryable writes; MongoDB does not need them for our single-document writes.
    retryWrites: false,
    autoIndex: true,
  });
  await conn.asPromise();
  return conn;
}

/** The model for `name` on this connection, compiled once. */
export function modelOn<T>(conn: Connection, name: string, schema: Schema<T>): Model<T> {
  return (conn.models[name] as Model<T> | undefined) ?? conn.model<T>(name, schema);
}

/** Build all indexes up front (autoIndex runs them lazily; a unique index must exist before the first write). */
export async function ensureIndexes(conn: Connection): Promise<void> {
  for (const model of Object.values(conn.models)) await model.createIndexes();
}

export async function pingDatabase(conn: Connection): Promise<boolean> {
  try {
    const db = conn.db;
    if (!db) return false;
    await db.admin().ping();
    return true;
  } catch {
    return false;
  }
}

// SQLite's "database is locked" (FerretDB v1 under concurrent writers) and a replica set's primary
// change are worth another try; anything else is a real error.
const TRANSIENT = /database is locked|SQLITE_BUSY|NotWritablePrimary|not primary|ECONNRESET/i;

/** Runs an idempotent write again (with jittered backoff) when the database refused it for a moment. */
export async function retryTransient<T>(write: () => Promise<T>, tries = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= tries || !TRANSIENT.test(String((err as Error)?.message))) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 50 * 2 ** attempt));
    }
  }
}
