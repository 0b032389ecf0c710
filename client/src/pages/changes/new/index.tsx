import { useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { FileRef } from '@gantry/shared';
import { PhotoPicker } from '../../../components/projects/PhotoPicker';
import { TextArea } from '../../../components/projects/ui';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import { createChangeRequest } from '../../../services/changes';
import '../../../components/projects/projects.css';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** 提交变更申请: what the customer wants changed, photos of the spot and when they would like it. */
export default function NewChangePage() {
  const projectId = useRouter().params.projectId ?? '';
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [wishedDate, setWishedDate] = useState('');
  const [photos, setPhotos] = useState<FileRef[]>([]);
  const [uploading, setUploading] = useState(false);
  const { busy, error, run } = useSubmit();

  const submit = () => {
    if (!title.trim()) return platform.toast('请填写变更标题');
    if (!description.trim()) return platform.toast('请填写变更内容');
    const date = wishedDate.trim();
    if (date && !DATE.test(date)) return platform.toast('期望日期格式为 2026-12-31');
    void run(async () => {
      const created = await createChangeRequest(projectId, {
        title: title.trim(),
        description: description.trim(),
        photoIds: photos.map((p) => p.id),
        ...(date ? { wishedDate: date } : {}),
      });
      platform.toast('已提交', 'success');
      await platform.redirectTo(`${ROUTES.changeDetail}?id=${encodeURIComponent(created.id)}`);
    });
  };

  return (
    <View id="change-form" className="page change-new-page">
      <Text className="page-title">提交变更申请</Text>
      <Text className="form-label">标题</Text>
      <View id="change-title" className="form-field">
        <Input placeholder="如：客厅增加吊顶灯槽" value={title} onChange={setTitle} maxLength={100} />
      </View>
      <Text className="form-label">变更内容</Text>
      <View id="change-description" className="form-field">
        <TextArea
          value={description}
          onChange={setDescription}
          placeholder="请描述需要变更的位置、做法和原因"
          maxLength={2000}
        />
      </View>
      <Text className="form-label">期望完成日期（可选）</Text>
      <View id="change-wished-date" className="form-field">
        <Input placeholder="YYYY-MM-DD" value={wishedDate} onChange={setWishedDate} maxLength={10} />
      </View>
      <Text className="form-label">照片（可选）</Text>
      <PhotoPicker
        projectId={projectId}
        customerVisible
        photos={photos}
        onChange={setPhotos}
        onBusyChange={setUploading}
        idPrefix="change"
      />
      <View className="actions">
        <Button id="change-submit" block type="primary" loading={busy} disabled={uploading} onClick={submit}>
          提交申请
        </Button>
      </View>
      <ErrorText id="change-error" message={error} />
    </View>
  );
}
