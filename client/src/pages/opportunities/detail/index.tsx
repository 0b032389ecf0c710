import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { OpportunityDetail } from '@gantry/shared';
import { Button } from '../../../components/ui';
import { OPPORTUNITY_STAGE_LABELS, formatFen, getOpportunity } from '../../../services/crm';
import { EditForm } from './EditForm';
import { PastCooperation } from './PastCooperation';
import { QuoteForm } from './QuoteForm';
import { StageActions } from './StageActions';
import '../../../components/crm/crm.css';

const time = (iso: string) =>
  new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

function Summary({ opportunity }: { opportunity: OpportunityDetail }) {
  return (
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
      <Text id="opportunity-close-date" className="crm-meta">
        预计成交：{opportunity.expectedCloseDate ?? '未定'}
      </Text>
      {opportunity.notes && <Text className="crm-meta">备注：{opportunity.notes}</Text>}
      {opportunity.lostReason && (
        <Text id="opportunity-lost-reason" className="crm-meta">
          流失原因：{opportunity.lostReason}
        </Text>
      )}
    </View>
  );
}

/** 商机详情: stage moves (forward, back, lost), edits, versioned quotes, history and past cooperation. */
export default function OpportunityDetailPage() {
  const id = useRouter().params.id ?? '';
  const [opportunity, setOpportunity] = useState<OpportunityDetail | null>(null);
  const [editing, setEditing] = useState(false);
  const reload = async () => setOpportunity(await getOpportunity(id));

  useEffect(() => {
    if (id) reload().catch(() => undefined);
  }, [id]);

  if (!opportunity) {
    return (
      <View className="page">
        <Text className="hint">加载中…</Text>
      </View>
    );
  }

  const open = opportunity.stage !== 'signed' && opportunity.stage !== 'lost';
  return (
    <View className="page opportunity-detail-page">
      <Text id="opportunity-name" className="page-title">
        {opportunity.name}
      </Text>
      {editing ? (
        <EditForm
          opportunity={opportunity}
          onCancel={() => setEditing(false)}
          onSaved={async () => {
            await reload();
            setEditing(false);
          }}
        />
      ) : (
        <Summary opportunity={opportunity} />
      )}
      {!editing && (
        <View className="actions">
          <Button id="edit-opportunity" block onClick={() => setEditing(true)}>
            编辑商机
          </Button>
        </View>
      )}
      <StageActions opportunity={opportunity} onChanged={reload} />

      <Text className="crm-section-title">报价</Text>
      <View id="opportunity-quotes" className="crm-card">
        {opportunity.quotes.length === 0 ? (
          <Text className="crm-meta">暂无报价</Text>
        ) : (
          opportunity.quotes.map((q) => (
            <Text key={q.id} id={`quote-${q.version}`} className="crm-meta">
              第 {q.version} 版 {formatFen(q.amount)}
              {q.note ? ` · ${q.note}` : ''}
            </Text>
          ))
        )}
        {open && <QuoteForm opportunityId={opportunity.id} onAdded={reload} />}
      </View>

      <Text className="crm-section-title">阶段记录</Text>
      <View id="stage-history" className="crm-card">
        {opportunity.stageHistory.map((h) => (
          <Text key={h.at + h.to} className="crm-meta">
            {time(h.at)} {h.from ? `${OPPORTUNITY_STAGE_LABELS[h.from]} → ` : ''}
            {OPPORTUNITY_STAGE_LABELS[h.to]}
            {h.reason ? `（${h.reason}）` : ''}
          </Text>
        ))}
      </View>

      <Text className="crm-section-title">过往合作</Text>
      <PastCooperation past={opportunity.pastCooperation} />
    </View>
  );
}
