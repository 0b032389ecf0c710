import { SITE_ISSUE_SEVERITY_LABELS, SITE_ISSUE_STATUS_LABELS, type SiteIssue } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
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
    photos: photos(d.photoIds),
    resolution: d.resolution
      ? {
          note: d.resolution.note,
          photos: photos(d.resolution.photoIds),
          at: d.resolution.at.toISOString(),
          by: d.resolution.by,
        }
      : null,
    customerVisible: d.customerVisible,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  }));
}
