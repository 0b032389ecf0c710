import { groupStats, median, percentileNearestRank, periodKey, summarize } from './response-clock.stats';

describe('response time statistics', () => {
  it('p90 is the nearest rank: sorted[ceil(0.9 n) - 1], always an observed value', () => {
    const ten = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentileNearestRank(ten, 0.9)).toBe(90); // ceil(9) - 1 = index 8
    const eleven = [...ten, 110];
    expect(percentileNearestRank(eleven, 0.9)).toBe(100); // ceil(9.9) - 1 = index 9
    expect(percentileNearestRank([7], 0.9)).toBe(7);
    expect(percentileNearestRank([], 0.9)).toBeNull();
  });

  it('median averages the two middle values of an even count', () => {
    expect(median([1, 3, 8])).toBe(3);
    expect(median([1, 3, 8, 100])).toBe(5.5);
    expect(median([])).toBeNull();
  });

  it('summarizes unsorted seconds: count, avg to 0.1 s, median, p90', () => {
    expect(summarize([600, 60, 3600, 120])).toEqual({
      count: 4,
      avgSeconds: 1095,
      medianSeconds: 360,
      p90Seconds: 3600,
    });
    expect(summarize([1, 2, 2])).toMatchObject({ avgSeconds: 1.7 });
    expect(summarize([])).toEqual({ count: 0, avgSeconds: null, medianSeconds: null, p90Seconds: null });
  });

  it('names periods in Asia/Shanghai: a UTC evening already belongs to the next local day, weeks start Monday', () => {
    const sundayEveningUtc = new Date('2026-11-29T17:00:00Z'); // Monday 01:00 in Shanghai
    expect(periodKey(sundayEveningUtc, 'day')).toBe('2026-11-30');
    expect(periodKey(sundayEveningUtc, 'week')).toBe('2026-11-30');
    expect(periodKey(new Date('2026-11-29T15:00:00Z'), 'week')).toBe('2026-11-23'); // Sunday 23:00 local
    expect(periodKey(new Date('2026-11-30T16:30:00Z'), 'month')).toBe('2026-12');
  });

  it('groups per staff member and per period', () => {
    const a = { id: 'a', name: '张伟' };
    const b = { id: 'b', name: '陈刚' };
    const clocks = [
      { openedAt: new Date('2026-11-02T02:00:00Z'), responseSeconds: 100, answeredBy: a },
      { openedAt: new Date('2026-11-03T02:00:00Z'), responseSeconds: 300, answeredBy: a },
      { openedAt: new Date('2026-11-10T02:00:00Z'), responseSeconds: 50, answeredBy: b },
    ];
    expect(groupStats(clocks, 'staff', 'week').map((g) => [g.key, g.count, g.medianSeconds])).toEqual([
      ['b', 1, 50],
      ['a', 2, 200],
    ]);
    expect(groupStats(clocks, 'period', 'week').map((g) => [g.key, g.count, g.avgSeconds])).toEqual([
      ['2026-11-02', 2, 200],
      ['2026-11-09', 1, 50],
    ]);
  });
});
