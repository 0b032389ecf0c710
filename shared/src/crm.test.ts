import { describe, expect, it } from '@jest/globals';
import { createCustomerSchema, updateCustomerSchema } from './crm';

const base = { name: '华景置业有限公司', type: 'developer' as const };

describe('customer names', () => {
  it('are stored as typed, trimmed, without format characters; phones NFKC', () => {
    const parsed = createCustomerSchema.parse({
      ...base,
      name: '\ufeff ＡＢＣ置业\u200b\u00a0',
      phone: '１３８００１３８０００',
      contacts: [{ name: '\u200f张\u200b三 ', title: '　经理', phone: null }],
      tags: ['\u200b重点'],
    });
    expect(parsed.name).toBe('ＡＢＣ置业');
    expect(parsed.phone).toBe('13800138000');
    expect(parsed.contacts[0]).toEqual({ name: '张三', title: '经理', phone: null });
    expect(parsed.tags).toEqual(['重点']);
  });

  it.each([
    ['a line break', '华景\n置业'],
    ['a tab', '华景\t置业'],
    ['NUL', '华景置业\u0000'],
    ['DEL', '华景\u007f置业'],
    ['a C1 control', '华景\u0085置业'],
  ])('are refused with %s, in Chinese', (_label, name) => {
    const result = createCustomerSchema.safeParse({ ...base, name });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toContainEqual(
      expect.objectContaining({ path: ['name'], message: '客户名称不能包含控制字符（换行、制表符等）' }),
    );
  });

  it('refuse control characters in contact names and on edit too', () => {
    const contact = createCustomerSchema.safeParse({ ...base, contacts: [{ name: '张\r三' }] });
    expect(contact.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['contacts.0.name', '联系人姓名不能包含控制字符（换行、制表符等）'],
    ]);
    const edit = updateCustomerSchema.safeParse({ name: '华景\u0007置业' });
    expect(edit.success).toBe(false);
  });

  it('are empty once invisible characters are gone', () => {
    const result = createCustomerSchema.safeParse({ ...base, name: '\u200b\u200f\u00a0' });
    expect(result.error?.issues.map((i) => i.message)).toEqual(['请填写客户名称']);
  });
});
