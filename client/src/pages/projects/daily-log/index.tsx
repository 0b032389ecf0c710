import { useCallback, useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { DailyLog } from '@gantry/shared';
import { PhotoGrid } from '../../../components/projects/PhotoGrid';
import { usePaged } from '../../../components/projects/usePaged';
import { Button } from '../../../components/ui';
import { formatDateTime, todayInShanghai } from '../../../services/projects';
import { listDailyLogs } from '../../../services/site';
import { getSessionUser } from '../../../store/session';
import { DailyLogForm } from './DailyLogForm';
import '../../../components/projects/projects.css';

function LogCard({ log }: { log: DailyLog }) {
  return (
    <View id={`log-item-${log.id}`} className="project-card">
      <View className="project-row">
        <Text className="project-name">
          {log.date} · {log.author.name}
        </Text>
        <Text className="project-tag">{log.customerVisible ? '客户可见' : '内部'}</Text>
      </View>
      <Text className="project-meta">
        {log.weatherLabel}
        {log.temperature === null ? '' : ` ${log.temperature}°C`} · {log.headcount} 人
      </Text>
      <Text className="project-meta">完成：{log.workDone}</Text>
      {log.problems && <Text className="project-meta">问题：{log.problems}</Text>}
      <PhotoGrid photos={log.photos} idPrefix={`log-photo-${log.id}`} markInternal />
      <Text className="timeline-time">更新于 {formatDateTime(log.updatedAt)}</Text>
    </View>
  );
}

/** 施工日志: today's log of the signed-in PM or engineer (new or still editable), and the project's recent logs. */
export default function DailyLogPage() {
  const projectId = useRouter().params.id ?? '';
  const me = getSessionUser();
  const [mine, setMine] = useState<DailyLog | null | undefined>(undefined);
  const recent = usePaged((cursor) => listDailyLogs(projectId, { cursor }));

  const loadMine = useCallback(async () => {
    const today = todayInShanghai();
    const page = await listDailyLogs(projectId, { authorId: me?.id, from: today, to: today });
    setMine(page.items.find((l) => l.editable) ?? null);
  }, [projectId, me?.id]);

  useEffect(() => {
    if (!projectId) return;
    loadMine().catch(() => setMine(null));
    void recent.reload();
  }, [projectId]);

  return (
    <View className="page daily-log-page">
      <Text className="page-title">{mine ? '修改今日日志' : '填写今日日志'}</Text>
      {mine === undefined ? (
        <Text className="hint">加载中…</Text>
      ) : (
        <DailyLogForm
          key={mine?.id ?? 'new'}
          projectId={projectId}
          existing={mine}
          onSaved={(log) => {
            setMine(log);
            void recent.reload();
          }}
        />
      )}
      <Text className="project-section-title">最近日志</Text>
      {recent.loaded && recent.items.length === 0 && <Text className="project-empty">暂无日志</Text>}
      {recent.items.map((log) => (
        <LogCard key={log.id} log={log} />
      ))}
      {recent.nextCursor && (
        <View className="actions">
          <Button id="logs-more" block loading={recent.loading} onClick={recent.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
