import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { Opportunity, OpportunityStage } from '@gantry/shared';
import { Button } from '../../../components/ui';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import { OPPORTUNITY_STAGE_LABELS, formatFen, listOpportunities } from '../../../services/crm';

const PAGE_SIZE = 5;

function OpportunityCard({ opportunity }: { opportunity: Opportunity }) {
  return (
    <View
      id={`opportunity-card-${opportunity.id}`}
      className="pipeline-card"
      onClick={() =>
        void platform.navigateTo(`${ROUTES.opportunityDetail}?id=${encodeURIComponent(opportunity.id)}`)
      }
    >
      <Text className="pipeline-card-title">{opportunity.name}</Text>
      <Text className="crm-meta">{opportunity.customerName ?? '—'}</Text>
      <View className="crm-row">
        <Text className="pipeline-card-amount">{formatFen(opportunity.expectedAmount)}</Text>
        <Text className="crm-meta">
          {opportunity.stage === 'lost'
            ? (opportunity.lostReason ?? '')
            : `预计成交 ${opportunity.expectedCloseDate ?? '未定'}`}
        </Text>
      </View>
    </View>
  );
}

/** One stage of the board: its first cards, more on demand (cursor pages of the list API). */
export function StageColumn({
  stage,
  count,
  reloadKey,
}: {
  stage: OpportunityStage;
  count: number;
  reloadKey: number;
}) {
  const [items, setItems] = useState<Opportunity[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async (from?: string) => {
    setLoading(true);
    try {
      const page = await listOpportunities({ stage, cursor: from, limit: PAGE_SIZE });
      setItems((prev) => (from && prev ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch {
      // The http layer has shown the toast.
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load();
  }, [stage, reloadKey]);

  return (
    <View id={`stage-column-${stage}`} className={`pipeline-column stage-${stage}`}>
      <View className="crm-row pipeline-column-head">
        <Text className="crm-stage">{OPPORTUNITY_STAGE_LABELS[stage]}</Text>
        <Text className="crm-meta">{count} 个</Text>
      </View>
      {items === null && <Text className="hint">加载中…</Text>}
      {items?.length === 0 && <Text className="crm-meta">暂无商机</Text>}
      {items?.map((o) => (
        <OpportunityCard key={o.id} opportunity={o} />
      ))}
      {cursor && (
        <Button
          id={`stage-more-${stage}`}
          size="small"
          block
          loading={loading}
          onClick={() => void load(cursor)}
        >
          加载更多
        </Button>
      )}
    </View>
  );
}
