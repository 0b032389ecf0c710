import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { TextArea } from '../../components/projects/ui';
import { Button } from '../../components/ui';

/** A button that opens a text field and sends its text (reopen / cancel / resolve reasons). */
export function ReasonAction(props: {
  id: string;
  label: string;
  prompt: string;
  busy: boolean;
  type?: 'primary' | 'danger' | 'default';
  onSend: (text: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  if (!open) {
    return (
      <Button id={props.id} block type={props.type ?? 'default'} onClick={() => setOpen(true)}>
        {props.label}
      </Button>
    );
  }
  return (
    <View id={`${props.id}-form`}>
      <Text className="form-label">{props.prompt}</Text>
      <View id={`${props.id}-text`} className="form-field">
        <TextArea value={text} onChange={setText} maxLength={2000} />
      </View>
      <View className="actions">
        <Button
          id={`${props.id}-submit`}
          block
          type={props.type ?? 'primary'}
          loading={props.busy}
          onClick={() => (text.trim() ? props.onSend(text.trim()) : undefined)}
        >
          提交
        </Button>
        <Button id={`${props.id}-cancel`} block onClick={() => setOpen(false)}>
          取消
        </Button>
      </View>
    </View>
  );
}
