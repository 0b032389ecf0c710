import { Text, View } from '@tarojs/components';
import type { Complaint, Repair } from '@gantry/shared';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { dueText } from '../../services/feedback';
import { formatDateTime } from '../../services/projects';

/** A deadline line: what is due, by when, and how long is left (red once it has passed). */
export function Due({ id, label, at, done }: { id: string; label: string; at: string; done: boolean }) {
  if (done) return null;
  const overdue = Date.parse(at) < Date.now();
  return (
    <Text id={id} className={`due-row${overdue ? ' overdue' : ''}`}>
      {label}：{formatDateTime(at)}（{dueText(at)}）
    </Text>
  );
}

const open = (page: string, id: string) => () =>
  void platform.navigateTo(`${page}?id=${encodeURIComponent(id)}`);

export function ComplaintCard({ complaint: c }: { complaint: Complaint }) {
  return (
    <View
      id={`complaint-item-${c.id}`}
      className={`project-card${c.overdue ? ' overdue' : ''}`}
      onClick={open(ROUTES.complaint, c.id)}
    >
      <View className="project-row">
        <Text className="project-name">投诉 · {c.categoryLabel}</Text>
        <Text className="project-tag">{c.statusLabel}</Text>
      </View>
      {c.projectName && <Text className="project-meta">{c.projectName}</Text>}
      <Text className="project-meta">{c.description.slice(0, 60)}</Text>
      <Due
        id={`complaint-response-due-${c.id}`}
        label="响应时限"
        at={c.responseDueAt}
        done={!!c.acknowledgedAt || c.status !== 'open'}
      />
      <Due
        id={`complaint-resolution-due-${c.id}`}
        label="处理时限"
        at={c.resolutionDueAt}
        done={c.status === 'resolved' || c.status === 'closed'}
      />
    </View>
  );
}

const UNFIXED = new Set(['submitted', 'triaged', 'scheduled', 'reopened']);

export function RepairCard({ repair: r }: { repair: Repair }) {
  return (
    <View
      id={`repair-item-${r.id}`}
      className={`project-card${r.overdue ? ' overdue' : ''}`}
      onClick={open(ROUTES.repair, r.id)}
    >
      <View className="project-row">
        <Text className="project-name">报修 · {r.location}</Text>
        <View>
          <Text className="project-tag">{r.statusLabel}</Text>
          {r.chargeable && <Text className="project-tag chargeable">保外收费</Text>}
        </View>
      </View>
      {r.projectName && <Text className="project-meta">{r.projectName}</Text>}
      <Text className="project-meta">{r.description.slice(0, 60)}</Text>
      {r.visitAt && <Text className="project-meta">上门时间：{formatDateTime(r.visitAt)}</Text>}
      <Due
        id={`repair-response-due-${r.id}`}
        label="响应时限"
        at={r.responseDueAt}
        done={r.status !== 'submitted'}
      />
      <Due
        id={`repair-resolution-due-${r.id}`}
        label="维修时限"
        at={r.resolutionDueAt}
        done={!UNFIXED.has(r.status)}
      />
    </View>
  );
}
