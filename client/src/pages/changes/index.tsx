import { useEffect, useState } from 'react';
import { useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { ChangeRequestStatus } from '@gantry/shared';
import { Choices } from '../../components/projects/Choices';
import { usePaged } from '../../components/projects/usePaged';
import { Button } from '../../components/ui';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import {
  CHANGE_STATUS_LABELS,
  CHANGE_WORK_STATUSES,
  changeInbox,
  listChangeRequests,
} from '../../services/changes';
import { getSessionUser } from '../../store/session';
import { ChangeCard } from './ChangeCard';
import '../../components/projects/projects.css';
import './changes.css';

type Filter = ChangeRequestStatus | 'all';
const WAITING: readonly ChangeRequestStatus[] = ['quoted'];
const FILTERS: ReadonlyArray<{ value: Filter; label: string }> = [
  { value: 'all', label: '全部' },
  ...(['submitted', 'under_review', 'quoted', 'approved', 'rejected'] as const).map((s) => ({
    value: s,
    label: CHANGE_STATUS_LABELS[s],
  })),
];

/** One project's change requests (`?projectId=`), or without a project the staff inbox over all of theirs. */
function ProjectChanges({ projectId }: { projectId: string }) {
  const [filter, setFilter] = useState<Filter>('all');
  const list = usePaged((cursor) =>
    listChangeRequests(projectId, { cursor, status: filter === 'all' ? undefined : filter }),
  );
  useEffect(() => {
    void list.reload();
  }, [projectId, filter]);
  // Back from a request just submitted or decided: show its new status.
  useDidShow(() => {
    if (list.loaded) void list.reload();
  });

  return (
    <View>
      <View className="actions">
        <Button
          id="change-new"
          block
          type="primary"
          onClick={() =>
            void platform.navigateTo(`${ROUTES.changeNew}?projectId=${encodeURIComponent(projectId)}`)
          }
        >
          提交变更申请
        </Button>
      </View>
      <Text className="project-section-title">变更记录</Text>
      <Choices idPrefix="change-filter" options={FILTERS} value={filter} onChange={setFilter} />
      {list.loaded && list.items.length === 0 && (
        <Text id="changes-empty" className="project-empty">
          暂无变更申请
        </Text>
      )}
      {list.items.map((r) => (
        <ChangeCard key={r.id} request={r} />
      ))}
      {list.nextCursor && (
        <View className="actions">
          <Button id="changes-more" block loading={list.loading} onClick={list.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}

/**
 * One part of the staff inbox over all of their projects: its requests oldest first (the server's
 * order), a page at a time. The count says "+" while more pages wait.
 */
function InboxSection(props: {
  id: string;
  title: string;
  empty: string;
  statuses: readonly ChangeRequestStatus[];
}) {
  const list = usePaged((cursor) => changeInbox({ cursor, statuses: props.statuses }));
  useEffect(() => {
    void list.reload();
  }, []);
  // Back from a request just acknowledged or quoted: it moves from one section to the other.
  useDidShow(() => {
    if (list.loaded) void list.reload();
  });
  if (!list.loaded) return <Text className="hint">加载中…</Text>;
  return (
    <View id={props.id}>
      <Text className="project-section-title">
        {props.title}（{list.items.length}
        {list.nextCursor ? '+' : ''}）
      </Text>
      {list.items.length === 0 && <Text className="project-empty">{props.empty}</Text>}
      {list.items.map((r) => (
        <ChangeCard key={r.id} request={r} showProject />
      ))}
      {list.nextCursor && (
        <View className="actions">
          <Button id={`${props.id}-more`} block loading={list.loading} onClick={list.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}

/**
 * Staff: what waits for an acknowledgement or a quote, and what waits for the customer. Two lists
 * (each paged) rather than one split on screen: a page of one would otherwise push the other's
 * items behind "加载更多" and make both counts wrong.
 */
function Inbox() {
  return (
    <View id="change-inbox">
      <InboxSection
        id="change-inbox-todo"
        title="待处理"
        empty="没有待处理的变更"
        statuses={CHANGE_WORK_STATUSES}
      />
      <InboxSection id="change-inbox-waiting" title="等待客户确认" empty="暂无" statuses={WAITING} />
    </View>
  );
}

export default function ChangesPage() {
  const projectId = useRouter().params.projectId ?? '';
  const staff = getSessionUser()?.role !== 'customer';
  return (
    <View className="page changes-page">
      <Text className="page-title">{projectId || !staff ? '变更申请' : '变更收件箱'}</Text>
      {projectId ? <ProjectChanges projectId={projectId} /> : <Inbox />}
    </View>
  );
}
