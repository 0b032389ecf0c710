import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { ChangeRequest } from '@gantry/shared';
import { TextArea } from '../../../components/projects/ui';
import { Button } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { useSubscribeConsent } from '../../../hooks/useSubscribeConsent';
import { platform } from '../../../platform';
import { decideChangeRequest } from '../../../services/changes';

/**
 * The customer's answer to a quote: 同意变更, or 拒绝 with an optional reason. The tap asks for
 * subscribe consent first (WeChat shows its dialog only during a tap) and sends the decision
 * whatever the answer. The decision names the quote version shown, so a quote revised meanwhile
 * is refused by the server rather than approved unseen.
 */
export function DecisionActions({
  request,
  onDone,
}: {
  request: ChangeRequest;
  onDone: (r: ChangeRequest) => void;
}) {
  const consent = useSubscribeConsent('change_request');
  const { busy, error, run } = useSubmit();
  const [rejecting, setRejecting] = useState(false);
  const [comment, setComment] = useState('');

  const decide = (decision: 'approve' | 'reject') => {
    const asked = consent.askConsent().catch(() => ({}));
    void run(async () => {
      await asked;
      const updated = await decideChangeRequest(request.id, {
        decision,
        comment: comment.trim(),
        quoteVersion: request.quote?.version,
      });
      platform.toast(decision === 'approve' ? '已同意变更' : '已拒绝', 'success');
      onDone(updated);
    });
  };

  return (
    <View id="decision-actions">
      {!rejecting ? (
        <View className="actions">
          <Button
            id="change-approve"
            block
            type="primary"
            loading={busy || consent.busy}
            onClick={() => decide('approve')}
          >
            同意变更
          </Button>
          <Button id="change-reject" block onClick={() => setRejecting(true)}>
            拒绝
          </Button>
        </View>
      ) : (
        <View id="change-reject-form">
          <Text className="form-label">拒绝原因（可选）</Text>
          <View id="change-reject-comment" className="form-field">
            <TextArea value={comment} onChange={setComment} placeholder="如：费用超出预算" maxLength={1000} />
          </View>
          <View className="actions">
            <Button
              id="change-reject-submit"
              block
              type="danger"
              loading={busy}
              onClick={() => decide('reject')}
            >
              确认拒绝
            </Button>
            <Button id="change-reject-cancel" block onClick={() => setRejecting(false)}>
              取消
            </Button>
          </View>
        </View>
      )}
      <ErrorText id="decision-error" message={error} />
    </View>
  );
}
