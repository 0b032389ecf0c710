import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { ProjectView } from '@gantry/shared';
import { ProgressBar } from '../../components/projects/ProgressBar';
import { usePaged } from '../../components/projects/usePaged';
import { Button } from '../../components/ui';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import {
  MILESTONE_STATUS_LABELS,
  PROJECT_STATUS_LABELS,
  listProjects,
  varianceText,
} from '../../services/projects';
import '../../components/projects/projects.css';

function ProjectRow({ project }: { project: ProjectView }) {
  const next = project.nextMilestone;
  return (
    <View
      id={`project-item-${project.id}`}
      className="project-card"
      onClick={() => void platform.navigateTo(`${ROUTES.projectHome}?id=${encodeURIComponent(project.id)}`)}
    >
      <View className="project-row">
        <Text className="project-name">{project.name}</Text>
        <Text className="project-tag">{PROJECT_STATUS_LABELS[project.status]}</Text>
      </View>
      <ProgressBar percent={project.progress} />
      <Text className="project-meta">
        {project.code} · {varianceText(project.scheduleVarianceDays)}
      </Text>
      {next && (
        <Text className="project-meta">
          下一节点：{next.name}（{MILESTONE_STATUS_LABELS[next.status]}）
        </Text>
      )}
    </View>
  );
}

/** 我的项目: the projects the signed-in customer, PM or engineer may see (the server decides which). */
export default function ProjectsPage() {
  const list = usePaged((cursor) => listProjects({ cursor }));

  useDidShow(() => {
    void list.reload();
  });

  return (
    <View className="page projects-page">
      <Text className="page-title">我的项目</Text>
      {!list.loaded && <Text className="hint">加载中…</Text>}
      {list.loaded && list.items.length === 0 && (
        <Text id="projects-empty" className="project-empty">
          暂无项目
        </Text>
      )}
      {list.items.map((p) => (
        <ProjectRow key={p.id} project={p} />
      ))}
      {list.nextCursor && (
        <View className="actions">
          <Button id="projects-more" block loading={list.loading} onClick={list.loadMore}>
            加载更多
          </Button>
        </View>
      )}
    </View>
  );
}
