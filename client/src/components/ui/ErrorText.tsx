import { Text } from '@tarojs/components';

/** An inline error under a form; empty when there is nothing to say. */
export function ErrorText({ id, message }: { id: string; message: string | null }) {
  if (!message) return null;
  return (
    <Text id={id} className="error-text">
      {message}
    </Text>
  );
}
