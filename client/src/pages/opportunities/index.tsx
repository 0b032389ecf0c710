import { useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Funnel } from '@gantry/shared';
import { OPPORTUNITY_STAGES } from '@gantry/shared/src/opportunity-stages';
import { getFunnel } from '../../services/crm';
import { FunnelPanel } from './components/FunnelPanel';
import { StageColumn } from './components/StageColumn';
import '../../components/crm/crm.css';
import './pipeline.css';

/** 商机看板: the funnel chart, then the opportunities grouped by stage. */
export default function PipelinePage() {
  const [funnel, setFunnel] = useState<Funnel | null>(null);
  // Coming back from a detail page (a stage moved, an amount changed): read everything again.
  const [reloadKey, setReloadKey] = useState(0);

  useDidShow(() => {
    getFunnel().then(setFunnel, () => undefined);
    setReloadKey((k) => k + 1);
  });

  const countOf = (stage: string) => funnel?.stages.find((s) => s.stage === stage)?.count ?? 0;
  return (
    <View className="page pipeline-page">
      <Text className="page-title">商机看板</Text>
      {funnel ? <FunnelPanel funnel={funnel} /> : <Text className="hint">加载中…</Text>}
      <View id="pipeline-board" className="pipeline-board">
        {OPPORTUNITY_STAGES.map((stage) => (
          <StageColumn key={stage} stage={stage} count={countOf(stage)} reloadKey={reloadKey} />
        ))}
      </View>
    </View>
  );
}
