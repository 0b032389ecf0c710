import { useCallback, useState } from 'react';
import { useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { MilestoneDetail } from '@gantry/shared';
import { Button } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { messageOf } from '../../../components/ui/errors';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import { formatDate, formatDateTime, getMilestone, startMilestone } from '../../../services/projects';
import { getSessionUser } from '../../../store/session';
import { ConfirmActions } from './ConfirmActions';
import { Rounds } from './Rounds';
import { SubmitForm } from './SubmitForm';
import '../../../components/projects/projects.css';

/** Statuses from which the site may submit (again) for confirmation: a rejection reopens the work. */
const SUBMITTABLE = new Set(['in_progress', 'rejected']);

function StartButton({ milestone, onDone }: { milestone: MilestoneDetail; onDone: () => void }) {
  const { busy, error, run } = useSubmit();
  const start = () =>
    void run(async () => {
      await startMilestone(milestone.id);
      onDone();
    });
  return (
    <View className="actions">
      <Button id="milestone-start" block type="primary" loading={busy} onClick={start}>
        开始施工
      </Button>
      <ErrorText id="start-error" message={error} />
    </View>
  );
}

function Header({ milestone }: { milestone: MilestoneDetail }) {
  return (
    <View className="project-card">
      <View className="project-row">
        <Text id="milestone-name" className="project-name">
          {milestone.name}
        </Text>
        <Text id="milestone-status" className={`project-tag status-${milestone.status}`}>
          {milestone.statusLabel}
        </Text>
      </View>
      <Text className="project-meta">
        计划 {formatDate(milestone.plannedStart)} ~ {formatDate(milestone.plannedEnd)}
        {milestone.actualEnd ? ` · 实际完成 ${formatDate(milestone.actualEnd)}` : ''}
      </Text>
      {milestone.autoConfirmAt && (
        <Text id="milestone-auto-confirm" className="project-meta">
          {formatDateTime(milestone.autoConfirmAt)} 前未处理将自动确认
        </Text>
      )}
    </View>
  );
}

/** 节点详情: the evidence of each round; the customer confirms or rejects, the site submits. */
export default function MilestonePage() {
  const id = useRouter().params.id ?? '';
  const role = getSessionUser()?.role;
  const [milestone, setMilestone] = useState<MilestoneDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setMilestone(await getMilestone(id));
      setError(null);
    } catch (caught) {
      setError(messageOf(caught));
    }
  }, [id]);

  useDidShow(() => {
    if (id) void reload();
  });

  if (!milestone) {
    return (
      <View className="page">
        <Text className="hint">{error ?? '加载中…'}</Text>
      </View>
    );
  }
  const customer = role === 'customer';
  const site = role === 'pm' || role === 'engineer';
  return (
    <View className="page milestone-page">
      <Header milestone={milestone} />
      {customer && milestone.status === 'awaiting_confirmation' && (
        <ConfirmActions milestone={milestone} onDone={() => void reload()} />
      )}
      {site && milestone.status === 'pending' && (
        <StartButton milestone={milestone} onDone={() => void reload()} />
      )}
      {site && SUBMITTABLE.has(milestone.status) && (
        <SubmitForm milestone={milestone} onDone={() => void reload()} />
      )}
      {customer && milestone.status === 'confirmed' && (
        <View className="actions">
          <Button
            id="milestone-rate"
            block
            onClick={() =>
              void platform.navigateTo(`${ROUTES.rating}?milestoneId=${encodeURIComponent(milestone.id)}`)
            }
          >
            评价本节点
          </Button>
        </View>
      )}
      <Text className="project-section-title">验收记录</Text>
      <Rounds milestone={milestone} staff={!customer} />
    </View>
  );
}
