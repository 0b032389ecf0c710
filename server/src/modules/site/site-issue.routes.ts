import { z } from 'zod';
import {
  createSiteIssueSchema,
  objectIdSchema,
  reopenSiteIssueSchema,
  resolveSiteIssueSchema,
  siteIssueListQuerySchema,
  siteIssuePageSchema,
  siteIssueSchema,
  updateSiteIssueSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { SiteIssueService } from './site-issue.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['site'];
/** Who may work issues; the service narrows it to the project's PM and engineers (admins: any project). */
const workers = ['admin', 'pm', 'engineer'] as const;

export function siteIssueRoutes(issues: SiteIssueService): AnyRoute[] {
  const step = (path: string, summary: string, to: 'in_progress' | 'closed'): AnyRoute =>
    defineRoute({
      method: 'post',
      path: `/site-issues/:id/${path}`,
      summary,
      tags,
      auth: workers,
      params: idParams,
      response: siteIssueSchema,
      handler: ({ params, actor, ctx }) => issues.transition(actor, params.id, { to }, ctx.state.requestId),
    });
  return [
    defineRoute({
      method: 'post',
      path: '/projects/:id/issues',
      summary: 'Report a site issue (internal unless customerVisible); the assignee is notified',
      tags,
      auth: workers,
      params: idParams,
      body: createSiteIssueSchema,
      response: siteIssueSchema,
      status: 201,
      handler: ({ params, body, actor, ctx }) => issues.create(actor, params.id, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/issues',
      summary: "A project's site issues, newest first, by status / severity / assignee",
      tags,
      auth: 'any',
      params: idParams,
      query: siteIssueListQuerySchema,
      response: siteIssuePageSchema,
      handler: ({ params, query, actor }) => issues.list(actor, params.id, query),
    }),
    defineRoute({
      method: 'get',
      path: '/site-issues/:id',
      summary: 'One site issue (404 when not visible to the caller)',
      tags,
      auth: 'any',
      params: idParams,
      response: siteIssueSchema,
      handler: ({ params, actor }) => issues.get(actor, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/site-issues/:id',
      summary: 'Edit a site issue, reassign it or change its visibility (status through the action routes)',
      tags,
      auth: workers,
      params: idParams,
      body: updateSiteIssueSchema,
      response: siteIssueSchema,
      handler: ({ params, body, actor, ctx }) => issues.update(actor, params.id, body, ctx.state.requestId),
    }),
    step('start', 'Start work on an open issue (open → in_progress)', 'in_progress'),
    defineRoute({
      method: 'post',
      path: '/site-issues/:id/resolve',
      summary: 'Resolve an issue in progress with a note and photos (in_progress → resolved)',
      tags,
      auth: workers,
      params: idParams,
      body: resolveSiteIssueSchema,
      response: siteIssueSchema,
      handler: ({ params, body, actor, ctx }) =>
        issues.transition(actor, params.id, { to: 'resolved', input: body }, ctx.state.requestId),
    }),
    step('close', "Close a resolved issue (the project's PM or an admin)", 'closed'),
    defineRoute({
      method: 'post',
      path: '/site-issues/:id/reopen',
      summary: 'Reopen a resolved issue whose fix did not hold (resolved → open)',
      tags,
      auth: workers,
      params: idParams,
      body: reopenSiteIssueSchema,
      response: siteIssueSchema,
      handler: ({ params, body, actor, ctx }) =>
        issues.transition(actor, params.id, { to: 'open', input: body }, ctx.state.requestId),
    }),
  ];
}
