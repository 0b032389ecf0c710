import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { KpiRecord } from '@gantry/shared';
import { Button } from '../../../components/ui';
import { messageOf } from '../../../components/ui/errors';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import { RECORD_KIND_LABELS, listKpiRecords, recordValue } from '../../../services/insights';
import '../../../components/projects/projects.css';
import '../insights.css';

/** Records that have a page of their own in the app. */
const PAGE_OF: Partial<Record<KpiRecord['kind'], string>> = {
  invoice: ROUTES.invoiceDetail,
  opportunity: ROUTES.opportunityDetail,
  project: ROUTES.projectHome,
};

/** The records a dashboard figure is based on (its `link`), so a manager can check the number. */
export default function KpiRecordsPage() {
  const { params } = useRouter();
  const query = decodeURIComponent(params.q ?? '');
  const [items, setItems] = useState<KpiRecord[] | null>(null);
  const [total, setTotal] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (next?: string) => {
    try {
      const page = await listKpiRecords(query, next);
      setItems((prev) => (next && prev ? [...prev, ...page.items] : page.items));
      setTotal(page.total);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  useEffect(() => {
    void load();
  }, [query]);

  const open = (r: KpiRecord) => {
    const page = PAGE_OF[r.kind];
    if (page) void platform.navigateTo(`${page}?id=${encodeURIComponent(r.id)}`);
  };
  return (
    <View className="page insights-page">
      <Text className="page-title">{decodeURIComponent(params.title ?? '指标明细')}</Text>
      {!items && <Text className="hint">{error ?? '加载中…'}</Text>}
      {items && (
        <Text id="records-total" className="insights-card-note">
          共 {total} 条记录
        </Text>
      )}
      {items?.map((r) => (
        <View
          key={`${r.kind}-${r.id}`}
          id={`record-${r.id}`}
          className="project-card"
          onClick={() => open(r)}
        >
          <View className="project-row">
            <Text className="project-name">{RECORD_KIND_LABELS[r.kind]}</Text>
            <Text>{recordValue(r)}</Text>
          </View>
          {r.at && <Text className="project-meta">{r.at.slice(0, 10)}</Text>}
        </View>
      ))}
      {cursor && (
        <Button id="records-more" fill="outline" block onClick={() => void load(cursor)}>
          加载更多
        </Button>
      )}
    </View>
  );
}
