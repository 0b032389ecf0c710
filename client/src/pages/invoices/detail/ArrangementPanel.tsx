import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { Invoice } from '@gantry/shared';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { setArrangement } from '../../../services/invoices';

const OPEN: Invoice['status'][] = ['issued', 'partially_paid', 'overdue'];

/**
 * 付款安排 (finance): records what was agreed with the customer about an unpaid invoice, which pauses
 * the overdue reminders and escalation; withdrawing it lets them run again. The note is shown to the
 * customer as well, so the arrangement is on record for both sides.
 */
export function ArrangementPanel({
  invoice,
  onChange,
}: {
  invoice: Invoice;
  onChange: (i: Invoice) => void;
}) {
  const [note, setNote] = useState('');
  const { busy, error, run } = useSubmit();
  const agreed = invoice.arrangementAgreed;
  if (!agreed && !OPEN.includes(invoice.status)) return null;

  const save = (next: boolean) => {
    if (next && !note.trim()) return platform.toast('请写明与客户约定的付款安排');
    void run(async () => {
      const updated = await setArrangement(
        invoice.id,
        next ? { agreed: true, note: note.trim() } : { agreed: false },
      );
      platform.toast(next ? '已记录付款安排，逾期提醒暂停' : '已撤销付款安排', 'success');
      setNote('');
      onChange(updated);
    });
  };

  return (
    <View id="arrangement-panel" className="project-card">
      <Text className="project-name">付款安排</Text>
      {agreed ? (
        <>
          <Text id="arrangement-status" className="project-meta">
            已约定：{invoice.arrangementNote ?? '（未写说明）'} · 逾期提醒已暂停
          </Text>
          <Button id="arrangement-withdraw" size="small" loading={busy} onClick={() => save(false)}>
            撤销付款安排
          </Button>
        </>
      ) : (
        <>
          <Text className="project-meta">与客户约定了付款时间或分期后在此记录，逾期提醒和升级将暂停。</Text>
          <View id="arrangement-note" className="form-field">
            <Input
              placeholder="约定内容（客户可见），如：12 月 15 日前付清余款"
              value={note}
              onChange={setNote}
              maxLength={500}
            />
          </View>
          <Button id="arrangement-save" size="small" type="primary" loading={busy} onClick={() => save(true)}>
            记录付款安排
          </Button>
        </>
      )}
      <ErrorText id="arrangement-error" message={error} />
    </View>
  );
}
