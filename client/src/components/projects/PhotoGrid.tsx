import { Image, Text, View } from '@tarojs/components';
import type { FileRef } from '@gantry/shared';
import { platform } from '../../platform';
import { fileUrl, thumbUrl } from '../../services/files';

interface PhotoGridProps {
  photos: FileRef[];
  /** Prefix of each tile's DOM id (`<idPrefix>-<fileId>`). */
  idPrefix: string;
  /** Shown on staff views: which photos the customer does not see. */
  markInternal?: boolean;
}

/** Thumbnails; a tap opens the full-size photos in the platform's viewer. */
export function PhotoGrid({ photos, idPrefix, markInternal = false }: PhotoGridProps) {
  if (photos.length === 0) return null;
  const urls = photos.map((p) => fileUrl(p.url));
  return (
    <View className="photo-grid">
      {photos.map((photo, i) => (
        <View
          key={photo.id}
          id={`${idPrefix}-${photo.id}`}
          className="photo-tile"
          onClick={() => void platform.previewImages(urls, urls[i]).catch(() => undefined)}
        >
          <Image className="photo-image" src={thumbUrl(photo)} mode="aspectFill" lazyLoad />
          {markInternal && !photo.customerVisible && <Text className="photo-badge">内部</Text>}
        </View>
      ))}
    </View>
  );
}
