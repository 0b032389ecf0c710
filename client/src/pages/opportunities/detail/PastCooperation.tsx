import { Text, View } from '@tarojs/components';
import type { OpportunityDetail } from '@gantry/shared';
import { CUSTOMER_TIER_LABELS, formatFen } from '../../../services/crm';
import { PROJECT_STATUS_LABELS } from '../../../services/projects';
import './past-cooperation.css';

type Past = OpportunityDetail['pastCooperation'];

const day = (iso: string) => iso.slice(0, 10);
const signedFen = (fen: number) => (fen < 0 ? `-${formatFen(-fen)}` : `+${formatFen(fen)}`);
const signedDays = (days: number) => `${days < 0 ? '' : '+'}${days} 天`;

/** The generated risk notes first: what a PM must know before the project starts. */
function RiskNotes({ past }: { past: Past }) {
  const { risk } = past;
  return (
    <View id="past-risk-notes">
      <Text className="past-subtitle">风险提示</Text>
      {risk.notes.length === 0 ? (
        <Text className="crm-meta">暂无风险记录</Text>
      ) : (
        risk.notes.map((n) => (
          <Text key={n.code} id={`risk-note-${n.code}`} className="past-risk-note">
            · {n.text}
          </Text>
        ))
      )}
      <Text className="crm-meta">当前评级：{CUSTOMER_TIER_LABELS[risk.tier]}</Text>
      {risk.customerNotes && <Text className="crm-meta">客户备注：{risk.customerNotes}</Text>}
    </View>
  );
}

function Projects({ past }: { past: Past }) {
  const changesOf = new Map(past.changes.perProject.map((c) => [c.projectId, c]));
  if (past.projects.length === 0) return <Text className="crm-meta">暂无合作项目</Text>;
  return (
    <View id="past-projects">
      {past.projects.map((p) => {
        const c = changesOf.get(p.id);
        return (
          <View key={p.id}>
            <Text className="crm-meta">
              {p.code} {p.name}（{PROJECT_STATUS_LABELS[p.status]}，{day(p.plannedStart)} ~{' '}
              {day(p.actualEnd ?? p.plannedEnd)}）
            </Text>
            {c && (
              <Text className="crm-meta">
                └ 变更 {c.requests} 次，已批准 {c.approved} 次
                {c.approved > 0
                  ? `（费用 ${signedFen(c.costDelta)}，工期 ${signedDays(c.scheduleDeltaDays)}）`
                  : ''}
              </Text>
            )}
          </View>
        );
      })}
      {past.projectsTruncated && <Text className="crm-meta">仅统计最近 {past.projects.length} 个项目</Text>}
    </View>
  );
}

function Changes({ past }: { past: Past }) {
  const c = past.changes;
  return (
    <View id="past-changes">
      <Text className="past-subtitle">变更情况</Text>
      <Text className="crm-meta">
        共 {c.requests} 次变更申请，已批准 {c.approved} 次；平均每个项目{' '}
        {c.perProjectAverage === null ? '—' : c.perProjectAverage} 次
      </Text>
      <Text className="crm-meta">
        已批准变更累计：费用 {signedFen(c.costDelta)}，工期 {signedDays(c.scheduleDeltaDays)}
      </Text>
    </View>
  );
}

function Payments({ past }: { past: Past }) {
  const p = past.payments;
  return (
    <View id="past-payments">
      <Text className="past-subtitle">付款表现</Text>
      <Text className="crm-meta">
        已开账单 {p.issued} 笔，已付清 {p.paid} 笔（按时 {p.paidOnTime}，逾期 {p.paidLate}）
      </Text>
      <Text className="crm-meta">
        当前逾期 {p.overdueNow} 笔，逾期金额 {formatFen(p.overdueAmount)}
      </Text>
      <Text className="crm-meta">
        逾期付款平均晚 {p.averageDaysLate === null ? '—' : `${p.averageDaysLate} 天`}；近 12 个月逾期{' '}
        {p.lateLast12Months} 次
      </Text>
    </View>
  );
}

function Feedback({ past }: { past: Past }) {
  const r = past.risk;
  return (
    <View id="past-feedback">
      <Text className="past-subtitle">投诉与评价</Text>
      <Text className="crm-meta">未关闭投诉 {r.openComplaints} 起</Text>
      <Text className="crm-meta">
        评价 {r.ratings} 次，平均 {r.averageRating === null ? '—' : `${r.averageRating} 星`}，低分（≤2 星）{' '}
        {r.lowRatings} 次
      </Text>
      {r.riskTags.length > 0 && (
        <View>
          {r.riskTags.map((t) => (
            <Text key={t} className="crm-tag tier-risk">
              {t}
            </Text>
          ))}
        </View>
      )}
    </View>
  );
}

/** 过往合作: earlier projects, how often the customer changed scope, how they paid, and risk notes. */
export function PastCooperation({ past }: { past: Past }) {
  return (
    <View id="past-cooperation" className="crm-card">
      <RiskNotes past={past} />
      <Text className="past-subtitle">合作项目</Text>
      <Projects past={past} />
      <Changes past={past} />
      <Payments past={past} />
      <Feedback past={past} />
      <Text className="past-subtitle">其他商机</Text>
      <Text className="crm-meta">
        成交 {past.opportunities.won} 个，流失 {past.opportunities.lost} 个
      </Text>
    </View>
  );
}
