import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { FileRef, MilestoneDetail } from '@gantry/shared';
import { PhotoPicker } from '../../../components/projects/PhotoPicker';
import { TextArea } from '../../../components/projects/ui';
import { Button } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { submitMilestone } from '../../../services/projects';

/** The PM's or an engineer's submission for the customer's confirmation: a note and the photos (required). */
export function SubmitForm({ milestone, onDone }: { milestone: MilestoneDetail; onDone: () => void }) {
  const { busy, error, run } = useSubmit();
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<FileRef[]>([]);
  const [uploading, setUploading] = useState(false);

  const submit = () => {
    if (photos.length === 0) {
      platform.toast('请至少上传一张现场照片');
      return;
    }
    void run(async () => {
      await submitMilestone(milestone.id, { note: note.trim(), photoIds: photos.map((p) => p.id) });
      platform.toast('已提交，等待客户确认', 'success');
      setNote('');
      setPhotos([]);
      onDone();
    });
  };

  return (
    <View id="submit-form">
      <Text className="project-section-title">
        {milestone.status === 'rejected' ? '整改后重新提交验收' : '提交验收'}
      </Text>
      <Text className="form-label">说明</Text>
      <View id="submit-note" className="form-field">
        <TextArea value={note} onChange={setNote} placeholder="完成情况、检查结果等" maxLength={2000} />
      </View>
      <Text className="form-label">现场照片（客户可见，至少一张）</Text>
      <PhotoPicker
        projectId={milestone.projectId}
        customerVisible
        photos={photos}
        onChange={setPhotos}
        onBusyChange={setUploading}
        idPrefix="submit"
      />
      <View className="actions">
        <Button
          id="milestone-submit"
          block
          type="primary"
          loading={busy}
          disabled={uploading || photos.length === 0}
          onClick={submit}
        >
          提交客户确认
        </Button>
      </View>
      <ErrorText id="submit-error" message={error} />
    </View>
  );
}
