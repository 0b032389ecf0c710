import { UrlSigner } from './signed-url';

describe('UrlSigner', () => {
  const id = '0123456789abcdef01234567';
  let now = 1_800_000_000_000;
  const signer = new UrlSigner('a-secret-of-at-least-thirty-two-chars', 600, () => now);
  const parts = (url: string) => {
    const u = new URL(url, 'http://x');
    return { exp: Number(u.searchParams.get('exp')), sig: u.searchParams.get('sig')! };
  };

  it('accepts its own link until it expires, and nothing altered', () => {
    const { exp, sig } = parts(signer.url(id, 'content'));
    expect(signer.verify(id, 'content', exp, sig)).toBe(600);
    expect(signer.verify(id, 'thumbnail', exp, sig)).toBeNull();
    expect(signer.verify('0123456789abcdef01234568', 'content', exp, sig)).toBeNull();
    expect(signer.verify(id, 'content', exp + 1, sig)).toBeNull();
    expect(signer.verify(id, 'content', exp, `${sig}x`)).toBeNull();
    const other = new UrlSigner('another-secret-of-thirty-two-chars!', 600, () => now);
    expect(other.verify(id, 'content', exp, sig)).toBeNull();
    now += 600_000;
    expect(signer.verify(id, 'content', exp, sig)).toBeNull();
  });

  it('binds a link to its audience: another account or none does not verify', () => {
    const account = 'fedcba9876543210fedcba98';
    const u = new URL(signer.url(id, 'content', account), 'http://x');
    expect(u.searchParams.get('for')).toBe(account);
    const { exp, sig } = parts(u.toString());
    expect(signer.verify(id, 'content', exp, sig, account)).toBe(600);
    expect(signer.verify(id, 'content', exp, sig)).toBeNull();
    expect(signer.verify(id, 'content', exp, sig, 'fedcba9876543210fedcba99')).toBeNull();
    expect(new URL(signer.url(id, 'content'), 'http://x').searchParams.has('for')).toBe(false);
  });
});
