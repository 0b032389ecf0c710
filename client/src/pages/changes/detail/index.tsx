import { useCallback, useState } from 'react';
import { useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { ChangeRequest } from '@gantry/shared';
import { PhotoGrid } from '../../../components/projects/PhotoGrid';
import { Button } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { messageOf } from '../../../components/ui/errors';
import { useSubmit } from '../../../hooks/useSubmit';
import {
  acknowledgeChangeRequest,
  CHANGE_STATUS_LABELS,
  getChangeRequest,
  withdrawChangeRequest,
} from '../../../services/changes';
import { formatDate, formatDateTime } from '../../../services/projects';
import { getSessionUser } from '../../../store/session';
import { DecisionActions } from './DecisionActions';
import { Impact } from './Impact';
import { QuoteForm } from './QuoteForm';
import '../../../components/projects/projects.css';
import '../changes.css';

const OUTCOME_TEXT = {
  approved: '已同意',
  rejected: '已拒绝',
  expired: '报价过期',
  withdrawn: '已撤回',
} as const;

function Header({ request, staff }: { request: ChangeRequest; staff: boolean }) {
  return (
    <View className="project-card">
      <View className="project-row">
        <Text id="change-title-text" className="project-name">
          {request.title}
        </Text>
        <Text id="change-status" className={`project-tag change-${request.status}`}>
          {CHANGE_STATUS_LABELS[request.status]}
        </Text>
      </View>
      {request.projectName && <Text className="project-meta">{request.projectName}</Text>}
      <Text id="change-description-text" className="change-description">
        {request.description}
      </Text>
      <PhotoGrid photos={request.photos} idPrefix="change-photo" markInternal={staff} />
      <Text className="project-meta">
        {request.requestedBy.name} 提交于 {formatDateTime(request.submittedAt)}
        {request.wishedDate ? ` · 期望 ${formatDate(request.wishedDate)} 前完成` : ''}
      </Text>
      {request.acknowledgedBy && request.acknowledgedAt && (
        <Text id="change-acknowledged" className="project-meta">
          {request.acknowledgedBy.name} 于 {formatDateTime(request.acknowledgedAt)} 受理
          {request.acknowledgeNote ? `：${request.acknowledgeNote}` : ''}
        </Text>
      )}
    </View>
  );
}

function Outcome({ request }: { request: ChangeRequest }) {
  const o = request.outcome;
  if (!o) return null;
  return (
    <View id="change-outcome" className="project-card">
      <Text className="project-name">{OUTCOME_TEXT[o.outcome]}</Text>
      <Text className="project-meta">
        {o.by ? `${o.by.name} · ` : ''}
        {formatDateTime(o.at)}
      </Text>
      {o.comment && <Text className="change-description">{o.comment}</Text>}
      {o.effectsPending.length > 0 && <Text className="hint">变更正在生效中，请稍后刷新</Text>}
    </View>
  );
}

function AcknowledgeButton({ id, onDone }: { id: string; onDone: (r: ChangeRequest) => void }) {
  const { busy, error, run } = useSubmit();
  return (
    <View className="actions">
      <Button
        id="change-acknowledge"
        block
        type="primary"
        loading={busy}
        onClick={() => void run(async () => onDone(await acknowledgeChangeRequest(id)))}
      >
        受理并开始评估
      </Button>
      <ErrorText id="acknowledge-error" message={error} />
    </View>
  );
}

const OPEN: ReadonlySet<string> = new Set(['submitted', 'under_review', 'quoted']);

/** The requester takes the request back before a decision (a second tap confirms). */
function WithdrawButton({ id, onDone }: { id: string; onDone: (r: ChangeRequest) => void }) {
  const { busy, error, run } = useSubmit();
  const [armed, setArmed] = useState(false);
  const tap = () => {
    if (!armed) return setArmed(true);
    void run(async () => onDone(await withdrawChangeRequest(id, '')));
  };
  return (
    <View className="actions">
      <Button id="change-withdraw" block type={armed ? 'danger' : 'default'} loading={busy} onClick={tap}>
        {armed ? '确认撤回' : '撤回申请'}
      </Button>
      <ErrorText id="withdraw-error" message={error} />
    </View>
  );
}

/** 变更详情: the request, its quote with the before/after total and date, and who may act next. */
export default function ChangeDetailPage() {
  const id = useRouter().params.id ?? '';
  const role = getSessionUser()?.role;
  const userId = getSessionUser()?.id;
  const [request, setRequest] = useState<ChangeRequest | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setRequest(await getChangeRequest(id));
      setError(null);
    } catch (caught) {
      setError(messageOf(caught));
    }
  }, [id]);

  useDidShow(() => {
    if (id) void reload();
  });

  if (!request) {
    return (
      <View className="page">
        <Text className="hint">{error ?? '加载中…'}</Text>
      </View>
    );
  }
  const customer = role === 'customer';
  const canAcknowledge = role === 'admin' || role === 'service' || role === 'pm';
  const canQuote = role === 'admin' || role === 'pm';
  const { status } = request;
  return (
    <View className="page change-detail-page">
      <Header request={request} staff={!customer} />
      {canAcknowledge && status === 'submitted' && <AcknowledgeButton id={request.id} onDone={setRequest} />}
      <Impact request={request} />
      {customer && status === 'quoted' && !request.quote?.expired && (
        <DecisionActions request={request} onDone={setRequest} />
      )}
      {canQuote && (status === 'under_review' || status === 'quoted') && (
        <QuoteForm key={request.quote?.version ?? 0} request={request} onDone={setRequest} />
      )}
      <Outcome request={request} />
      {request.requestedBy.id === userId && OPEN.has(status) && (
        <WithdrawButton id={request.id} onDone={setRequest} />
      )}
    </View>
  );
}
