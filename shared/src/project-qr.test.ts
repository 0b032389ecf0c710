import { describe, expect, it } from '@jest/globals';
import { parseProjectQr, projectQrText } from './project-qr';

const id = '65a1b2c3d4e5f60718293a4b';

describe('project QR text', () => {
  it('round-trips the link the server prints', () => {
    const text = projectQrText('https://gantry.example.com/', id);
    expect(text).toBe(`https://gantry.example.com/#/pages/projects/home/index?id=${id}`);
    expect(parseProjectQr(text)).toEqual({ projectId: id });
  });

  it('reads the id whatever the origin and extra parameters', () => {
    expect(parseProjectQr(`http://127.0.0.1:3000/#/pages/projects/home/index?from=qr&id=${id}`)).toEqual({
      projectId: id,
    });
    expect(parseProjectQr(`  gantry://project/${id.toUpperCase()}  `)).toEqual({ projectId: id });
  });

  it.each([
    ['an unrelated link', 'https://example.com/?id=' + id],
    ['another page', `https://x.cn/#/pages/inbox/index?id=${id}`],
    ['a malformed id', 'https://x.cn/#/pages/projects/home/index?id=123'],
    ['no id', 'https://x.cn/#/pages/projects/home/index?x=1'],
    ['plain text', 'hello'],
    ['a non-web scheme', `javascript:pages/projects/home/index?id=${id}`],
  ])('refuses %s', (_label, text) => {
    expect(parseProjectQr(text)).toBeNull();
  });
});
