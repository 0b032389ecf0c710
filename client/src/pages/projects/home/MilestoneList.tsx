import { Text, View } from '@tarojs/components';
import type { MilestoneView } from '@gantry/shared';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import { formatDate } from '../../../services/projects';

/** The project's milestones in order; a tap opens one (to confirm it, or to submit it). */
export function MilestoneList({ milestones }: { milestones: MilestoneView[] }) {
  if (milestones.length === 0) return <Text className="project-empty">暂无节点</Text>;
  return (
    <View id="milestone-list">
      {milestones.map((m) => (
        <View
          key={m.id}
          id={`milestone-item-${m.id}`}
          className="project-card"
          onClick={() => void platform.navigateTo(`${ROUTES.milestone}?id=${encodeURIComponent(m.id)}`)}
        >
          <View className="project-row">
            <Text className="project-name">{m.name}</Text>
            <Text id={`milestone-status-${m.id}`} className={`project-tag status-${m.status}`}>
              {m.statusLabel}
            </Text>
          </View>
          <Text className="project-meta">
            计划完成 {formatDate(m.plannedEnd)}
            {m.actualEnd ? ` · 实际完成 ${formatDate(m.actualEnd)}` : ''}
          </Text>
        </View>
      ))}
    </View>
  );
}
