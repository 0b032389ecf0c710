import { useState } from 'react';
import { Image, Text, View } from '@tarojs/components';
import type { FileRef } from '@gantry/shared';
import { platform } from '../../platform';
import { thumbUrl, uploadPhoto } from '../../services/files';
import { messageOf } from '../ui/errors';

interface PhotoPickerProps {
  projectId: string;
  /** The visibility the photos get on upload; the record they are saved with sets it for good. */
  customerVisible: boolean;
  photos: FileRef[];
  onChange: (photos: FileRef[]) => void;
  /** DOM ids: `<idPrefix>-add` for the add tile, `<idPrefix>-photo-<fileId>` for each photo. */
  idPrefix: string;
  max?: number;
  /** Told while uploads are running, so that the form waits for them. */
  onBusyChange?: (busy: boolean) => void;
}

/**
 * Camera or album through the platform adapter, each picture uploaded as soon as it is chosen (one
 * after the other: a site's mobile network is slow) and shown as a thumbnail that can be removed.
 */
export function PhotoPicker(props: PhotoPickerProps) {
  const { photos, onChange, idPrefix, max = 9 } = props;
  const [uploading, setUploading] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const upload = async (paths: string[]) => {
    setError(null);
    props.onBusyChange?.(true);
    let current = photos;
    try {
      for (const [index, path] of paths.entries()) {
        setUploading(paths.length - index);
        const ref = await uploadPhoto(path, {
          projectId: props.projectId,
          customerVisible: props.customerVisible,
        });
        current = [...current, ref];
        onChange(current);
      }
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setUploading(0);
      props.onBusyChange?.(false);
    }
  };

  // Straight from the tap: a browser opens its file picker only during the user's gesture.
  const choose = () => {
    if (uploading > 0) return;
    platform.chooseImages({ count: max - photos.length }).then(
      (images) => (images.length ? upload(images.map((i) => i.path)) : undefined),
      (caught: unknown) => setError(messageOf(caught)),
    );
  };

  return (
    <View className="photo-picker">
      <View className="photo-grid">
        {photos.map((photo) => (
          <View key={photo.id} id={`${idPrefix}-photo-${photo.id}`} className="photo-tile">
            <Image className="photo-image" src={thumbUrl(photo)} mode="aspectFill" />
            <View className="photo-remove" onClick={() => onChange(photos.filter((p) => p.id !== photo.id))}>
              ×
            </View>
          </View>
        ))}
        {photos.length < max && (
          <View id={`${idPrefix}-add`} className="photo-tile photo-add" onClick={choose}>
            <Text className="photo-add-text">{uploading > 0 ? `上传中 ${uploading}` : '+ 照片'}</Text>
          </View>
        )}
      </View>
      {error && (
        <Text id={`${idPrefix}-error`} className="error-text">
          {error}
        </Text>
      )}
    </View>
  );
}
