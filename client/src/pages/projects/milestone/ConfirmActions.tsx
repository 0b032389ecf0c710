import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { FileRef, MilestoneDetail } from '@gantry/shared';
import { PhotoPicker } from '../../../components/projects/PhotoPicker';
import { TextArea } from '../../../components/projects/ui';
import { Button } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { useSubscribeConsent } from '../../../hooks/useSubscribeConsent';
import { platform } from '../../../platform';
import { confirmMilestone, type ConfirmInput } from '../../../services/projects';

/**
 * The customer's answer to a milestone awaiting confirmation: 确认, or 驳回 with a reason and
 * optional photos. Each tap asks for subscribe consent first (WeChat shows its dialog only during
 * the tap), then sends the decision whatever the answer: consent is optional, the decision is not.
 */
export function ConfirmActions({ milestone, onDone }: { milestone: MilestoneDetail; onDone: () => void }) {
  const consent = useSubscribeConsent('milestone_confirm');
  const { busy, error, run } = useSubmit();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [photos, setPhotos] = useState<FileRef[]>([]);
  const [uploading, setUploading] = useState(false);

  const decide = (input: ConfirmInput, done: string) => {
    const asked = consent.askConsent().catch(() => ({}));
    void run(async () => {
      await asked;
      await confirmMilestone(milestone.id, input);
      platform.toast(done, 'success');
      onDone();
    });
  };

  const submitReject = () => {
    if (!reason.trim()) {
      platform.toast('请填写驳回原因');
      return;
    }
    decide({ decision: 'reject', comment: reason.trim(), photoIds: photos.map((p) => p.id) }, '已驳回');
  };

  return (
    <View id="confirm-actions">
      {!rejecting && (
        <View className="actions">
          <Button
            id="milestone-confirm"
            block
            type="primary"
            loading={busy || consent.busy}
            onClick={() => decide({ decision: 'confirm', comment: '', photoIds: [] }, '已确认')}
          >
            确认验收
          </Button>
          <Button id="milestone-reject" block onClick={() => setRejecting(true)}>
            驳回
          </Button>
        </View>
      )}
      {rejecting && (
        <View id="reject-form">
          <Text className="form-label">驳回原因</Text>
          <View id="reject-reason" className="form-field">
            <TextArea
              value={reason}
              onChange={setReason}
              placeholder="请说明需要整改的地方"
              maxLength={1000}
            />
          </View>
          <Text className="form-label">照片（可选）</Text>
          <PhotoPicker
            projectId={milestone.projectId}
            customerVisible
            photos={photos}
            onChange={setPhotos}
            onBusyChange={setUploading}
            idPrefix="reject"
          />
          <View className="actions">
            <Button
              id="reject-submit"
              block
              type="danger"
              loading={busy}
              disabled={uploading}
              onClick={submitReject}
            >
              提交驳回
            </Button>
            <Button id="reject-cancel" block onClick={() => setRejecting(false)}>
              取消
            </Button>
          </View>
        </View>
      )}
      <ErrorText id="confirm-error" message={error} />
    </View>
  );
}
