import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { FileRef } from '@gantry/shared';
import { PhotoPicker } from '../../../components/projects/PhotoPicker';
import { TextArea } from '../../../components/projects/ui';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { ROUTES } from '../../../routes';
import { fileRepair } from '../../../services/feedback';

/** 我要报修: where, what is wrong, photos. Outside the warranty the server marks it chargeable. */
export function RepairForm({ projectId }: { projectId: string }) {
  const [location, setLocation] = useState('');
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState<FileRef[]>([]);
  const [uploading, setUploading] = useState(false);
  const { busy, error, run } = useSubmit();

  const submit = () => {
    if (!location.trim()) return platform.toast('请填写报修位置');
    if (!description.trim()) return platform.toast('请填写报修内容');
    void run(async () => {
      const created = await fileRepair(projectId, {
        location: location.trim(),
        description: description.trim(),
        photoIds: photos.map((p) => p.id),
      });
      platform.toast(created.chargeable ? '已提交（已过质保期，维修需收费）' : '已提交', 'success');
      await platform.redirectTo(`${ROUTES.repair}?id=${encodeURIComponent(created.id)}`);
    });
  };

  return (
    <View id="repair-form" className="page">
      <Text className="page-title">我要报修</Text>
      <Text className="form-label">位置</Text>
      <View id="repair-location" className="form-field">
        <Input placeholder="如：主卧卫生间" value={location} onChange={setLocation} maxLength={200} />
      </View>
      <Text className="form-label">问题描述</Text>
      <View id="repair-description" className="form-field">
        <TextArea
          value={description}
          onChange={setDescription}
          placeholder="如：淋浴区地漏返水"
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
        idPrefix="repair"
      />
      <View className="actions">
        <Button id="repair-submit" block type="primary" loading={busy} disabled={uploading} onClick={submit}>
          提交报修
        </Button>
      </View>
      <ErrorText id="repair-error" message={error} />
    </View>
  );
}
