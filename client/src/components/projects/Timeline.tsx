import { Text, View } from '@tarojs/components';
import type { TimelineItemView } from '@gantry/shared';
import { formatDateTime } from '../../services/projects';
import { PhotoGrid } from './PhotoGrid';

/** The project's history, newest first: milestones, daily logs, issues and reports with their photos. */
export function Timeline({ items, staff }: { items: TimelineItemView[]; staff: boolean }) {
  return (
    <View id="project-timeline">
      {items.map((item) => (
        <View key={item.id} id={`timeline-item-${item.id}`} className="timeline-item">
          <View className="timeline-dot" />
          <Text className="timeline-title">
            {item.title}
            {staff && !item.customerVisible ? '（内部）' : ''}
          </Text>
          <Text className="timeline-time">
            {formatDateTime(item.occurredAt)}
            {item.actor ? ` · ${item.actor.name}` : ''}
          </Text>
          {item.summary && <Text className="project-meta">{item.summary}</Text>}
          <PhotoGrid photos={item.photos} idPrefix={`timeline-photo-${item.id}`} markInternal={staff} />
        </View>
      ))}
    </View>
  );
}
