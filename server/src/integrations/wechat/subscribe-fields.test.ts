import { fitSubscribeData, fitSubscribeValue, formatAmountFen } from './subscribe-fields';

describe('subscribe message field limits', () => {
  it('cuts thing values to 20 characters, counting Chinese characters as one', () => {
    const long = '华景滨江苑三期住宅楼地下室结构封顶节点验收资料';
    const fitted = fitSubscribeValue('thing1', long);
    expect(Array.from(fitted)).toHaveLength(20);
    expect(fitted.endsWith('…')).toBe(true);
    expect(fitSubscribeValue('thing2', '短名称')).toBe('短名称');
  });

  it('keeps character_string printable ASCII within 32, phrase within 5 Chinese characters', () => {
    expect(
      fitSubscribeValue('character_string3', 'INV-2026-0001 发票号码'.repeat(3)).length,
    ).toBeLessThanOrEqual(32);
    expect(fitSubscribeValue('character_string3', 'INV-2026-0001 发票')).toBe('INV-2026-0001');
    expect(fitSubscribeValue('phrase4', '待确认的节点')).toBe('待确认的节');
  });

  it('formats amounts the way WeChat wants them', () => {
    expect(formatAmountFen(123450)).toBe('¥1234.50');
    expect(fitSubscribeData({ amount5: formatAmountFen(5) })).toEqual({ amount5: { value: '¥0.05' } });
  });
});
