import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { usePaged } from '../../../components/projects/usePaged';
import { Button, Switch } from '../../../components/ui';
import {
  getWeeklyReportSettings,
  listWeeklyReports,
  setWeeklyReportAutoSend,
} from '../../../services/projects';
import { getSessionUser } from '../../../store/session';
import { ReportCard } from './ReportCard';
import '../../../components/projects/projects.css';

/** 自动发送周报: the PM's own setting, for all their projects. */
function AutoSendSwitch() {
  const [autoSend, setAutoSend] = useState<boolean | null>(null);
  useEffect(() => {
    getWeeklyReportSettings().then(
      (s) => setAutoSend(s.autoSend),
      () => undefined,
    );
  }, []);
  if (autoSend === null) return null;
  return (
    <View className="form-switch-row">
      <Text className="form-switch-label">自动发送周报</Text>
      <Switch
        id="weekly-auto-send"
        checked={autoSend}
        onChange={(next) => {
          setAutoSend(next);
          // On failure (toasted) the switch goes back to what the server keeps.
          setWeeklyReportAutoSend(next).then(
            (s) => setAutoSend(s.autoSend),
            () => setAutoSend(!next),
          );
        }}
      />
    </View>
  );
}

/** 周报: the project's weekly reports; the PM reviews drafts and sends them, customers read sent ones. */
export default function WeeklyReportsPage() {
  const projectId = useRouter().params.id ?? '';
  const role = getSessionUser()?.role;
  const list = usePaged((cursor) => listWeeklyReports(projectId, cursor));

  useEffect(() => {
    if (projectId) void list.reload();
  }, [projectId]);

  return (
    <View className="page weekly-page">
      <Text className="page-title">项目周报</Text>
      {role === 'pm' && <AutoSendSwitch />}
      {list.loaded && list.items.length === 0 && (
        <Text id="weekly-empty" className="project-empty">
          暂无周报
        </Text>
      )}
      {list.items.map((report) => (
        <ReportCard
          key={report.id}
          report={report}
          canSend={role === 'pm' || role === 'admin'}
          onChanged={(changed) =>
            list.setItems((items) => items.map((r) => (r.id === changed.id ? changed : r)))
          }
        />
      ))}
      {list.nextCursor && (
        <View className="actions">
          <Button id="weekly-more" block loading={list.loading} onClick={list.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
