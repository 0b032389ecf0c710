import { Text, View } from '@tarojs/components';
import type { MilestoneConfirmation, MilestoneDetail, MilestoneEvidence } from '@gantry/shared';
import { PhotoGrid } from '../../../components/projects/PhotoGrid';
import { formatDateTime } from '../../../services/projects';
import type { FileRef } from '@gantry/shared';

/** The API types photos loosely (`{ id }` plus the FileRef fields); they are FileRefs. */
const refs = (photos: Array<{ id: string }>) => photos as unknown as FileRef[];

function EvidenceView({ evidence, id, staff }: { evidence: MilestoneEvidence; id: string; staff: boolean }) {
  return (
    <View id={id} className="project-card">
      <Text className="project-meta">
        第 {evidence.round} 次提交 · {formatDateTime(evidence.submittedAt)}
        {evidence.submittedBy ? ` · ${evidence.submittedBy.name}` : ''}
      </Text>
      {evidence.note && <Text className="project-meta">说明：{evidence.note}</Text>}
      <PhotoGrid photos={refs(evidence.photos)} idPrefix={`${id}-photo`} markInternal={staff} />
    </View>
  );
}

function DecisionView({ confirmation, id }: { confirmation: MilestoneConfirmation; id: string }) {
  const who = confirmation.automatic ? '系统自动确认（超时未处理）' : (confirmation.by?.name ?? '客户');
  return (
    <View id={id} className="project-card">
      <Text
        className={`project-tag status-${confirmation.decision === 'confirm' ? 'confirmed' : 'rejected'}`}
      >
        {confirmation.decision === 'confirm' ? '已确认' : '已驳回'}
      </Text>
      <Text className="project-meta">
        {who} · {formatDateTime(confirmation.at)}
      </Text>
      {confirmation.comment && (
        <Text className="project-meta">
          {confirmation.decision === 'reject' ? '驳回原因' : '意见'}：{confirmation.comment}
        </Text>
      )}
      <PhotoGrid photos={refs(confirmation.photos)} idPrefix={`${id}-photo`} />
    </View>
  );
}

/** Every submission with the customer's answer to it, newest first. */
export function Rounds({ milestone, staff }: { milestone: MilestoneDetail; staff: boolean }) {
  if (milestone.rounds.length === 0) return <Text className="project-empty">尚未提交验收</Text>;
  return (
    <View id="milestone-rounds">
      {[...milestone.rounds].reverse().map((r) => (
        <View key={r.round}>
          {r.confirmation && <DecisionView confirmation={r.confirmation} id={`round-${r.round}-decision`} />}
          <EvidenceView evidence={r.evidence} id={`round-${r.round}-evidence`} staff={staff} />
        </View>
      ))}
    </View>
  );
}
