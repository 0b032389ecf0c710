import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { OpportunityDetail, OpportunityStage } from '@gantry/shared';
import { Button, Input } from '../../../components/ui';
import { platform } from '../../../platform';
import {
  OPPORTUNITY_STAGE_LABELS,
  canMarkLost,
  moveOpportunityStage,
  nextStage,
  previousStages,
} from '../../../services/crm';

interface Props {
  opportunity: OpportunityDetail;
  /** Called after a move, to read the detail again (the stage history changed too). */
  onChanged(): Promise<void>;
}

/** Forward one stage, back to an earlier open stage, or lost with a reason: what the stage machine allows. */
export function StageActions({ opportunity, onChanged }: Props) {
  const [moving, setMoving] = useState<OpportunityStage | null>(null);
  const [losing, setLosing] = useState(false);
  const [reason, setReason] = useState('');
  const next = nextStage(opportunity.stage);
  const back = previousStages(opportunity.stage);

  const move = async (to: OpportunityStage, why?: string) => {
    setMoving(to);
    try {
      await moveOpportunityStage(opportunity.id, to, why);
      await onChanged();
      setLosing(false);
      platform.toast(to === 'lost' ? '已标记为流失' : `已变更为${OPPORTUNITY_STAGE_LABELS[to]}`, 'success');
    } catch {
      // The http layer has shown the toast.
    } finally {
      setMoving(null);
    }
  };

  const confirmLost = () => {
    const why = reason.trim();
    if (!why) return platform.toast('请填写流失原因');
    void move('lost', why);
  };

  if (!next && back.length === 0 && !canMarkLost(opportunity.stage)) return null;
  return (
    <View className="actions stage-actions">
      {next && (
        <Button
          id="next-stage"
          type="primary"
          block
          loading={moving === next}
          onClick={() => void move(next)}
        >
          推进到下一阶段
        </Button>
      )}
      {back.map((s) => (
        <Button key={s} id={`back-to-${s}`} block loading={moving === s} onClick={() => void move(s)}>
          退回到{OPPORTUNITY_STAGE_LABELS[s]}
        </Button>
      ))}
      {canMarkLost(opportunity.stage) && !losing && (
        <Button id="mark-lost" type="danger" fill="outline" block onClick={() => setLosing(true)}>
          标记为流失
        </Button>
      )}
      {losing && (
        <View id="lost-form" className="crm-card">
          <Text className="crm-meta">流失原因（必填）</Text>
          <Input id="lost-reason" placeholder="例如：价格高于竞争对手" value={reason} onChange={setReason} />
          <Button id="confirm-lost" type="danger" block loading={moving === 'lost'} onClick={confirmLost}>
            确认流失
          </Button>
          <Button id="cancel-lost" block onClick={() => setLosing(false)}>
            取消
          </Button>
        </View>
      )}
    </View>
  );
}
