import type { Readable } from 'node:stream';
import type { Types } from 'mongoose';
import { FILE_LIMITS } from '@gantry/shared';
import { tooLarge } from '../../core/files/multipart';

/** What an upload arrives as, turned into what is stored: bounded bytes, a storage key, a display name. */

/** Storage keys by month keep folders small and make lifecycle rules on object storage easy. */
export function keyFor(id: Types.ObjectId): string {
  const at = id.getTimestamp();
  return `${at.getUTCFullYear()}/${String(at.getUTCMonth() + 1).padStart(2, '0')}/${id}`;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/** The display name: no folders, no control characters, bounded; a name is made up when none is left. */
export function cleanName(filename: string, mime: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const clean = [...base]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, FILE_LIMITS.nameMaxLength);
  return clean || `file.${EXTENSIONS[mime] ?? 'bin'}`;
}

export async function readLimited(body: Readable | Buffer, maxBytes: number): Promise<Buffer> {
  if (Buffer.isBuffer(body)) {
    if (body.length > maxBytes) throw tooLarge(maxBytes);
    return body;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
