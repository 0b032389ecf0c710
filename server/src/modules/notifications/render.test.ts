import { renderRecord, renderTemplate } from './render';

describe('renderTemplate', () => {
  it('fills fields, money in yuan and times in Shanghai', () => {
    const text = '{projectName}：账单 {invoiceNo} 应付 {amount|yuan}，到期 {dueDate|date}';
    expect(
      renderTemplate(text, {
        projectName: '滨江苑',
        invoiceNo: 'INV-1',
        amount: 123450,
        dueDate: '2026-11-30T16:30:00Z',
      }),
    ).toBe('滨江苑：账单 INV-1 应付 ¥1234.50，到期 2026-12-01');
  });

  it('renders missing fields as empty and joins lists', () => {
    expect(renderTemplate('[{nothing}] {names}', { names: ['李娜', '王强'] })).toBe('[] 李娜、王强');
  });

  it('renders every value of a record', () => {
    expect(
      renderRecord({ thing1: '{a}', time2: '{t|datetime}' }, { a: 'x', t: '2026-01-01T00:00:00Z' }),
    ).toEqual({
      thing1: 'x',
      time2: '2026-01-01 08:00',
    });
  });
});
