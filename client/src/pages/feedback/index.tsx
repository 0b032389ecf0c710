import { useEffect, useState } from 'react';
import { useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Complaint, Page, Repair } from '@gantry/shared';
import { Choices } from '../../components/projects/Choices';
import { usePaged } from '../../components/projects/usePaged';
import { Button } from '../../components/ui';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { listComplaints, listRepairs } from '../../services/feedback';
import { getSessionUser } from '../../store/session';
import { ComplaintCard, RepairCard } from './Cards';
import '../../components/projects/projects.css';
import './feedback.css';

type Kind = 'complaints' | 'repairs';
type Scope = 'all' | 'overdue';
const KINDS: ReadonlyArray<{ value: Kind; label: string }> = [
  { value: 'complaints', label: '投诉' },
  { value: 'repairs', label: '报修' },
];
const SCOPES: ReadonlyArray<{ value: Scope; label: string }> = [
  { value: 'all', label: '全部' },
  { value: 'overdue', label: '已超时' },
];

type Item = { kind: 'complaint'; value: Complaint } | { kind: 'repair'; value: Repair };

/**
 * 投诉与报修: staff see the complaints and repairs of their projects with both deadlines, overdue
 * ones marked red (and a filter for them); a customer follows their own (`?projectId=` narrows to
 * one project and offers to raise a new one).
 */
export default function FeedbackBoardPage() {
  const projectId = useRouter().params.projectId;
  const customer = getSessionUser()?.role === 'customer';
  const [kind, setKind] = useState<Kind>('complaints');
  const [scope, setScope] = useState<Scope>('all');
  const list = usePaged<Item>(async (cursor): Promise<Page<Item>> => {
    const q = { cursor, projectId, overdue: scope === 'overdue' ? true : undefined };
    if (kind === 'complaints') {
      const page = await listComplaints(q);
      return { ...page, items: page.items.map((value) => ({ kind: 'complaint', value })) };
    }
    const page = await listRepairs(q);
    return { ...page, items: page.items.map((value) => ({ kind: 'repair', value })) };
  });

  useEffect(() => {
    void list.reload();
  }, [kind, scope, projectId]);
  useDidShow(() => {
    if (list.loaded) void list.reload();
  });

  const q = projectId ? `?projectId=${encodeURIComponent(projectId)}` : '';
  return (
    <View className="page feedback-page">
      <Text className="page-title">{customer ? '我的投诉与报修' : '投诉与报修'}</Text>
      {customer && projectId && (
        <View className="actions">
          <Button
            id="complaint-new"
            block
            onClick={() => void platform.navigateTo(`${ROUTES.complaint}${q}`)}
          >
            我要投诉
          </Button>
          <Button id="repair-new" block onClick={() => void platform.navigateTo(`${ROUTES.repair}${q}`)}>
            我要报修
          </Button>
        </View>
      )}
      <Choices idPrefix="feedback-kind" options={KINDS} value={kind} onChange={setKind} />
      {!customer && <Choices idPrefix="feedback-scope" options={SCOPES} value={scope} onChange={setScope} />}
      {list.loaded && list.items.length === 0 && (
        <Text id="feedback-empty" className="project-empty">
          暂无记录
        </Text>
      )}
      {list.items.map((item) =>
        item.kind === 'complaint' ? (
          <ComplaintCard key={item.value.id} complaint={item.value} />
        ) : (
          <RepairCard key={item.value.id} repair={item.value} />
        ),
      )}
      {list.nextCursor && (
        <View className="actions">
          <Button id="feedback-more" block loading={list.loading} onClick={list.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
