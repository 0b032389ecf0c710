import { useCallback, useState } from 'react';
import { useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Complaint } from '@gantry/shared';
import { PhotoGrid } from '../../../components/projects/PhotoGrid';
import { Button } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { messageOf } from '../../../components/ui/errors';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import {
  acceptComplaint,
  acknowledgeComplaint,
  getComplaint,
  reopenComplaint,
  resolveComplaint,
} from '../../../services/feedback';
import { formatDateTime } from '../../../services/projects';
import { getSessionUser } from '../../../store/session';
import { Due } from '../Cards';
import { ReasonAction } from '../Reason';
import { ComplaintForm } from './ComplaintForm';
import '../../../components/projects/projects.css';
import '../feedback.css';

const HANDLERS = new Set(['admin', 'service', 'pm']);

function Details({ c }: { c: Complaint }) {
  return (
    <View className={`project-card${c.overdue ? ' overdue' : ''}`}>
      <View className="project-row">
        <Text className="project-name">投诉 · {c.categoryLabel}</Text>
        <Text id="complaint-status" className="project-tag">
          {c.statusLabel}
        </Text>
      </View>
      {c.projectName && <Text className="project-meta">{c.projectName}</Text>}
      <Text className="feedback-text">{c.description}</Text>
      <PhotoGrid photos={c.photos} idPrefix="complaint-photo" />
      <Text className="project-meta">
        {c.raisedBy.name} 提交于 {formatDateTime(c.openedAt)}
        {c.round > 1 ? ` · 第 ${c.round} 次处理` : ''}
      </Text>
      <Due id="complaint-response-due" label="响应时限" at={c.responseDueAt} done={c.status !== 'open'} />
      <Due
        id="complaint-resolution-due"
        label="处理时限"
        at={c.resolutionDueAt}
        done={c.status === 'resolved' || c.status === 'closed'}
      />
      {c.acknowledgedBy && (
        <Text className="project-meta">
          {c.acknowledgedBy.name} 已受理{c.acknowledgeNote ? `：${c.acknowledgeNote}` : ''}
        </Text>
      )}
      {c.escalations.length > 0 && (
        <Text className="due-row overdue">已超时升级 {c.escalations.length} 次</Text>
      )}
      {c.reopenReason && <Text className="project-meta">重新打开原因：{c.reopenReason}</Text>}
    </View>
  );
}

function Resolution({ c }: { c: Complaint }) {
  if (!c.resolution) return null;
  return (
    <View id="complaint-resolution" className="project-card">
      <Text className="project-name">处理结果</Text>
      <Text className="feedback-text">{c.resolution}</Text>
      <PhotoGrid photos={c.resolutionPhotos} idPrefix="resolution-photo" />
      {c.resolvedBy && c.resolvedAt && (
        <Text className="project-meta">
          {c.resolvedBy.name} · {formatDateTime(c.resolvedAt)}
        </Text>
      )}
    </View>
  );
}

/** The actions open to the signed-in user in the complaint's status. */
function Actions({ c, onDone }: { c: Complaint; onDone: (c: Complaint) => void }) {
  const role = getSessionUser()?.role ?? '';
  const { busy, error, run } = useSubmit();
  const act = (action: () => Promise<Complaint>, done: string) =>
    void run(async () => {
      onDone(await action());
      platform.toast(done, 'success');
    });
  const staff = HANDLERS.has(role);
  const customer = role === 'customer';
  return (
    <View className="actions">
      {staff && c.status === 'open' && (
        <Button
          id="complaint-acknowledge"
          block
          type="primary"
          loading={busy}
          onClick={() => act(() => acknowledgeComplaint(c.id), '已受理')}
        >
          受理
        </Button>
      )}
      {staff && (c.status === 'open' || c.status === 'acknowledged') && (
        <ReasonAction
          id="complaint-resolve"
          label="填写处理结果"
          prompt="处理结果"
          busy={busy}
          photosOf={c.projectId}
          onSend={(text, photoIds) => act(() => resolveComplaint(c.id, text, photoIds), '已提交处理结果')}
        />
      )}
      {customer && c.status === 'resolved' && (
        <>
          <Button
            id="complaint-accept"
            block
            type="primary"
            loading={busy}
            onClick={() => act(() => acceptComplaint(c.id), '已确认')}
          >
            满意，关闭投诉
          </Button>
          <ReasonAction
            id="complaint-reopen"
            label="不满意，重新处理"
            prompt="请说明仍未解决的问题"
            busy={busy}
            onSend={(text) => act(() => reopenComplaint(c.id, text), '已重新提交')}
          />
        </>
      )}
      <ErrorText id="complaint-action-error" message={error} />
    </View>
  );
}

/** 投诉详情 (`?id=`), or a new complaint on a project (`?projectId=`). */
export default function ComplaintPage() {
  const params = useRouter().params;
  const id = params.id ?? '';
  const [complaint, setComplaint] = useState<Complaint | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setComplaint(await getComplaint(id));
    } catch (caught) {
      setError(messageOf(caught));
    }
  }, [id]);
  useDidShow(() => {
    if (id) void reload();
  });

  if (!id) return <ComplaintForm projectId={params.projectId ?? ''} />;
  if (!complaint) {
    return (
      <View className="page">
        <Text className="hint">{error ?? '加载中…'}</Text>
      </View>
    );
  }
  return (
    <View className="page complaint-page">
      <Details c={complaint} />
      <Resolution c={complaint} />
      <Actions c={complaint} onDone={setComplaint} />
    </View>
  );
}
