import { describe, expect, it } from '@jest/globals';
import {
  calendarDateSchema,
  dateOfCalendarDate,
  dateOrInstantSchema,
  instantSchema,
  isRealCalendarDate,
  shanghaiStartOfDay,
} from './dates';

const messageOf = (schema: typeof calendarDateSchema, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? null : result.error.issues.map((i) => i.message).join('；');
};

describe('calendarDateSchema', () => {
  it.each(['2000-01-01', '2027-02-28', '2028-02-29', '2100-12-31', '2027-12-31'])('accepts %s', (value) => {
    expect(calendarDateSchema.parse(value)).toBe(value);
  });

  it.each([
    ['2027-02-30', '日期不存在：2027-02-30'],
    ['2027-02-29', '日期不存在：2027-02-29'],
    ['2100-02-29', '日期不存在：2100-02-29'],
    ['2027-14-40', '日期不存在：2027-14-40'],
    ['2027-04-31', '日期不存在：2027-04-31'],
    ['0000-00-00', '日期不存在：0000-00-00'],
    ['1999-12-31', '日期须在 2000-01-01 至 2100-12-31 之间：1999-12-31'],
    ['2101-01-01', '日期须在 2000-01-01 至 2100-12-31 之间：2101-01-01'],
    ['2027-2-3', '日期格式须为 YYYY-MM-DD：2027-2-3'],
    ['2027-02-28T00:00:00Z', '日期格式须为 YYYY-MM-DD：2027-02-28T00:00:00Z'],
    ['２０２７-０２-２８', '日期格式须为 YYYY-MM-DD：２０２７-０２-２８'],
  ])('refuses %s with a Chinese message', (value, message) => {
    expect(messageOf(calendarDateSchema, value)).toBe(message);
  });

  it('refuses what is not a string', () => {
    expect(messageOf(calendarDateSchema, 20270228)).toBe('请填写日期（YYYY-MM-DD）');
  });

  it('agrees with the calendar on leap years', () => {
    expect(['1900', '2000', '2024', '2100'].map((y) => isRealCalendarDate(`${y}-02-29`))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
});

describe('instantSchema', () => {
  it.each(['2027-03-01T09:30:00+08:00', '2027-03-01T01:30:00Z', '2027-03-01T01:30:00.123Z'])(
    'accepts %s',
    (value) => {
      expect(instantSchema.parse(value)).toBe(value);
    },
  );

  it.each([
    ['2027-02-30T00:00:00Z', '时间格式有误'],
    ['2027-03-01T24:00:00Z', '时间格式有误'],
    ['2027-03-01T09:30:00', '时间格式有误'],
    ['2027-03-01', '时间格式有误'],
    ['0001-01-01T00:00:00Z', '时间须在 2000 年至 2100 年之间'],
    ['2101-01-01T00:00:00Z', '时间须在 2000 年至 2100 年之间'],
  ])('refuses %s', (value, message) => {
    expect(messageOf(instantSchema, value)).toContain(message);
  });
});

describe('dateOrInstantSchema', () => {
  it('takes either shape and checks each as its own schema does', () => {
    expect(dateOrInstantSchema.parse('2027-03-01')).toBe('2027-03-01');
    expect(dateOrInstantSchema.parse('2027-03-01T00:00:00+08:00')).toBe('2027-03-01T00:00:00+08:00');
    expect(messageOf(dateOrInstantSchema, '2027-02-30')).toBe('日期不存在：2027-02-30');
    expect(messageOf(dateOrInstantSchema, '1999-12-31T00:00:00Z')).toContain('2000 年至 2100 年');
  });
});

describe('conversions', () => {
  it('stores a calendar date as midnight UTC and finds the start of the Shanghai day', () => {
    expect(dateOfCalendarDate('2027-03-01').toISOString()).toBe('2027-03-01T00:00:00.000Z');
    expect(shanghaiStartOfDay('2027-03-01').toISOString()).toBe('2027-02-28T16:00:00.000Z');
  });

  it('throws rather than returning Invalid Date', () => {
    expect(() => dateOfCalendarDate('2027-02-30')).toThrow(RangeError);
    expect(() => shanghaiStartOfDay('0000-00-00')).toThrow(RangeError);
  });
});
