import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { OpportunityDetail } from '@gantry/shared';
import { Button } from '../../../components/ui';
import { platform } from '../../../platform';
import {
  OPPORTUNITY_STAGE_LABELS,
  formatFen,
  getOpportunity,
  moveOpportunityStage,
  nextStage,
} from '../../../services/crm';
import '../../../components/crm/crm.css';

/** 商机详情: stage, amount, quotes and past cooperation; moves the opportunity one stage forward. */
export default function OpportunityDetailPage() {
  const id = useRouter().params.id ?? '';
  const [opportunity, setOpportunity] = useState<OpportunityDetail | null>(null);
  const [moving, setMoving] = useState(false);

  useEffect(() => {
    if (id) getOpportunity(id).then(setOpportunity, () => undefined);
  }, [id]);

  if (!opportunity) {
    return (
      <View className="page">
        <Text className="hint">加载中…</Text>
      </View>
    );
  }

  const next = nextStage(opportunity.stage);
  const advance = async () => {
    if (!next) return;
    setMoving(true);
    try {
      await moveOpportunityStage(opportunity.id, next);
      // Re-read the detail: the stage history changed too.
      setOpportunity(await getOpportunity(opportunity.id));
      platform.toast(`已推进到${OPPORTUNITY_STAGE_LABELS[next]}`, 'success');
    } catch {
      // The http layer has shown the toast.
    } finally {
      setMoving(false);
    }
  };

  const { pastCooperation } = opportunity;
  return (
    <View className="page opportunity-detail-page">
      <Text id="opportunity-name" className="page-title">
        {opportunity.name}
      </Text>
      <View className="crm-card">
        <View className="crm-row">
          <Text className="crm-meta">当前阶段</Text>
          <Text id="opportunity-stage" className="crm-stage">
            {OPPORTUNITY_STAGE_LABELS[opportunity.stage]}
          </Text>
        </View>
        <Text className="crm-meta">客户：{opportunity.customerName ?? '—'}</Text>
        <Text id="opportunity-amount" className="crm-meta">
          预计金额：{formatFen(opportunity.expectedAmount)}
        </Text>
        <Text className="crm-meta">预计成交：{opportunity.expectedCloseDate ?? '未定'}</Text>
        {opportunity.lostReason && <Text className="crm-meta">流失原因：{opportunity.lostReason}</Text>}
      </View>

      {next && (
        <View className="actions">
          <Button id="next-stage" type="primary" block loading={moving} onClick={() => void advance()}>
            推进到下一阶段
          </Button>
        </View>
      )}

      <Text className="crm-section-title">报价</Text>
      <View id="opportunity-quotes" className="crm-card">
        {opportunity.quotes.length === 0 ? (
          <Text className="crm-meta">暂无报价</Text>
        ) : (
          opportunity.quotes.map((q) => (
            <Text key={q.id} className="crm-meta">
              第 {q.version} 版 {formatFen(q.amount)}
              {q.note ? ` · ${q.note}` : ''}
            </Text>
          ))
        )}
      </View>

      <Text className="crm-section-title">过往合作</Text>
      <View id="past-cooperation" className="crm-card">
        <Text className="crm-meta">
          其他商机：成交 {pastCooperation.opportunities.won} 个，流失 {pastCooperation.opportunities.lost} 个
        </Text>
        {pastCooperation.projects.length === 0 ? (
          <Text className="crm-meta">暂无合作项目</Text>
        ) : (
          pastCooperation.projects.map((p) => (
            <Text key={p.id} className="crm-meta">
              {p.code} {p.name}（{p.plannedStart} ~ {p.actualEnd ?? p.plannedEnd}）
            </Text>
          ))
        )}
      </View>
    </View>
  );
}
