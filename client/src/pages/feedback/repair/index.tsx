import { useCallback, useState } from 'react';
import { useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Repair } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { PhotoGrid } from '../../../components/projects/PhotoGrid';
import { Button } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { messageOf } from '../../../components/ui/errors';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { getRepair, repairAction } from '../../../services/feedback';
import { formatDateTime } from '../../../services/projects';
import { getSessionUser } from '../../../store/session';
import { Due } from '../Cards';
import { ReasonAction } from '../Reason';
import { RepairForm } from './RepairForm';
import { StaffActions, type Act } from './StaffActions';
import '../../../components/projects/projects.css';
import '../feedback.css';

const HANDLERS = new Set(['admin', 'service', 'pm', 'engineer']);
const UNFIXED = new Set(['submitted', 'triaged', 'scheduled', 'reopened']);
const STARS = [1, 2, 3, 4, 5].map((n) => ({ value: n, label: `${n} 分` }));

function Details({ r }: { r: Repair }) {
  return (
    <View className={`project-card${r.overdue ? ' overdue' : ''}`}>
      <View className="project-row">
        <Text className="project-name">报修 · {r.location}</Text>
        <View>
          <Text id="repair-status" className="project-tag">
            {r.statusLabel}
          </Text>
          {r.chargeable && <Text className="project-tag chargeable">保外收费</Text>}
        </View>
      </View>
      {r.projectName && <Text className="project-meta">{r.projectName}</Text>}
      <Text className="feedback-text">{r.description}</Text>
      <PhotoGrid photos={r.photos} idPrefix="repair-photo" />
      <Text className="project-meta">
        {r.raisedBy.name} 提交于 {formatDateTime(r.filedAt)}
      </Text>
      <Due id="repair-response-due" label="响应时限" at={r.responseDueAt} done={r.status !== 'submitted'} />
      <Due id="repair-resolution-due" label="维修时限" at={r.resolutionDueAt} done={!UNFIXED.has(r.status)} />
      {r.assignee && <Text className="project-meta">负责人：{r.assignee.name}</Text>}
      {r.visitAt && (
        <Text id="repair-visit" className="project-meta">
          上门时间：{formatDateTime(r.visitAt)}
        </Text>
      )}
      {r.fixNote && <Text className="feedback-text">维修说明：{r.fixNote}</Text>}
      <PhotoGrid photos={r.fixPhotos} idPrefix="repair-fix-photo" />
      {r.rating !== null && (
        <Text className="project-meta">
          客户评分：{r.rating} 分{r.ratingComment ? ` · ${r.ratingComment}` : ''}
        </Text>
      )}
      {r.reopenReason && <Text className="project-meta">返修原因：{r.reopenReason}</Text>}
      {r.cancelReason && <Text className="project-meta">取消原因：{r.cancelReason}</Text>}
    </View>
  );
}

/** The customer's answer to a fix: confirm with a 1–5 rating, or reopen with a reason. */
function CustomerActions({ repair: r, act, busy }: { repair: Repair; act: Act; busy: boolean }) {
  const [rating, setRating] = useState<number | null>(null);
  if (r.status !== 'fixed') return null;
  return (
    <View className="actions">
      <View id="repair-confirm" className="project-card">
        <Text className="form-label">为本次维修打分</Text>
        <Choices idPrefix="repair-rating" options={STARS} value={rating} onChange={setRating} />
        <Button
          id="repair-confirm-submit"
          block
          type="primary"
          loading={busy}
          onClick={() =>
            rating ? act({ action: 'confirm', body: { rating } }, '已确认完成') : platform.toast('请先打分')
          }
        >
          确认修好了
        </Button>
      </View>
      <ReasonAction
        id="repair-reopen"
        label="没修好，要求返修"
        prompt="请说明问题"
        busy={busy}
        onSend={(reason) => act({ action: 'reopen', body: { reason } }, '已提交返修')}
      />
    </View>
  );
}

/** 报修详情 (`?id=`), or a new repair request on a project (`?projectId=`). */
export default function RepairPage() {
  const params = useRouter().params;
  const id = params.id ?? '';
  const role = getSessionUser()?.role ?? '';
  const [repair, setRepair] = useState<Repair | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = useSubmit();

  const reload = useCallback(async () => {
    try {
      setRepair(await getRepair(id));
    } catch (caught) {
      setError(messageOf(caught));
    }
  }, [id]);
  useDidShow(() => {
    if (id) void reload();
  });

  const act: Act = (step, done) =>
    void submit.run(async () => {
      setRepair(await repairAction(id, step));
      platform.toast(done, 'success');
    });

  if (!id) return <RepairForm projectId={params.projectId ?? ''} />;
  if (!repair) {
    return (
      <View className="page">
        <Text className="hint">{error ?? '加载中…'}</Text>
      </View>
    );
  }
  return (
    <View className="page repair-page">
      <Details r={repair} />
      {HANDLERS.has(role) && <StaffActions repair={repair} act={act} busy={submit.busy} />}
      {role === 'customer' && <CustomerActions repair={repair} act={act} busy={submit.busy} />}
      {role === 'customer' && UNFIXED.has(repair.status) && (
        <View className="actions">
          <ReasonAction
            id="repair-cancel"
            label="取消报修"
            prompt="取消原因"
            busy={submit.busy}
            onSend={(reason) => act({ action: 'cancel', body: { reason } }, '已取消')}
          />
        </View>
      )}
      <ErrorText id="repair-action-error" message={submit.error} />
    </View>
  );
}
