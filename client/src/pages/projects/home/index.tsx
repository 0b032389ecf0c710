import { useCallback, useState } from 'react';
import { useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { MilestoneView, ProjectHome } from '@gantry/shared';
import { PhotoGrid } from '../../../components/projects/PhotoGrid';
import { ProgressBar } from '../../../components/projects/ProgressBar';
import { Timeline } from '../../../components/projects/Timeline';
import { usePaged } from '../../../components/projects/usePaged';
import { Button } from '../../../components/ui';
import { messageOf } from '../../../components/ui/errors';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import {
  MILESTONE_STATUS_LABELS,
  PROJECT_STATUS_LABELS,
  formatDate,
  getProjectHome,
  getTimeline,
  listMilestones,
  varianceText,
} from '../../../services/projects';
import { getSessionUser } from '../../../store/session';
import { MilestoneList } from './MilestoneList';
import { feedbackEntries } from './feedbackEntries';
import { projectUnread } from '../../../services/chat';
import '../../../components/projects/projects.css';

interface Entry {
  key: string;
  label: string;
  page: string;
}

function entriesFor(staff: boolean, projectId: string): Entry[] {
  const q = `?id=${encodeURIComponent(projectId)}`;
  const gallery = { key: 'gallery', label: '相册', page: `${ROUTES.projectGallery}${q}` };
  const weekly = { key: 'weekly', label: '周报', page: `${ROUTES.weeklyReports}${q}` };
  if (!staff)
    return [gallery, weekly, { key: 'share', label: '分享进度', page: `${ROUTES.projectShare}${q}` }];
  return [
    { key: 'daily-log', label: '施工日志', page: `${ROUTES.dailyLog}${q}` },
    { key: 'issues', label: '现场问题', page: `${ROUTES.siteIssues}${q}` },
    gallery,
    weekly,
  ];
}

function Summary({ home }: { home: ProjectHome }) {
  const next = home.nextMilestone;
  return (
    <View id="project-summary" className="project-card">
      <View className="project-row">
        <Text id="project-name" className="project-name">
          {home.project.name}
        </Text>
        <Text className="project-tag">{PROJECT_STATUS_LABELS[home.project.status]}</Text>
      </View>
      <ProgressBar id="project-progress" percent={home.progress} />
      <Text id="project-variance" className="project-meta">
        进度：{varianceText(home.scheduleVarianceDays)} · 计划 {formatDate(home.project.plannedStart)} ~{' '}
        {formatDate(home.project.plannedEnd)}
      </Text>
      <Text id="project-next-milestone" className="project-meta">
        下一节点：
        {next
          ? `${next.name}（${MILESTONE_STATUS_LABELS[next.status as keyof typeof MILESTONE_STATUS_LABELS] ?? next.status}）`
          : '全部完成'}
      </Text>
      {home.openItems.awaitingConfirmation > 0 && (
        <Text id="project-awaiting" className="project-meta">
          {home.openItems.awaitingConfirmation} 个节点待确认
        </Text>
      )}
      <Text className="project-meta">地址：{home.project.address}</Text>
    </View>
  );
}

/** 项目主页: progress, the next milestone, the milestones, latest photos and the paged timeline. */
export default function ProjectHomePage() {
  const id = useRouter().params.id ?? '';
  const staff = getSessionUser()?.role !== 'customer';
  const [home, setHome] = useState<ProjectHome | null>(null);
  const [milestones, setMilestones] = useState<MilestoneView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timeline = usePaged((cursor) => getTimeline(id, cursor));
  const [chatUnread, setChatUnread] = useState(0);

  const refresh = useCallback(async () => {
    try {
      const [loadedHome, loadedMilestones] = await Promise.all([getProjectHome(id), listMilestones(id)]);
      setHome(loadedHome);
      setMilestones(loadedMilestones);
      setError(null);
    } catch (caught) {
      setError(messageOf(caught));
    }
  }, [id]);

  // Coming back from a milestone just confirmed or submitted must show its new status.
  useDidShow(() => {
    if (!id) return;
    void refresh();
    void timeline.reload();
    projectUnread(id).then(
      (u) => setChatUnread(u.unread),
      () => undefined,
    );
  });

  if (!home) {
    return (
      <View className="page">
        <Text className="hint">{error ?? '加载中…'}</Text>
      </View>
    );
  }
  const entries = [...entriesFor(staff, id), ...feedbackEntries(staff, id, home.project.status, chatUnread)];
  return (
    <View className="page project-home-page">
      <Summary home={home} />
      <View className="project-entries">
        {entries.map((e) => (
          <View
            key={e.key}
            id={`project-entry-${e.key}`}
            className="project-entry"
            onClick={() => void platform.navigateTo(e.page)}
          >
            {e.label}
          </View>
        ))}
      </View>

      <Text className="project-section-title">项目节点</Text>
      {milestones ? <MilestoneList milestones={milestones} /> : <Text className="hint">加载中…</Text>}

      {home.latestPhotos.length > 0 && (
        <View>
          <Text className="project-section-title">最新照片</Text>
          <PhotoGrid photos={home.latestPhotos} idPrefix="latest-photo" markInternal={staff} />
        </View>
      )}

      <Text className="project-section-title">项目动态</Text>
      {timeline.loaded && timeline.items.length === 0 && <Text className="project-empty">暂无动态</Text>}
      <Timeline items={timeline.items} staff={staff} />
      {timeline.nextCursor && (
        <View className="actions">
          <Button id="timeline-more" block loading={timeline.loading} onClick={timeline.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
