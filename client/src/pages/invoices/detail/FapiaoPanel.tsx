import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { Invoice } from '@gantry/shared';
import { Button, Input } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { issueFapiao, requestFapiao } from '../../../services/invoices';
import { todayInShanghai } from '../../../services/projects';

/**
 * 发票: the customer asks for one (title, tax id); finance records it as issued with its number
 * and date. Nothing to do on a void invoice or once issued.
 */
export function FapiaoPanel({
  invoice,
  staff,
  onChange,
}: {
  invoice: Invoice;
  staff: boolean;
  onChange: (i: Invoice) => void;
}) {
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState(staff ? todayInShanghai() : '');
  const { busy, error, run } = useSubmit();
  const status = invoice.fapiao.status;
  const canRequest = !staff && status === 'none' && invoice.status !== 'void' && invoice.status !== 'draft';
  const canIssue = staff && status === 'requested';
  if (!canRequest && !canIssue) return null;

  const submit = () => {
    if (!first.trim()) return platform.toast(staff ? '请填写发票号码' : '请填写发票抬头');
    if (staff && !/^\d{4}-\d{2}-\d{2}$/.test(second.trim()))
      return platform.toast('开票日期格式为 2026-11-28');
    void run(async () => {
      const updated = staff
        ? await issueFapiao(invoice.id, { number: first.trim(), issuedDate: second.trim() })
        : await requestFapiao(invoice.id, { title: first.trim(), taxId: second.trim() });
      platform.toast(staff ? '已登记发票' : '已申请开票', 'success');
      onChange(updated);
    });
  };

  return (
    <View id="fapiao-panel" className="project-card">
      <Text className="project-name">{staff ? '登记已开发票' : '申请发票'}</Text>
      {staff && (
        <Text className="project-meta">
          抬头：{invoice.fapiao.title ?? '—'} · 税号：{invoice.fapiao.taxId || '—'}
        </Text>
      )}
      <View id="fapiao-first" className="form-field">
        <Input
          placeholder={staff ? '发票号码' : '发票抬头（公司或个人名称）'}
          value={first}
          onChange={setFirst}
          maxLength={staff ? 40 : 100}
        />
      </View>
      <View id="fapiao-second" className="form-field">
        <Input
          placeholder={staff ? '开票日期 YYYY-MM-DD' : '税号（个人可不填）'}
          value={second}
          onChange={setSecond}
          maxLength={30}
        />
      </View>
      <Button id="fapiao-submit" size="small" type="primary" loading={busy} onClick={submit}>
        {staff ? '登记' : '提交申请'}
      </Button>
      <ErrorText id="fapiao-error" message={error} />
    </View>
  );
}
