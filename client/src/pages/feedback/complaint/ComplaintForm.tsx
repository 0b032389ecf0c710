import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { ComplaintCategory, FileRef } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { PhotoPicker } from '../../../components/projects/PhotoPicker';
import { TextArea } from '../../../components/projects/ui';
import { Button } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import { COMPLAINT_CATEGORY_OPTIONS, createComplaint } from '../../../services/feedback';

/** 我要投诉: category, what happened and photos; staff get a response deadline at once. */
export function ComplaintForm({ projectId }: { projectId: string }) {
  const [category, setCategory] = useState<ComplaintCategory | null>(null);
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState<FileRef[]>([]);
  const [uploading, setUploading] = useState(false);
  const { busy, error, run } = useSubmit();

  const submit = () => {
    if (!category) return platform.toast('请选择投诉类别');
    if (!description.trim()) return platform.toast('请填写投诉内容');
    void run(async () => {
      const created = await createComplaint({
        projectId,
        category,
        description: description.trim(),
        photoIds: photos.map((p) => p.id),
      });
      platform.toast('已提交，我们会尽快回复', 'success');
      await platform.redirectTo(`${ROUTES.complaint}?id=${encodeURIComponent(created.id)}`);
    });
  };

  return (
    <View id="complaint-form" className="page">
      <Text className="page-title">我要投诉</Text>
      <Text className="form-label">类别</Text>
      <Choices
        idPrefix="complaint-category"
        options={COMPLAINT_CATEGORY_OPTIONS}
        value={category}
        onChange={setCategory}
      />
      <Text className="form-label">投诉内容</Text>
      <View id="complaint-description" className="form-field">
        <TextArea
          value={description}
          onChange={setDescription}
          placeholder="请描述问题和您的诉求"
          maxLength={2000}
        />
      </View>
      <Text className="form-label">照片（可选）</Text>
      <PhotoPicker
        projectId={projectId}
        customerVisible
        photos={photos}
        onChange={setPhotos}
        onBusyChange={setUploading}
        idPrefix="complaint"
      />
      <View className="actions">
        <Button
          id="complaint-submit"
          block
          type="primary"
          loading={busy}
          disabled={uploading}
          onClick={submit}
        >
          提交投诉
        </Button>
      </View>
      <ErrorText id="complaint-error" message={error} />
    </View>
  );
}
