import { useEffect } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { PhotoGrid } from '../../../components/projects/PhotoGrid';
import { usePaged } from '../../../components/projects/usePaged';
import { Button } from '../../../components/ui';
import { formatDate, getTimeline } from '../../../services/projects';
import { getSessionUser } from '../../../store/session';
import '../../../components/projects/projects.css';

/**
 * 项目相册: the photos of the project's history (milestone evidence, daily logs, issues), grouped
 * by the happening they belong to; customers get only what they may see, as the timeline does.
 */
export default function GalleryPage() {
  const projectId = useRouter().params.id ?? '';
  const staff = getSessionUser()?.role !== 'customer';
  const timeline = usePaged((cursor) => getTimeline(projectId, cursor));

  useEffect(() => {
    if (projectId) void timeline.reload();
  }, [projectId]);

  const withPhotos = timeline.items.filter((item) => item.photos.length > 0);
  return (
    <View className="page gallery-page">
      <Text className="page-title">项目相册</Text>
      {!timeline.loaded && <Text className="hint">加载中…</Text>}
      {timeline.loaded && withPhotos.length === 0 && !timeline.nextCursor && (
        <Text id="gallery-empty" className="project-empty">
          暂无照片
        </Text>
      )}
      {withPhotos.map((item) => (
        <View key={item.id} id={`gallery-group-${item.id}`} className="project-card">
          <Text className="project-meta">
            {formatDate(item.occurredAt)} · {item.title}
          </Text>
          <PhotoGrid photos={item.photos} idPrefix={`gallery-photo-${item.id}`} markInternal={staff} />
        </View>
      ))}
      {timeline.nextCursor && (
        <View className="actions">
          <Button id="gallery-more" block loading={timeline.loading} onClick={timeline.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
