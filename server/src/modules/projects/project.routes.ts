import { z } from 'zod';
import {
  createProjectSchema,
  objectIdSchema,
  projectListQuerySchema,
  projectPageSchema,
  projectViewSchema,
  updateProjectSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { ProjectService } from './project.service';

const idParams = z.object({ id: objectIdSchema });
const tags = ['projects'];

export function projectRoutes(projects: ProjectService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/projects',
      summary: "Create a project; its milestones are instantiated from the type's template",
      tags,
      auth: ['admin', 'pm'],
      body: createProjectSchema,
      response: projectViewSchema,
      status: 201,
      handler: ({ body, actor, ctx }) => projects.create(actor, body, ctx.state.requestId),
    }),
    defineRoute({
      method: 'get',
      path: '/projects',
      summary: 'The projects the caller may see (cursor-paginated, newest first)',
      tags,
      auth: 'any',
      query: projectListQuerySchema,
      response: projectPageSchema,
      handler: ({ query, actor }) => projects.list(actor, query),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id',
      summary: 'A project with progress, schedule variance and next milestone (404 when not visible)',
      tags,
      auth: 'any',
      params: idParams,
      response: projectViewSchema,
      handler: ({ params, actor }) => projects.get(actor, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/projects/:id',
      summary: 'Edit a project (its PM or an admin); status moves follow the project status machine',
      tags,
      auth: 'any', // the PROJECT policy answers: 404 when unreadable, 403 when not its PM/admin
      params: idParams,
      body: updateProjectSchema,
      response: projectViewSchema,
      handler: ({ params, body, actor, ctx }) => projects.update(actor, params.id, body, ctx.state.requestId),
    }),
  ];
}
