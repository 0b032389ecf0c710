import mongoose, { type Connection, type Model, type Schema } from 'mongoose';

/**
 * One mongoose connection per app instance (not the global default), so that tests can run an
 * app per database and two apps can live in one process.
 */
export async function connectDatabase(uri: string): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
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
