import { useState } from 'react';
import { View } from '@tarojs/components';
import { Button, Input } from '../../../components/ui';
import { platform } from '../../../platform';
import { addQuote, formatFen, parseYuan } from '../../../services/crm';

/** 新增报价: a new version; the server numbers it and the expected amount follows it. */
export function QuoteForm({ opportunityId, onAdded }: { opportunityId: string; onAdded(): Promise<void> }) {
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);

  const submit = async () => {
    const fen = parseYuan(amount);
    if (fen === null) return platform.toast('报价金额格式不正确（元，最多两位小数）');
    setSaving(true);
    try {
      const quote = await addQuote(opportunityId, fen, note.trim());
      setAmount('');
      setNote('');
      await onAdded();
      platform.toast(`第 ${quote.version} 版报价 ${formatFen(quote.amount)}`, 'success');
    } catch {
      // The http layer has shown the toast.
    } finally {
      setSaving(false);
    }
  };

  return (
    <View id="quote-form" className="quote-form">
      <Input
        id="quote-amount"
        type="digit"
        placeholder="报价金额（元）"
        value={amount}
        onChange={setAmount}
      />
      <Input id="quote-note" placeholder="说明（可选）" value={note} onChange={setNote} />
      <Button id="add-quote" type="primary" size="small" block loading={saving} onClick={() => void submit()}>
        新增报价
      </Button>
    </View>
  );
}
