import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { ShareView } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { usePaged } from '../../../components/projects/usePaged';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import {
  createShare,
  formatDateTime,
  listShares,
  revokeShare,
  type CreatedShare,
} from '../../../services/projects';
import '../../../components/projects/projects.css';

const EXPIRY_OPTIONS = [
  { value: 1, label: '1 天' },
  { value: 3, label: '3 天' },
  { value: 7, label: '7 天' },
  { value: 30, label: '30 天' },
] as const;

function ShareRow({ share, onRevoked }: { share: ShareView; onRevoked: () => void }) {
  const revoke = () => {
    revokeShare(share.id).then(
      () => {
        platform.toast('已撤销', 'success');
        onRevoked();
      },
      () => undefined,
    );
  };
  return (
    <View id={`share-item-${share.id}`} className="project-card">
      <View className="project-row">
        <Text className="project-name">{share.label || '未备注的链接'}</Text>
        <Button id={`share-revoke-${share.id}`} size="small" onClick={revoke}>
          撤销
        </Button>
      </View>
      <Text className="project-meta">
        {share.createdBy.name} 创建于 {formatDateTime(share.createdAt)}，{formatDateTime(share.expiresAt)}{' '}
        失效
      </Text>
    </View>
  );
}

/** 分享进度: a read-only, expiring link to the project's customer-visible progress for family or partners. */
export default function SharePage() {
  const projectId = useRouter().params.id ?? '';
  const [days, setDays] = useState<number>(7);
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<CreatedShare | null>(null);
  const { busy, error, run } = useSubmit();
  const shares = usePaged((cursor) => listShares(projectId, cursor));

  useEffect(() => {
    if (projectId) void shares.reload();
  }, [projectId]);

  const create = () =>
    void run(async () => {
      setCreated(await createShare(projectId, { expiresInDays: days, label: label.trim() || undefined }));
      setLabel('');
      void shares.reload();
    });

  return (
    <View className="page share-page">
      <Text className="page-title">分享项目进度</Text>
      <Text className="hint">获得链接的人无需登录即可查看客户可见的进度与照片，到期或撤销后失效。</Text>
      <Text className="form-label">有效期</Text>
      <Choices idPrefix="share-expiry" options={EXPIRY_OPTIONS} value={days} onChange={setDays} />
      <Text className="form-label">备注（可选）</Text>
      <View id="share-label" className="form-field">
        <Input placeholder="如：给家人" value={label} onChange={setLabel} maxLength={50} />
      </View>
      <View className="actions">
        <Button id="share-create" block type="primary" loading={busy} onClick={create}>
          生成分享链接
        </Button>
      </View>
      <ErrorText id="share-error" message={error} />
      {created && (
        <View id="share-created" className="project-card">
          <Text className="project-meta">链接（{formatDateTime(created.expiresAt)} 失效）：</Text>
          <Text id="share-url" className="project-meta" userSelect>
            {created.url}
          </Text>
          <View className="actions">
            <Button
              id="share-copy"
              block
              onClick={() => void platform.copyText(created.url).catch(() => undefined)}
            >
              复制链接
            </Button>
          </View>
        </View>
      )}
      <Text className="project-section-title">有效的分享链接</Text>
      {shares.loaded && shares.items.length === 0 && <Text className="project-empty">暂无分享链接</Text>}
      {shares.items.map((s) => (
        <ShareRow key={s.id} share={s} onRevoked={() => void shares.reload()} />
      ))}
      {shares.nextCursor && (
        <View className="actions">
          <Button id="shares-more" block loading={shares.loading} onClick={shares.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
