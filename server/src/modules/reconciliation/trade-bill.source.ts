import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, UpstreamError } from '../../core/errors';

/** Where a day's trade bill comes from (WeChat Pay `tradebill`; a generated file in the benchmark). */
export interface TradeBillSource {
  /** The bill's hash and download address; null when WeChat has no bill for that day (no trades). */
  locate(billDate: string): Promise<{ hashType: string; hashValue: string; downloadUrl: string } | null>;
  /** The unsigned plain-text download, as a byte stream. */
  open(downloadUrl: string): Promise<AsyncIterable<Uint8Array>>;
}

/** A downloaded bill whose SHA1 matched, kept in a temp file so it can be read line by line. */
export interface VerifiedBill {
  hashValue: string;
  lines(): AsyncIterable<string>;
  dispose(): Promise<void>;
}

/**
 * Downloads the bill to a temp file while hashing it, and refuses it when the SHA1 differs from
 * `hash_value` (the download itself is not signed). Nothing is parsed before the hash is checked,
 * and the file is never held in memory whole.
 */
export async function downloadVerified(
  source: TradeBillSource,
  billDate: string,
): Promise<VerifiedBill | null> {
  const located = await source.locate(billDate);
  if (!located) return null;
  if (located.hashType.toUpperCase() !== 'SHA1')
    throw new AppError('RECONCILIATION_BILL_INVALID', `不支持的账单校验方式 ${located.hashType}`);
  const dir = await mkdtemp(join(tmpdir(), 'gantry-bill-'));
  const file = join(dir, `${billDate}-${randomBytes(4).toString('hex')}.csv`);
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const sha1 = createHash('sha1');
    // pipeline gives every stream an error path and closes the file whichever side fails.
    await pipeline(
      asUpstream(await source.open(located.downloadUrl)),
      async function* hash(chunks: AsyncIterable<Uint8Array>) {
        for await (const chunk of chunks) {
          sha1.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(file),
    );
    const actual = sha1.digest('hex');
    if (actual.toLowerCase() !== located.hashValue.toLowerCase())
      throw new AppError('RECONCILIATION_BILL_HASH_MISMATCH', undefined, {
        expected: located.hashValue,
        actual,
      });
  } catch (err) {
    await dispose();
    throw err;
  }
  return { hashValue: located.hashValue, lines: () => linesOf(file), dispose };
}

/** A download that breaks off is WeChat's side failing, not a bug of ours: a 502 the caller may retry. */
async function* asUpstream(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  try {
    yield* body;
  } catch (err) {
    throw new UpstreamError('下载对账单中断，请稍后重新对账', { cause: String(err) });
  }
}

/** readline leaves its input open when the reader stops early (a bad line): the file is closed here. */
async function* linesOf(file: string): AsyncIterable<string> {
  const input = createReadStream(file, 'utf8');
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    yield* rl;
  } finally {
    rl.close();
    input.destroy();
  }
}

/** A Node/WHATWG body as an async iterable of bytes. */
export function bodyStream(body: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  if (!body) return Readable.from([]);
  return Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
}
