/**
 * What every bench prints: per operation p50/p95 through the API, p50/p95 of the raw `mongodb`
 * driver doing the same reads on the same server, their ratio, and the index production MongoDB
 * would use. The ratio is the figure that counts: the machine is shared, absolute times drift.
 */
import { MongoClient, type Db } from 'mongodb';

export interface Row {
  op: string;
  api: number[];
  raw: number[];
  index: string;
}

export const pct = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Runs fn `reps` times one after the other; the durations in ms, sorted. */
export async function timed(reps: number, fn: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < reps; i += 1) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b);
}

const f = (n: number) => (Number.isNaN(n) ? '-' : n.toFixed(0));

export function printTable(title: string, rows: Row[]) {
  console.log(`\n${title}`);
  console.log(
    '(2 cores shared with another engineer running benchmarks: absolute ms drift, the ratio is the figure)',
  );
  const head = ['operation', 'api p50', 'api p95', 'raw p50', 'raw p95', 'p95 ratio', 'production index'];
  const body = rows.map((r) => {
    const [a, b] = [[...r.api].sort((x, y) => x - y), [...r.raw].sort((x, y) => x - y)];
    const ratio = pct(b, 95) > 0 ? (pct(a, 95) / pct(b, 95)).toFixed(2) : '-';
    return [r.op, f(pct(a, 50)), f(pct(a, 95)), f(pct(b, 50)), f(pct(b, 95)), `${ratio}x`, r.index];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of body) console.log(line(r));
}

/** A plain driver connection to the database the API uses (same server, same database name). */
export async function rawDb(uri: string): Promise<{ db: Db; close: () => Promise<void> }> {
  const client = await MongoClient.connect(uri);
  return { db: client.db(), close: () => client.close() };
}

/**
 * Config the bench's process environment asks for (Redis URL, GANTRY_CONFIG_JSON) as overrides.
 * The driver's monitor gives up after connectTimeoutMs (1 s by default) and then interrupts every
 * query in flight; the embedded server under a bulk load pauses longer than that (its serial GC
 * over a multi-GB heap), so the benches allow 10 s (and 30 s to select the server) unless GANTRY_CONFIG_JSON says otherwise.
 */
export function envOverrides(): Record<string, unknown> {
  const json = process.env.GANTRY_CONFIG_JSON
    ? (JSON.parse(process.env.GANTRY_CONFIG_JSON) as Record<string, any>)
    : {};
  return {
    ...json,
    mongodb: { connectTimeoutMs: 10_000, serverSelectionTimeoutMs: 30_000, ...json.mongodb },
    redis: { ...(process.env.REDIS_URL ? { url: process.env.REDIS_URL } : {}), ...json.redis },
  };
}
