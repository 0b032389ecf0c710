import { describe, expect, it } from '@jest/globals';
import {
  duplicateKeysOf,
  nameKeyOf,
  normalizeCompanyName,
  normalizeName,
  normalizePhone,
  phoneKeysOf,
  phoneSearchPrefix,
  hasControlCharacter,
  normalizeText,
} from './crm-normalize';

describe('normalizePhone', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['138 0013 8000', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['+86 13800138000', '13800138000'],
    ['+86-138-0013-8000', '13800138000'],
    ['0086 13800138000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['(+86) 138 0013 8000', '13800138000'],
    ['１３８００１３８０００', '13800138000'],
    ['021-50000001', '02150000001'],
    ['(021) 5000 0001', '02150000001'],
    ['（0755）8888-6666', '075588886666'],
    ['+86 21 5000 0001', '02150000001'],
    ['0571-8888888', '05718888888'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizePhone(raw)).toBe(expected);
  });

  it.each(['', '12345', '1380013800', '138001380001', '23800138000', '5000 0001', 'abc', '86138'])(
    'refuses %p',
    (raw) => {
      expect(normalizePhone(raw)).toBeNull();
    },
  );

  it('keys every distinct valid phone once', () => {
    expect(phoneKeysOf(['138 0013 8000', '+86 13800138000', null, '', 'bad', '021-50000001'])).toEqual([
      '13800138000',
      '02150000001',
    ]);
  });
});

describe('company names', () => {
  it('turns full-width characters half-width', () => {
    expect(normalizeText('ＡＢＣ　１２３（）')).toBe('ABC 123()');
  });

  it('ignores case, spaces, punctuation and width for search', () => {
    expect(normalizeName(' Ｈua-Jing 置业（上海） ')).toBe('huajing置业上海');
  });

  it.each([
    ['华景置业有限公司', '华景置业'],
    [' 华景置业 ', '华景置业'],
    ['华景置业股份有限公司', '华景置业'],
    ['华景置业有限责任公司', '华景置业'],
    ['华景置业集团有限公司', '华景置业'],
    ['华景置业集团', '华景置业'],
    ['华景置业公司', '华景置业'],
    ['华景 置业（有限公司）', '华景置业'],
    ['ABC Construction Co., Ltd.', 'abcconstructioncoltd'],
    ['公司', '公司'],
  ])('%s → %s', (name, key) => {
    expect(normalizeCompanyName(name)).toBe(key);
  });

  it('gives individuals no name key', () => {
    expect(nameKeyOf('individual', '孙建国')).toBeNull();
    expect(nameKeyOf('developer', '华景置业有限公司')).toBe('华景置业');
    expect(nameKeyOf('government', '！！！')).toBeNull();
  });
});

describe('invisible and look-alike characters', () => {
  const ZWSP = '\u200b';
  const NBSP = '\u00a0';
  const RLM = '\u200f';
  const LRO = '\u202d';
  const BOM = '\ufeff';

  it.each([
    ['zero-width space after the name', `华景置业有限公司${ZWSP}`],
    ['zero-width joiner inside', `华景\u200d置业`],
    ['NBSP inside', `华景${NBSP}置业`],
    ['ideographic space inside', '华景\u3000置业'],
    ['bidi mark before', `${RLM}华景置业`],
    ['bidi override around', `${LRO}华景置业\u202c`],
    ['BOM in front', `${BOM}华景置业`],
    ['soft hyphen and word joiner', '华景\u00ad置\u2060业'],
  ])('%s gives the same company key', (_label, name) => {
    expect(normalizeCompanyName(name)).toBe('华景置业');
  });

  it('gives full-width letters and digits the key of their plain forms', () => {
    expect(normalizeCompanyName('ＡＢＣ建设１号有限公司')).toBe(normalizeCompanyName('ABC建设1号有限公司'));
    expect(normalizeCompanyName('ＡＢＣ建设１号有限公司')).toBe('abc建设1号');
  });

  it.each([
    ['１３８００１３８０００', '13800138000'],
    [`138${ZWSP}0013${ZWSP}8000`, '13800138000'],
    [`138${NBSP}0013${NBSP}8000`, '13800138000'],
    [`${RLM}+86 138 0013 8000`, '13800138000'],
    ['＋８６ １３８-００１３-８０００', '13800138000'],
  ])('keys the phone %p as its digits', (raw, key) => {
    expect(normalizePhone(raw)).toBe(key);
  });

  it('stores text NFKC, trimmed, without format characters', () => {
    expect(normalizeText(`${BOM} 华景置业${ZWSP}${NBSP}`)).toBe('华景置业');
    expect(normalizeText('Ｈｕａｊｉｎｇ　Ｃｏ．')).toBe('Huajing Co.');
  });

  it('finds control characters, not format characters or spaces', () => {
    expect(['a\tb', 'a\nb', 'a\u0000b', 'a\u007fb', 'a\u0085b'].map(hasControlCharacter)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([`a${ZWSP}b`, `a${NBSP}b`, 'a b', '华景'].map(hasControlCharacter)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('duplicate keys and phone search', () => {
  it('prefixes name and phone keys', () => {
    expect(duplicateKeysOf({ nameKey: '华景置业', phoneKeys: ['13800138000'] })).toEqual([
      'name:华景置业',
      'phone:13800138000',
    ]);
    expect(duplicateKeysOf({ nameKey: null, phoneKeys: [] })).toEqual([]);
  });

  it('finds the digits of a phone-like query, or nothing for a name', () => {
    expect(phoneSearchPrefix('+86 138 0013 8000')).toBe('13800138000');
    expect(phoneSearchPrefix('138-0013')).toBe('1380013');
    expect(phoneSearchPrefix('13')).toBeNull();
    expect(phoneSearchPrefix('华景')).toBeNull();
  });
});
