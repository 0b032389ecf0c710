import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { LocalDiskStorage } from './local-disk-storage';
import { FileMissingError } from './storage';

describe('LocalDiskStorage', () => {
  let root: string;
  let storage: LocalDiskStorage;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-storage-'));
    storage = new LocalDiskStorage(root);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('stores buffers and streams under their key, replaces, reads back and deletes', async () => {
    await storage.put('2026/11/abc', Buffer.from('first'));
    await storage.put('2026/11/abc', Readable.from([Buffer.from('sec'), Buffer.from('ond')]));
    expect(await text(await storage.get('2026/11/abc'))).toBe('second');
    expect(fs.readdirSync(path.join(root, '2026', '11'))).toEqual(['abc']); // no temp files left
    await storage.delete('2026/11/abc');
    await storage.delete('2026/11/abc');
    await expect(storage.get('2026/11/abc')).rejects.toBeInstanceOf(FileMissingError);
  });

  it('refuses keys that could leave its folder', async () => {
    for (const key of ['../etc/passwd', '/abs', 'a/../../b', 'a//b', 'a\\b', '', '.hidden/../x']) {
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(/invalid storage key/);
      await expect(storage.get(key)).rejects.toThrow(/invalid storage key/);
    }
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('lists every stored key with its write time, temp files included', async () => {
    const keys = async (store: LocalDiskStorage) => {
      const listed = [];
      for await (const entry of store.list()) listed.push(entry);
      return listed;
    };
    await storage.put('2026/11/abc', Buffer.from('x'));
    await storage.put('2026/12/def.thumb', Buffer.from('y'));
    fs.writeFileSync(path.join(root, '2026', '12', 'def.1a2b.tmp'), 'z');
    const listed = await keys(storage);
    expect(listed.map((e) => e.key).sort()).toEqual([
      '2026/11/abc',
      '2026/12/def.1a2b.tmp',
      '2026/12/def.thumb',
    ]);
    expect(listed.every((e) => Date.now() - e.modifiedAt.getTime() < 60_000)).toBe(true);
    expect(await keys(new LocalDiskStorage(path.join(root, 'not-yet-created')))).toEqual([]);
  });
});
