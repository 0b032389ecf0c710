import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { FileRef } from '@gantry/shared';
import { PhotoPicker } from '../../components/projects/PhotoPicker';
import { TextArea } from '../../components/projects/ui';
import { Button } from '../../components/ui';

/**
 * A button that opens a text field and sends its text (reopen / cancel / resolve reasons). With
 * `photosOf` the form also takes photos (a fix or a resolution recorded with pictures), uploaded
 * customer-visible: they are shown to the customer who confirms the result.
 */
export function ReasonAction(props: {
  id: string;
  label: string;
  prompt: string;
  busy: boolean;
  type?: 'primary' | 'danger' | 'default';
  /** The project the photos belong to; without it the form takes no photos. */
  photosOf?: string;
  onSend: (text: string, photoIds: string[]) => void;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<FileRef[]>([]);
  const [uploading, setUploading] = useState(false);
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
      {props.photosOf && (
        <View>
          <Text className="form-label">照片（可选）</Text>
          <PhotoPicker
            projectId={props.photosOf}
            customerVisible
            photos={photos}
            onChange={setPhotos}
            onBusyChange={setUploading}
            idPrefix={props.id}
          />
        </View>
      )}
      <View className="actions">
        <Button
          id={`${props.id}-submit`}
          block
          type={props.type ?? 'primary'}
          loading={props.busy}
          disabled={uploading}
          onClick={() =>
            text.trim()
              ? props.onSend(
                  text.trim(),
                  photos.map((p) => p.id),
                )
              : undefined
          }
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
