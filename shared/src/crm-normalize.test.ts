import { describe, expect, it } from '@jest/globals';
import {
  duplicateKeysOf,
  nameKeyOf,
  normalizeCompanyName,
  normalizeName,
  normalizePhone,
  phoneKeysOf,
  phoneSearchPrefix,
  toHalfWidth,
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
    expect(toHalfWidth('ＡＢＣ　１２３（）')).toBe('ABC 123()');
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
