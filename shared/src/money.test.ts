import { describe, expect, it } from '@jest/globals';
import { fenToYuan, yuanToFen } from './money';

describe('yuanToFen', () => {
  it.each([
    ['0.01', 1],
    ['1234.50', 123450],
    ['0.29', 29],
    ['1.1', 110],
    ['12', 1200],
    ['-0.05', -5],
    ['-1234.56', -123456],
    ['+3.00', 300],
    ['0.00', 0],
    ['-0.00', 0],
    [' 8.80 ', 880],
    ['99999999.99', 9999999999],
  ])('%s yuan is %i fen', (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen);
  });

  it('is exact where floating point is not', () => {
    // 0.29 * 100 = 28.999999999999996 and 1.15 * 100 = 114.99999999999999 in floating point
    expect(yuanToFen('0.29')).toBe(29);
    expect(yuanToFen('1.15')).toBe(115);
    expect(yuanToFen('4.35')).toBe(435);
  });

  it.each(['', 'abc', '1.234', '1,234.50', '.5', '1.', '--1', '¥1.00', '1e3', 'NaN'])(
    'refuses %p',
    (text) => {
      expect(() => yuanToFen(text)).toThrow('不是有效的金额');
    },
  );

  it('refuses amounts beyond safe integers', () => {
    expect(() => yuanToFen('900719925474099300')).toThrow('金额超出范围');
  });
});

describe('fenToYuan', () => {
  it.each([
    [1, '0.01'],
    [123450, '1234.50'],
    [-5, '-0.05'],
    [0, '0.00'],
  ])('%i fen is %s yuan', (fen, yuan) => {
    expect(fenToYuan(fen)).toBe(yuan);
    expect(yuanToFen(yuan)).toBe(fen);
  });

  it('refuses fractions of a fen', () => {
    expect(() => fenToYuan(1.5)).toThrow();
  });
});
