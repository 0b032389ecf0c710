import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { openFilesMatching } from '../../../../test/support/open-files';
import { downloadVerified, type TradeBillSource } from './trade-bill.source';

/** A bill served from memory, as the benchmark's generated source does. */
function sourceOf(text: string): TradeBillSource {
  return {
    locate: async () => ({
      hashType: 'SHA1',
      hashValue: createHash('sha1').update(text).digest('hex'),
      downloadUrl: 'memory://bill',
    }),
    open: async () => Readable.from([Buffer.from(text)]),
  };
}

const openBillFiles = () => openFilesMatching('gantry-bill-');

describe('downloadVerified', () => {
  it('closes the temp file when the reader stops after the first line (a bad line ends the parse)', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\r\n');
    const bill = await downloadVerified(sourceOf(lines), '2026-11-18');
    for await (const line of bill!.lines()) {
      expect(line).toBe('line 0');
      break;
    }
    // Closing a file descriptor takes a turn of the thread pool.
    for (let i = 0; i < 50 && openBillFiles().length > 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(openBillFiles()).toEqual([]);
    await bill!.dispose();
  });
});
