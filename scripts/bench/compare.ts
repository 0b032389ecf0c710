/**
 * Bench helpers: each operation is timed through the HTTP API and, beside it, the raw driver
 * replays the very reads that the API sent for it. The reads are not rewritten by hand: the API's
 * own connection has command monitoring on (`monitorCommands=true` in its URI), one call of the
 * operation records its read commands, and a separate MongoClient on the same server repeats them
 * (same collection, filter, sort, limit, projection, pipeline). On a noisy machine the absolute
 * figures move with the neighbour's load; the ratio API/raw is the figure to compare.
 */
import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import type { Connection } from 'mongoose';

const READS = new Set(['find', 'aggregate', 'count', 'distinct']);
/** Fields the driver adds to every command; the replay gets its own. */
const ENVELOPE = ['lsid', '$db', '$clusterTime', 'txnNumber', 'readConcern', '$readPreference'];

export interface Read {
  db: string;
  command: Document;
}

export interface Row {
  op: string;
  runs: number;
  api: { p50: number; p95: number };
  raw: { p50: number; p95: number };
  reads: Read[];
  /** p50 of each read alone, in ms, in the order of `reads`: where the raw time goes. */
  readP50: number[];
  index: string;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function sample(reps: number, fn: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < reps; i += 1) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** The URI with command monitoring on, so that the API's reads can be recorded. */
export function monitoredUri(uri: string): string {
  return `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`;
}

/** The read commands `fn` makes the API send (writes such as audit entries are not replayed). */
export async function recordReads(conn: Connection, fn: () => Promise<unknown>): Promise<Read[]> {
  const reads: Read[] = [];
  const onStart = (e: CommandStartedEvent) => {
    if (!READS.has(e.commandName)) return;
    const command = { ...e.command };
    for (const key of ENVELOPE) delete command[key];
    reads.push({ db: e.databaseName, command });
  };
  const client = conn.getClient();
  client.on('commandStarted', onStart);
  try {
    await fn();
  } finally {
    client.off('commandStarted', onStart);
  }
  return reads;
}

/** Runs one recorded read to its end, through the driver's cursor API where there is a cursor. */
async function replay(client: MongoClient, read: Read): Promise<void> {
  const db = client.db(read.db);
  const c = read.command;
  if (c.find !== undefined) {
    await db
      .collection(String(c.find))
      .find(c.filter ?? {}, {
        sort: c.sort,
        limit: c.limit,
        skip: c.skip,
        projection: c.projection,
        hint: c.hint,
        collation: c.collation,
      })
      .toArray();
  } else if (c.aggregate !== undefined) {
    await db
      .collection(String(c.aggregate))
      .aggregate(c.pipeline as Document[], { hint: c.hint, collation: c.collation })
      .toArray();
  } else {
    await db.command(c);
  }
}

/** The driver sends `sort` as a Map, which JSON would print as `{}`. */
function showMaps(_key: string, value: unknown): unknown {
  return value instanceof Map ? Object.fromEntries(value) : value;
}

export class Bench {
  readonly rows: Row[] = [];
  private constructor(
    private readonly raw: MongoClient,
    private readonly conn: Connection,
  ) {}

  static async open(uri: string, conn: Connection): Promise<Bench> {
    const raw = new MongoClient(uri);
    await raw.connect();
    return new Bench(raw, conn);
  }

  /** Times `fn` through the API, then the raw driver repeating the reads of one of its calls. */
  async measure(op: string, reps: number, index: string, fn: () => Promise<unknown>): Promise<Row> {
    const reads = await recordReads(this.conn, fn);
    const api = await sample(reps, fn);
    const each: number[][] = reads.map(() => []);
    const raw = await sample(reps, async () => {
      for (const [i, read] of reads.entries()) {
        const t = performance.now();
        await replay(this.raw, read);
        each[i]!.push(performance.now() - t);
      }
    });
    const readP50 = each.map((times) =>
      percentile(
        [...times].sort((a, b) => a - b),
        50,
      ),
    );
    const row = { op, runs: reps, api, raw, reads, readP50, index };
    this.rows.push(row);
    console.log(`  measured: ${op}`);
    return row;
  }

  print(title: string): void {
    const ms = (n: number) => n.toFixed(1).padStart(8);
    const width = Math.max(...this.rows.map((r) => r.op.length), 10) + 2;
    console.log(`\n${title}`);
    console.log(
      `${'operation'.padEnd(width)}${'API p50'.padStart(8)}${'API p95'.padStart(8)}` +
        `${'raw p50'.padStart(8)}${'raw p95'.padStart(8)}${'p95 ×'.padStart(8)}  runs  reads`,
    );
    for (const r of this.rows)
      console.log(
        `${r.op.padEnd(width)}${ms(r.api.p50)}${ms(r.api.p95)}${ms(r.raw.p50)}${ms(r.raw.p95)}` +
          `${(r.api.p95 / r.raw.p95).toFixed(1).padStart(8)}  ${String(r.runs).padStart(4)}  ${r.reads.length}`,
      );
    console.log('(ms; "p95 ×" = API p95 / raw p95; reads = read commands the API sent per call)');
    console.log(
      '\nproduction MongoDB index of each operation (this embedded server ignores non-unique ones):',
    );
    for (const r of this.rows) console.log(`  ${r.op}: ${r.index}`);
    console.log('\nreads the API sent (replayed by the raw driver), each with its raw p50:');
    for (const r of this.rows) {
      console.log(`  ${r.op}:`);
      for (const [i, read] of r.reads.entries())
        console.log(`    ${ms(r.readP50[i]!)} ms  ${JSON.stringify(read.command, showMaps)}`);
    }
  }

  async close(): Promise<void> {
    await this.raw.close();
  }
}
