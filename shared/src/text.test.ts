import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import { createOpportunitySchema } from './opportunities';
import { createProjectSchema } from './projects';
import { requestFapiaoSchema } from './invoices';
import { nameTextSchema, verbatimTextSchema } from './text';

const messagesAt = (schema: z.ZodType, value: unknown, field: string) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.filter((i) => i.path[0] === field).map((i) => i.message);
};

describe('nameTextSchema', () => {
  const schema = nameTextSchema('名称');

  it('stores NFKC, trimmed, without format characters', () => {
    expect(schema.parse('\u200f ＡＢＣ\u200b工程\u00a0')).toBe('ABC工程');
  });

  it.each(['a\nb', 'a\tb', 'a\u0000b', 'a\u001bb', 'a\u007fb', 'a\u009fb'])('refuses %j', (value) => {
    expect(schema.safeParse(value).error?.issues[0]?.message).toBe('名称不能包含控制字符（换行、制表符等）');
  });
});

describe('verbatimTextSchema', () => {
  it('keeps full-width punctuation and letters, dropping only format characters and edges', () => {
    expect(verbatimTextSchema('名称').parse('\u200b 华景置业（上海）ＡＢ\u200f ')).toBe(
      '华景置业（上海）ＡＢ',
    );
  });
});

describe('other names people type', () => {
  it.each([
    [
      'project',
      createProjectSchema,
      {
        name: '一期\n工程',
        type: 'residential',
        customerId: '0'.repeat(24),
        address: '上海',
        plannedStart: '2027-03-01',
        plannedEnd: '2027-06-01',
      },
      '项目名称不能包含控制字符（换行、制表符等）',
    ],
    [
      'opportunity',
      createOpportunitySchema,
      { name: '商机\u0007', customerId: '0'.repeat(24) },
      '商机名称不能包含控制字符（换行、制表符等）',
    ],
  ])('a %s name with a control character is refused', (_label, schema, value, message) => {
    expect(messagesAt(schema, value, 'name')).toContain(message);
  });

  it('a fapiao title is refused with a control character and stored without invisible ones', () => {
    expect(messagesAt(requestFapiaoSchema, { title: '华景\r置业' }, 'title')).toContain(
      '发票抬头不能包含控制字符（换行、制表符等）',
    );
    expect(requestFapiaoSchema.parse({ title: '华景置业\u200b', taxId: '91310000MA1FL0000X' }).title).toBe(
      '华景置业',
    );
  });
});
