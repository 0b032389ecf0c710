import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { SiteIssueStatus } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { usePaged } from '../../../components/projects/usePaged';
import { Button } from '../../../components/ui';
import { listSiteIssues } from '../../../services/site';
import { IssueCard } from './IssueCard';
import { IssueForm } from './IssueForm';
import '../../../components/projects/projects.css';

type Filter = SiteIssueStatus | 'all';
const FILTERS: ReadonlyArray<{ value: Filter; label: string }> = [
  { value: 'all', label: '全部' },
  { value: 'open', label: '待处理' },
  { value: 'in_progress', label: '处理中' },
  { value: 'resolved', label: '已解决' },
  { value: 'closed', label: '已关闭' },
];

/** 现场问题: the project's site issues by status; the site registers, starts and resolves them. */
export default function IssuesPage() {
  const projectId = useRouter().params.id ?? '';
  const [filter, setFilter] = useState<Filter>('all');
  const [creating, setCreating] = useState(false);
  const list = usePaged((cursor) =>
    listSiteIssues(projectId, { cursor, status: filter === 'all' ? undefined : filter }),
  );

  useEffect(() => {
    if (projectId) void list.reload();
  }, [projectId, filter]);

  return (
    <View className="page issues-page">
      <Text className="page-title">现场问题</Text>
      {creating ? (
        <IssueForm
          projectId={projectId}
          onCancel={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            void list.reload();
          }}
        />
      ) : (
        <View className="actions">
          <Button id="issue-new" block type="primary" onClick={() => setCreating(true)}>
            登记新问题
          </Button>
        </View>
      )}
      <Text className="project-section-title">问题列表</Text>
      <Choices idPrefix="issue-filter" options={FILTERS} value={filter} onChange={setFilter} />
      {list.loaded && list.items.length === 0 && (
        <Text id="issues-empty" className="project-empty">
          暂无问题
        </Text>
      )}
      {list.items.map((issue) => (
        <IssueCard
          key={issue.id}
          issue={issue}
          onChanged={(changed) =>
            list.setItems((items) => items.map((i) => (i.id === changed.id ? changed : i)))
          }
        />
      ))}
      {list.nextCursor && (
        <View className="actions">
          <Button id="issues-more" block loading={list.loading} onClick={list.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
