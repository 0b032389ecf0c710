import { Text, View } from '@tarojs/components';
import type { ChangeRequest } from '@gantry/shared';
import { formatDays, formatFen, formatFenDelta } from '../../../services/changes';
import { formatDate, formatDateTime } from '../../../services/projects';

function Row({ id, label, value, strong }: { id: string; label: string; value: string; strong?: boolean }) {
  return (
    <View className="impact-row">
      <Text className="impact-label">{label}</Text>
      <Text id={id} className={strong ? 'impact-new' : ''}>
        {value}
      </Text>
    </View>
  );
}

/** The quote and what it does to the contract total and the completion date, before and after. */
export function Impact({ request }: { request: ChangeRequest }) {
  const { quote, impact } = request;
  if (!quote) return null;
  return (
    <View id="change-quote" className="project-card">
      <View className="project-row">
        <Text className="project-name">报价（第 {quote.version} 版）</Text>
        {quote.expired && <Text className="project-tag change-expired">已过期</Text>}
      </View>
      <View className="impact-grid">
        <Row id="quote-cost" label="费用变化" value={formatFenDelta(quote.costDelta)} />
        <Row id="quote-days" label="工期变化" value={formatDays(quote.scheduleDeltaDays)} />
        {impact && (
          <>
            <Row id="impact-current-total" label="当前合同总价" value={formatFen(impact.currentTotal)} />
            <Row id="impact-new-total" label="变更后合同总价" value={formatFen(impact.newTotal)} strong />
            <Row
              id="impact-current-completion"
              label="当前计划竣工"
              value={formatDate(impact.currentCompletion)}
            />
            <Row
              id="impact-new-completion"
              label="变更后计划竣工"
              value={formatDate(impact.newCompletion)}
              strong
            />
          </>
        )}
      </View>
      {quote.note && <Text className="change-description">{quote.note}</Text>}
      <Text className="project-meta">
        {quote.quotedBy.name} 报价于 {formatDateTime(quote.quotedAt)} · 有效期至{' '}
        {formatDate(quote.validUntil)}
      </Text>
    </View>
  );
}
