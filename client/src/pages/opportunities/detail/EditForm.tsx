import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { OpportunityDetail } from '@gantry/shared';
import { Button, Input } from '../../../components/ui';
import { platform } from '../../../platform';
import { parseYuan, updateOpportunity, type OpportunityEdit } from '../../../services/crm';

interface Props {
  opportunity: OpportunityDetail;
  onSaved(): Promise<void>;
  onCancel(): void;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The fields that changed, or a message for the first one that does not read. */
function editOf(o: OpportunityDetail, form: Record<'name' | 'amount' | 'closeDate' | 'notes', string>) {
  const edit: OpportunityEdit = {};
  const amount = parseYuan(form.amount);
  if (!form.name.trim()) return '请填写商机名称';
  if (amount === null) return '金额格式不正确（元，最多两位小数）';
  const closeDate = form.closeDate.trim() || null;
  if (closeDate && !DATE.test(closeDate)) return '日期格式须为 YYYY-MM-DD';
  if (form.name.trim() !== o.name) edit.name = form.name.trim();
  if (amount !== o.expectedAmount) edit.expectedAmount = amount;
  if (closeDate !== o.expectedCloseDate) edit.expectedCloseDate = closeDate;
  if (form.notes !== o.notes) edit.notes = form.notes;
  return edit;
}

/** 编辑商机: name, expected amount (yuan), expected close date and notes. */
export function EditForm({ opportunity, onSaved, onCancel }: Props) {
  const [form, setForm] = useState({
    name: opportunity.name,
    amount: (opportunity.expectedAmount / 100).toFixed(2),
    closeDate: opportunity.expectedCloseDate ?? '',
    notes: opportunity.notes,
  });
  const [saving, setSaving] = useState(false);
  const field = (key: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [key]: value }));

  const save = async () => {
    const edit = editOf(opportunity, form);
    if (typeof edit === 'string') return platform.toast(edit);
    if (Object.keys(edit).length === 0) return onCancel();
    setSaving(true);
    try {
      await updateOpportunity(opportunity.id, edit);
      await onSaved();
      platform.toast('已保存', 'success');
    } catch {
      // The http layer has shown the toast.
    } finally {
      setSaving(false);
    }
  };

  return (
    <View id="edit-form" className="crm-card">
      <Text className="crm-meta">商机名称</Text>
      <Input id="edit-name" value={form.name} onChange={field('name')} />
      <Text className="crm-meta">预计金额（元）</Text>
      <Input id="edit-amount" type="digit" value={form.amount} onChange={field('amount')} />
      <Text className="crm-meta">预计成交日期</Text>
      <Input
        id="edit-close-date"
        placeholder="YYYY-MM-DD"
        value={form.closeDate}
        onChange={field('closeDate')}
      />
      <Text className="crm-meta">备注</Text>
      <Input id="edit-notes" value={form.notes} onChange={field('notes')} />
      <View className="actions">
        <Button id="save-opportunity" type="primary" block loading={saving} onClick={() => void save()}>
          保存
        </Button>
        <Button id="cancel-edit" block onClick={onCancel}>
          取消
        </Button>
      </View>
    </View>
  );
}
