import { Text, View } from '@tarojs/components';
import type { KpiFigures } from '@gantry/shared';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import {
  linkQuery,
  LOWER_IS_BETTER,
  TILE_VALUE,
  formatDays,
  formatFen,
  formatHours,
  formatShare,
  formatStars,
  type TileKey,
} from '../../services/insights';

interface Tile {
  key: TileKey;
  title: string;
  value: string;
  meta: string;
  /** The records behind the figure. */
  link: string;
}

function tilesOf(f: KpiFigures): Tile[] {
  const r = f.responseTime;
  const d = f.projectDuration;
  const rec = f.receivables;
  return [
    {
      key: 'responseTime',
      link: r.link,
      title: '客户响应时间（中位数）',
      value: formatHours(r.medianSeconds),
      meta: `平均 ${formatHours(r.avgSeconds)} · P90 ${formatHours(r.p90Seconds)} · ${r.count} 次响应，${r.unanswered} 条待响应`,
    },
    {
      key: 'repeatCustomers',
      link: f.repeatCustomers.link,
      title: '复购率',
      value: formatShare(f.repeatCustomers.rate),
      meta: `签约客户 ${f.repeatCustomers.count} 位，其中复购 ${f.repeatCustomers.repeat} 位`,
    },
    {
      key: 'projectDuration',
      link: d.link,
      title: '项目平均超期',
      value: formatDays(d.avgDaysOver),
      meta: `竣工 ${d.count} 个，按期 ${d.onTime} 个（${formatShare(d.onTimeShare)}）`,
    },
    {
      key: 'satisfaction',
      link: f.satisfaction.link,
      title: '客户满意度',
      value: formatStars(f.satisfaction.average),
      meta: `${f.satisfaction.count} 条评价（满分 5 分）`,
    },
    {
      key: 'overdue',
      link: rec.overdueLink,
      title: '逾期应收',
      value: formatFen(rec.overdueAmount),
      meta: `${rec.overdueCount} 张逾期 · 应收合计 ${formatFen(rec.openAmount)}（${rec.count} 张）`,
    },
  ];
}

/** ↑/↓ against the previous window, coloured by whether the move is good for that figure. */
function trendOf(key: TileKey, current: KpiFigures, previous: KpiFigures | null) {
  if (!previous) return null;
  const now = TILE_VALUE[key](current);
  const before = TILE_VALUE[key](previous);
  if (now === null || before === null) return { text: '上期无数据', tone: 'flat' };
  if (now === before) return { text: '与上期持平', tone: 'flat' };
  const better = now < before === LOWER_IS_BETTER[key];
  const change = before === 0 ? '' : ` ${Math.abs(Math.round(((now - before) / before) * 1000) / 10)}%`;
  return { text: `较上期${now > before ? '↑' : '↓'}${change}`, tone: better ? 'good' : 'bad' };
}

/** Tapping a tile lists the records it counts. */
export function openRecords(t: { title: string; link: string }) {
  const q = encodeURIComponent(linkQuery(t.link));
  void platform.navigateTo(`${ROUTES.kpiRecords}?q=${q}&title=${encodeURIComponent(t.title)}`);
}

export function KpiTiles({ figures, previous }: { figures: KpiFigures; previous: KpiFigures | null }) {
  return (
    <View id="kpi-tiles" className="insights-tiles">
      {tilesOf(figures).map((t) => {
        const trend = trendOf(t.key, figures, previous);
        return (
          <View key={t.key} id={`kpi-${t.key}`} className="insights-tile" onClick={() => openRecords(t)}>
            <Text className="insights-tile-title">{t.title}</Text>
            <Text id={`kpi-${t.key}-value`} className="insights-tile-value">
              {t.value}
            </Text>
            {trend && (
              <Text id={`kpi-${t.key}-trend`} className={`insights-trend insights-trend-${trend.tone}`}>
                {trend.text}
              </Text>
            )}
            <Text className="insights-tile-meta">{t.meta}</Text>
          </View>
        );
      })}
    </View>
  );
}
