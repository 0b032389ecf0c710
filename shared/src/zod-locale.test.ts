import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { chineseIssueMessage, useChineseValidationMessages } from './zod-locale';

useChineseValidationMessages();

const CJK = /[\u3400-\u9fff]/;
const ENGLISH = /\b(expected|received|invalid|string|number|undefined|array|object)\b/i;

const schema = z.strictObject({
  text: z.string().min(2).max(4),
  empty: z.string().min(1),
  exact: z.string().length(3),
  int: z.number().int().positive(),
  max: z.number().lte(10),
  kind: z.enum(['a', 'b']),
  literal: z.literal('k'),
  email: z.email(),
  day: z.iso.date(),
  at: z.iso.datetime(),
  code: z.string().regex(/^[A-Z]+$/),
  prefix: z.string().startsWith('wx'),
  step: z.number().multipleOf(5),
  list: z.array(z.string()).min(1),
  either: z.union([z.string(), z.number()]),
  map: z.record(z.enum(['p']), z.string()),
  when: z.date().min(new Date('2024-01-01')),
  flag: z.boolean(),
  missing: z.string(),
  check: z.string().refine(() => false),
});

const bad = {
  text: 'x',
  empty: '',
  exact: 'ab',
  int: 1.5,
  max: 11,
  kind: 'z',
  literal: 'j',
  email: 'nope',
  day: '2024-02-30',
  at: 'noon',
  code: 'abc',
  prefix: 'zz',
  step: 3,
  list: [],
  either: true,
  map: { q: 'x' },
  when: new Date('2023-06-01'),
  flag: 'yes',
  check: 'x',
  extra: 1,
};

describe('Chinese validation messages', () => {
  const issues = schema.safeParse(bad).error?.issues ?? [];

  it('gives every issue code a Chinese message without English words', () => {
    expect(new Set(issues.map((i) => i.code))).toEqual(
      new Set([
        'too_small',
        'too_big',
        'invalid_type',
        'invalid_value',
        'invalid_format',
        'not_multiple_of',
        'invalid_union',
        'unrecognized_keys',
        'custom',
      ]),
    );
    for (const issue of issues) {
      expect({ path: issue.path.join('.'), message: issue.message }).toEqual({
        path: issue.path.join('.'),
        message: expect.stringMatching(CJK),
      });
      expect(issue.message).not.toMatch(ENGLISH);
    }
  });

  it('says what is wrong in words a user reads', () => {
    const byPath = Object.fromEntries(issues.map((i) => [i.path.join('.'), i.message]));
    expect(byPath).toMatchObject({
      text: '至少 2 个字符',
      empty: '不能为空',
      exact: '应为 3 个字符',
      int: '应为整数',
      max: '不能大于 10',
      kind: '应为以下之一：a、b',
      day: '日期无效，应为真实存在的日期（YYYY-MM-DD）',
      missing: '必填',
      flag: '应为是或否（true/false）',
      when: '不能早于 2024-01-01',
    });
  });

  it('keeps a message the schema sets itself', () => {
    const own = z.string().min(8, '邀请码为 8 位').safeParse('abc');
    expect(own.error?.issues[0]?.message).toBe('邀请码为 8 位');
  });

  it('maps a finished issue too (for schemas whose own message is English)', () => {
    const english = z.string().min(3, 'too short').safeParse('a');
    const issue = english.error!.issues[0]!;
    expect(issue.message).toBe('too short');
    expect(chineseIssueMessage(issue)).toBe('至少 3 个字符');
  });
});
