import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { SharedProgress, TimelineItemView } from '@gantry/shared';
import { ProgressBar } from '../../components/projects/ProgressBar';
import { Timeline } from '../../components/projects/Timeline';
import { Button } from '../../components/ui';
import { messageOf } from '../../components/ui/errors';
import {
  MILESTONE_STATUS_LABELS,
  PROJECT_STATUS_LABELS,
  formatDate,
  formatDateTime,
  getSharedProgress,
  varianceText,
} from '../../services/projects';
import '../../components/projects/projects.css';

const statusLabel = (status: string) =>
  MILESTONE_STATUS_LABELS[status as keyof typeof MILESTONE_STATUS_LABELS] ?? status;

/**
 * What a share link opens, for family or partners without an account: the project's
 * customer-visible progress, read-only, until the link expires or is revoked.
 */
export default function SharedProgressPage() {
  const token = useRouter().params.token ?? '';
  const [shared, setShared] = useState<SharedProgress | null>(null);
  const [items, setItems] = useState<TimelineItemView[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = async (cursor?: string) => {
    setLoading(true);
    try {
      const page = await getSharedProgress(token, cursor);
      if (!cursor) setShared(page);
      setItems((current) => (cursor ? [...current, ...page.timeline.items] : page.timeline.items));
      setNextCursor(page.timeline.nextCursor);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    if (token) void load();
    else setError('链接无效');
  }, [token]);

  if (!shared) {
    return (
      <View className="page">
        <Text id="shared-error" className={error ? 'error-text' : 'hint'}>
          {error ?? '加载中…'}
        </Text>
      </View>
    );
  }
  return (
    <View className="page shared-page">
      <View id="shared-summary" className="project-card">
        <View className="project-row">
          <Text id="shared-project-name" className="project-name">
            {shared.project.name}
          </Text>
          <Text className="project-tag">{PROJECT_STATUS_LABELS[shared.project.status]}</Text>
        </View>
        <ProgressBar percent={shared.progress} />
        <Text className="project-meta">进度：{varianceText(shared.scheduleVarianceDays)}</Text>
        <Text className="project-meta">
          下一节点：
          {shared.nextMilestone
            ? `${shared.nextMilestone.name}（${statusLabel(shared.nextMilestone.status)}）`
            : '全部完成'}
        </Text>
        <Text className="hint">此链接 {formatDateTime(shared.expiresAt)} 失效</Text>
      </View>
      <Text className="project-section-title">项目节点</Text>
      {shared.milestones.map((m) => (
        <View key={m.id} className="project-card">
          <View className="project-row">
            <Text className="project-name">{m.name}</Text>
            <Text className={`project-tag status-${m.status}`}>{statusLabel(m.status)}</Text>
          </View>
          {m.plannedEnd && <Text className="project-meta">计划完成 {formatDate(m.plannedEnd)}</Text>}
        </View>
      ))}
      <Text className="project-section-title">项目动态</Text>
      {items.length === 0 && <Text className="project-empty">暂无动态</Text>}
      <Timeline items={items} staff={false} />
      {nextCursor && (
        <View className="actions">
          <Button id="shared-more" block loading={loading} onClick={() => void load(nextCursor)}>
            加载更多
          </Button>
        </View>
      )}
      {error && <Text className="error-text">{error}</Text>}
    </View>
  );
}
