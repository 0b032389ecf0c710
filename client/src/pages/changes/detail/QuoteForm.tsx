import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { ChangeRequest, MilestoneView } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { TextArea } from '../../../components/projects/ui';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { fenToYuanText, parseYuan, quoteChangeRequest } from '../../../services/changes';
import { listMilestones, todayInShanghai } from '../../../services/projects';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ALL = 'all';

function plusDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The milestones a schedule change may move (confirmed ones are done and keep their dates). */
function useOpenMilestones(projectId: string): MilestoneView[] {
  const [items, setItems] = useState<MilestoneView[]>([]);
  useEffect(() => {
    listMilestones(projectId).then(
      (all) => setItems(all.filter((m) => m.status !== 'confirmed')),
      () => setItems([]),
    );
  }, [projectId]);
  return items;
}

/**
 * 报价: the cost change typed in 元 (converted to integer fen by string arithmetic, never through a
 * float), the schedule change in days, from which milestone it applies and how long the quote holds.
 * Sent again on a quoted request it revises the quote (a new version).
 */
export function QuoteForm({
  request,
  onDone,
}: {
  request: ChangeRequest;
  onDone: (r: ChangeRequest) => void;
}) {
  const q = request.quote;
  const [cost, setCost] = useState(q ? fenToYuanText(q.costDelta) : '');
  const [days, setDays] = useState(q ? String(q.scheduleDeltaDays) : '0');
  const [note, setNote] = useState(q?.note ?? '');
  const [validUntil, setValidUntil] = useState(plusDays(todayInShanghai(), 14));
  const [from, setFrom] = useState<string>(q?.affectedFromMilestoneId ?? ALL);
  const milestones = useOpenMilestones(request.projectId);
  const { busy, error, run } = useSubmit();

  const save = () => {
    const costDelta = parseYuan(cost);
    if (costDelta === null) return platform.toast('请填写费用变化（元，最多两位小数）');
    const scheduleDeltaDays = Number(days.trim());
    if (!/^[+-]?\d+$/.test(days.trim())) return platform.toast('工期变化须为整数天');
    if (!DATE.test(validUntil.trim())) return platform.toast('有效期格式为 2026-12-31');
    void run(async () => {
      const updated = await quoteChangeRequest(request.id, {
        costDelta,
        scheduleDeltaDays,
        note: note.trim(),
        validUntil: validUntil.trim(),
        ...(from !== ALL ? { affectedFromMilestoneId: from } : {}),
      });
      platform.toast('报价已发送', 'success');
      onDone(updated);
    });
  };

  const options = [
    { value: ALL, label: '全部未完成节点' },
    ...milestones.map((m) => ({ value: m.id, label: `${m.name}起` })),
  ];
  return (
    <View id="quote-form" className="project-card">
      <Text className="project-name">{q ? '修改报价' : '报价'}</Text>
      <Text className="form-label">费用变化（元，减少填负数）</Text>
      <View id="quote-cost-input" className="form-field">
        <Input placeholder="如 12000.50 或 -300" value={cost} onChange={setCost} />
      </View>
      <Text className="form-label">工期变化（天，提前填负数）</Text>
      <View id="quote-days-input" className="form-field">
        <Input placeholder="如 5" value={days} onChange={setDays} maxLength={5} />
      </View>
      <Text className="form-label">影响的节点</Text>
      <Choices idPrefix="quote-from" options={options} value={from} onChange={setFrom} />
      <Text className="form-label">报价有效期至</Text>
      <View id="quote-valid-until" className="form-field">
        <Input placeholder="YYYY-MM-DD" value={validUntil} onChange={setValidUntil} maxLength={10} />
      </View>
      <Text className="form-label">说明（可选）</Text>
      <View id="quote-note" className="form-field">
        <TextArea value={note} onChange={setNote} placeholder="材料、人工、做法说明" maxLength={2000} />
      </View>
      <View className="actions">
        <Button id="quote-submit" block type="primary" loading={busy} onClick={save}>
          {q ? '发送新报价' : '发送报价'}
        </Button>
      </View>
      <ErrorText id="quote-error" message={error} />
    </View>
  );
}
