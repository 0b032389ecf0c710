import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { CustomerDetail, CustomerScore, Opportunity } from '@gantry/shared';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import {
  CUSTOMER_TIER_LABELS,
  CUSTOMER_TYPE_LABELS,
  OPPORTUNITY_STAGE_LABELS,
  formatFen,
  getCustomer,
  getCustomerScore,
  listOpportunities,
} from '../../../services/crm';
import '../../../components/crm/crm.css';

function ScoreExplanation({ score }: { score: CustomerScore }) {
  return (
    <View id="score-explanation" className="crm-card">
      <View className="crm-row">
        <Text id="customer-score" className="crm-score">
          {score.score.toFixed(1)}
        </Text>
        <Text className={`crm-tag tier-${score.tier}`}>{CUSTOMER_TIER_LABELS[score.tier]}</Text>
      </View>
      {score.factors.map((f) => (
        <View key={f.factor} id={`score-factor-${f.factor}`} className="crm-factor">
          <Text>
            {f.label}（权重 {f.weight}）
          </Text>
          <Text>+{f.contribution.toFixed(1)} 分</Text>
        </View>
      ))}
      <Text id="tier-reason" className="crm-reason">
        分级依据：{score.tierReason}
      </Text>
    </View>
  );
}

/** 客户详情: contacts, tags, the score with its explanation, and the customer's opportunities. */
export default function CustomerDetailPage() {
  const id = useRouter().params.id ?? '';
  const [customer, setCustomer] = useState<CustomerDetail | null>(null);
  const [score, setScore] = useState<CustomerScore | null>(null);
  const [opportunities, setOpportunities] = useState<Opportunity[] | null>(null);

  useEffect(() => {
    if (!id) return;
    // The http layer toasts each failure; the sections that did load still show.
    getCustomer(id).then(setCustomer, () => undefined);
    getCustomerScore(id).then(setScore, () => undefined);
    listOpportunities({ customerId: id }).then(
      (page) => setOpportunities(page.items),
      () => undefined,
    );
  }, [id]);

  if (!customer) {
    return (
      <View className="page">
        <Text className="hint">加载中…</Text>
      </View>
    );
  }

  const tags = [...customer.tags, ...customer.autoTags];
  return (
    <View className="page customer-detail-page">
      <Text id="customer-name" className="page-title">
        {customer.name}
      </Text>
      <View className="crm-card">
        <Text className="crm-meta">类型：{CUSTOMER_TYPE_LABELS[customer.type]}</Text>
        <Text className="crm-meta">电话：{customer.phone ?? '—'}</Text>
        <Text className="crm-meta">负责人：{customer.ownerName ?? '公海'}</Text>
        <View id="customer-tags">
          {tags.length === 0 ? (
            <Text className="crm-meta">暂无标签</Text>
          ) : (
            tags.map((tag) => (
              <Text key={tag} className="crm-tag">
                {tag}
              </Text>
            ))
          )}
        </View>
      </View>

      <Text className="crm-section-title">联系人</Text>
      <View id="customer-contacts" className="crm-card">
        {customer.contacts.length === 0 ? (
          <Text className="crm-meta">暂无联系人</Text>
        ) : (
          customer.contacts.map((c, i) => (
            <Text key={`${c.name}-${i}`} className="crm-meta">
              {c.name}
              {c.title ? `（${c.title}）` : ''}
              {c.phone ? ` ${c.phone}` : ''}
            </Text>
          ))
        )}
      </View>

      <Text className="crm-section-title">客户评分</Text>
      {score ? <ScoreExplanation score={score} /> : <Text className="hint">加载中…</Text>}

      <Text className="crm-section-title">商机</Text>
      {opportunities === null && <Text className="hint">加载中…</Text>}
      {opportunities?.length === 0 && <Text className="crm-meta">暂无商机</Text>}
      {opportunities?.map((o) => (
        <View
          key={o.id}
          id={`opportunity-item-${o.id}`}
          className="crm-card"
          onClick={() =>
            void platform.navigateTo(`${ROUTES.opportunityDetail}?id=${encodeURIComponent(o.id)}`)
          }
        >
          <View className="crm-row">
            <Text className="crm-name">{o.name}</Text>
            <Text className="crm-stage">{OPPORTUNITY_STAGE_LABELS[o.stage]}</Text>
          </View>
          <Text className="crm-meta">预计金额 {formatFen(o.expectedAmount)}</Text>
        </View>
      ))}
    </View>
  );
}
