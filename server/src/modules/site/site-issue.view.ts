import { SITE_ISSUE_SEVERITY_LABELS, SITE_ISSUE_STATUS_LABELS, type SiteIssue } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { TimelineService } from '../projects/timeline.service';
import type { SiteIssueDoc } from './site-issue.model';
import { photoLookup, type SitePhotoFiles } from './site-photos';

/** Issues as the API answers them, with the photos (and resolution photos) this actor may see. */
export async function presentSiteIssues(
  files: SitePhotoFiles,
  actor: Actor,
  docs: SiteIssueDoc[],
): Promise<SiteIssue[]> {
  const photos = await photoLookup(files, actor, [
    ...docs.map((d) => d.photoIds),
    ...docs.map((d) => d.resolution?.photoIds ?? []),
  ]);
  return docs.map((d) => ({
    id: String(d._id),
    projectId: String(d.projectId),
    title: d.title,
    description: d.description,
    severity: d.severity,
    severityLabel: SITE_ISSUE_SEVERITY_LABELS[d.severity],
    status: d.status,
    statusLabel: SITE_ISSUE_STATUS_LABELS[d.status],
    assignee: d.assigneeId ? { id: String(d.assigneeId), name: d.assigneeName ?? '' } : null,
    reporter: d.reporter,
    photos: photos(d.photoIds, d.customerVisible),
    resolution: d.resolution
      ? {
          note: d.resolution.note,
          photos: photos(d.resolution.photoIds, d.customerVisible),
          at: d.resolution.at.toISOString(),
          by: d.resolution.by,
        }
      : null,
    customerVisible: d.customerVisible,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  }));
}

/** Customer-visible issues live in the project's timeline; hiding one hides its entry. */
export async function syncIssueTimeline(timeline: TimelineService, issue: SiteIssueDoc): Promise<void> {
  const key = `site_issue:${String(issue._id)}`;
  const entry = {
    customerVisible: issue.customerVisible,
    title: `现场问题：${issue.title}`,
    summary: `${SITE_ISSUE_SEVERITY_LABELS[issue.severity]} · ${SITE_ISSUE_STATUS_LABELS[issue.status]}`,
    photoIds: [...issue.photoIds, ...(issue.resolution?.photoIds ?? [])],
  };
  if (issue.customerVisible)
    await timeline.record({
      ...entry,
      key,
      projectId: issue.projectId,
      kind: 'site_issue',
      refId: issue._id,
      occurredAt: issue.createdAt,
      actor: issue.reporter,
    });
  await timeline.update(key, entry);
}
