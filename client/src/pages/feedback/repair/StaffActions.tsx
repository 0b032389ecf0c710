import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { Repair, RepairPriority } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { Button, Input } from '../../../components/ui';
import { platform } from '../../../platform';
import { REPAIR_PRIORITY_OPTIONS, type RepairStep } from '../../../services/feedback';
import { getSessionUser } from '../../../store/session';
import { ReasonAction } from '../Reason';

export type Act = (step: RepairStep, done: string) => void;

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2})$/;

/** 受理: a priority (sets the fix deadline), assigned to the signed-in staff member. */
function Triage({ act, busy }: { act: Act; busy: boolean }) {
  const [priority, setPriority] = useState<RepairPriority | null>(null);
  const me = getSessionUser()?.id ?? '';
  return (
    <View id="repair-triage" className="project-card">
      <Text className="form-label">优先级</Text>
      <Choices
        idPrefix="repair-priority"
        options={REPAIR_PRIORITY_OPTIONS}
        value={priority}
        onChange={setPriority}
      />
      <Button
        id="repair-triage-submit"
        block
        type="primary"
        loading={busy}
        onClick={() =>
          priority
            ? act({ action: 'triage', body: { priority, assigneeId: me } }, '已受理并指派给我')
            : platform.toast('请选择优先级')
        }
      >
        受理并指派给我
      </Button>
    </View>
  );
}

/** 预约上门: the visit time in Beijing time; the customer is told. */
function Schedule({ act, busy }: { act: Act; busy: boolean }) {
  const [when, setWhen] = useState('');
  const send = () => {
    const m = DATE_TIME.exec(when.trim());
    if (!m) return platform.toast('时间格式为 2026-12-01 14:00');
    act({ action: 'schedule', body: { visitAt: `${m[1]}T${m[2]}:00+08:00` } }, '已预约，客户会收到通知');
  };
  return (
    <View id="repair-schedule" className="project-card">
      <Text className="form-label">上门时间（北京时间）</Text>
      <View id="repair-visit-at" className="form-field">
        <Input placeholder="YYYY-MM-DD HH:mm" value={when} onChange={setWhen} maxLength={16} />
      </View>
      <Button id="repair-schedule-submit" block type="primary" loading={busy} onClick={send}>
        预约上门
      </Button>
    </View>
  );
}

/** The staff steps open in the repair's status. */
export function StaffActions({ repair: r, act, busy }: { repair: Repair; act: Act; busy: boolean }) {
  const s = r.status;
  return (
    <View className="actions">
      {(s === 'submitted' || s === 'reopened') && <Triage act={act} busy={busy} />}
      {(s === 'triaged' || s === 'scheduled' || s === 'reopened') && <Schedule act={act} busy={busy} />}
      {s === 'scheduled' && (
        <ReasonAction
          id="repair-fix"
          label="记录维修结果"
          prompt="维修说明"
          type="primary"
          busy={busy}
          photosOf={r.projectId}
          onSend={(note, photoIds) =>
            act({ action: 'fix', body: { note, photoIds } }, '已记录，等待客户确认')
          }
        />
      )}
      {(s === 'submitted' || s === 'triaged' || s === 'scheduled' || s === 'reopened') && (
        <ReasonAction
          id="repair-cancel"
          label="取消报修"
          prompt="取消原因"
          type="danger"
          busy={busy}
          onSend={(reason) => act({ action: 'cancel', body: { reason } }, '已取消')}
        />
      )}
    </View>
  );
}
