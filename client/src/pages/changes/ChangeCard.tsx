import { Text, View } from '@tarojs/components';
import type { ChangeRequest } from '@gantry/shared';
import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { CHANGE_STATUS_LABELS, formatDays, formatFenDelta } from '../../services/changes';
import { formatDateTime } from '../../services/projects';

/** One change request in a list; a tap opens it. */
export function ChangeCard({ request, showProject }: { request: ChangeRequest; showProject?: boolean }) {
  const quote = request.quote;
  return (
    <View
      id={`change-item-${request.id}`}
      className="project-card"
      onClick={() => void platform.navigateTo(`${ROUTES.changeDetail}?id=${encodeURIComponent(request.id)}`)}
    >
      <View className="project-row">
        <Text className="project-name">{request.title}</Text>
        <Text id={`change-status-${request.id}`} className={`project-tag change-${request.status}`}>
          {CHANGE_STATUS_LABELS[request.status]}
        </Text>
      </View>
      {showProject && request.projectName && <Text className="project-meta">{request.projectName}</Text>}
      <Text className="project-meta">
        {request.requestedBy.name} 提交于 {formatDateTime(request.submittedAt)}
      </Text>
      {quote && (
        <Text className="project-meta">
          报价：费用 {formatFenDelta(quote.costDelta)} · 工期 {formatDays(quote.scheduleDeltaDays)}
        </Text>
      )}
    </View>
  );
}
