import { retryTransient } from './db';

describe('retryTransient', () => {
  it('tries a write again while the database says it is locked', async () => {
    let calls = 0;
    const result = await retryTransient(async () => {
      calls += 1;
      if (calls < 3) throw new Error('[collection.go:177] database is locked (5) (SQLITE_BUSY)');
      return 'written';
    });
    expect(result).toBe('written');
    expect(calls).toBe(3);
  });

  it('does not retry other errors, and gives up after the last try', async () => {
    let calls = 0;
    await expect(
      retryTransient(async () => {
        calls += 1;
        throw new Error('E11000 duplicate key');
      }),
    ).rejects.toThrow('E11000');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retryTransient(async () => {
        calls += 1;
        throw new Error('database is locked');
      }, 3),
    ).rejects.toThrow('locked');
    expect(calls).toBe(3);
  });
});
