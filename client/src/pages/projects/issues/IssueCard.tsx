import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { FileRef, SiteIssue } from '@gantry/shared';
import { PhotoGrid } from '../../../components/projects/PhotoGrid';
import { PhotoPicker } from '../../../components/projects/PhotoPicker';
import { TextArea } from '../../../components/projects/ui';
import { Button } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { formatDateTime } from '../../../services/projects';
import { closeSiteIssue, resolveSiteIssue, startSiteIssue } from '../../../services/site';
import { getSessionUser } from '../../../store/session';

function ResolveForm({ issue, onChanged }: { issue: SiteIssue; onChanged: (issue: SiteIssue) => void }) {
  const [resolution, setResolution] = useState('');
  const [photos, setPhotos] = useState<FileRef[]>([]);
  const [uploading, setUploading] = useState(false);
  const { busy, error, run } = useSubmit();
  const save = () => {
    if (!resolution.trim()) return platform.toast('请填写处理结果');
    void run(async () => {
      onChanged(
        await resolveSiteIssue(issue.id, {
          resolution: resolution.trim(),
          photoIds: photos.map((p) => p.id),
        }),
      );
      platform.toast('已标记解决', 'success');
    });
  };
  return (
    <View id={`issue-resolve-form-${issue.id}`}>
      <Text className="form-label">处理结果</Text>
      <View id={`issue-resolution-${issue.id}`} className="form-field">
        <TextArea value={resolution} onChange={setResolution} placeholder="如何处理的" maxLength={4000} />
      </View>
      <PhotoPicker
        projectId={issue.projectId}
        customerVisible={issue.customerVisible}
        photos={photos}
        onChange={setPhotos}
        onBusyChange={setUploading}
        idPrefix={`issue-resolve-${issue.id}`}
      />
      <View className="actions">
        <Button
          id={`issue-resolve-save-${issue.id}`}
          block
          type="primary"
          loading={busy}
          disabled={uploading}
          onClick={save}
        >
          提交处理结果
        </Button>
      </View>
      <ErrorText id={`issue-resolve-error-${issue.id}`} message={error} />
    </View>
  );
}

/** One issue with the next step the site can take on it (start, then resolve with photos). */
export function IssueCard({ issue, onChanged }: { issue: SiteIssue; onChanged: (issue: SiteIssue) => void }) {
  const [resolving, setResolving] = useState(false);
  // Closing accepts the resolution: the PM's call (the server says so too).
  const canClose = ['pm', 'admin'].includes(getSessionUser()?.role ?? '');
  const start = () => {
    startSiteIssue(issue.id).then(onChanged, () => undefined);
  };
  const close = () => {
    closeSiteIssue(issue.id).then(onChanged, () => undefined);
  };
  return (
    <View id={`issue-item-${issue.id}`} className="project-card">
      <View className="project-row">
        <Text className="project-name">{issue.title}</Text>
        <Text className={`project-tag severity-${issue.severity}`}>{issue.severityLabel}</Text>
      </View>
      <Text id={`issue-status-${issue.id}`} className="project-meta">
        {issue.statusLabel} · {issue.reporter.name} 登记于 {formatDateTime(issue.createdAt)}
        {issue.assignee ? ` · 负责人 ${issue.assignee.name}` : ''}
        {issue.customerVisible ? ' · 客户可见' : ' · 内部'}
      </Text>
      {issue.description && <Text className="project-meta">{issue.description}</Text>}
      <PhotoGrid photos={issue.photos} idPrefix={`issue-photo-${issue.id}`} markInternal />
      {issue.resolution && (
        <View>
          <Text className="project-meta">
            处理结果（{issue.resolution.by.name}，{formatDateTime(issue.resolution.at)}）：
            {issue.resolution.note}
          </Text>
          <PhotoGrid
            photos={issue.resolution.photos}
            idPrefix={`issue-resolution-photo-${issue.id}`}
            markInternal
          />
        </View>
      )}
      {issue.status === 'open' && (
        <View className="actions">
          <Button id={`issue-start-${issue.id}`} size="small" onClick={start}>
            开始处理
          </Button>
        </View>
      )}
      {issue.status === 'in_progress' && !resolving && (
        <View className="actions">
          <Button
            id={`issue-resolve-${issue.id}`}
            size="small"
            type="primary"
            onClick={() => setResolving(true)}
          >
            标记已解决
          </Button>
        </View>
      )}
      {issue.status === 'in_progress' && resolving && <ResolveForm issue={issue} onChanged={onChanged} />}
      {issue.status === 'resolved' && canClose && (
        <View className="actions">
          <Button id={`issue-close-${issue.id}`} size="small" onClick={close}>
            确认关闭
          </Button>
        </View>
      )}
    </View>
  );
}
