import { z } from 'zod';
import {
  cursorQuerySchema,
  objectIdSchema,
  projectHomeSchema,
  projectIdParamsSchema,
  timelinePageSchema,
} from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { ProjectAccess } from '../projects/project.policy';
import type { ProjectHomeService } from './project-home.service';
import { projectQrPng } from './project-qrcode';

const tags = ['portal'];

export function portalRoutes(deps: {
  home: ProjectHomeService;
  projectAccess: ProjectAccess;
  publicUrl: string;
}): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/projects/:id/home',
      summary: 'Project home: progress, variance, next milestone, open items and latest photos',
      tags,
      auth: 'any',
      params: projectIdParamsSchema,
      response: projectHomeSchema,
      handler: ({ params, actor }) => deps.home.home(actor, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/timeline',
      summary: "The project's timeline, newest first, with photos (customers: customer-visible only)",
      tags,
      auth: 'any',
      params: projectIdParamsSchema,
      query: cursorQuerySchema,
      response: timelinePageSchema,
      handler: ({ params, query, actor }) => deps.home.timeline(actor, params.id, query),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/qrcode',
      summary: 'A PNG QR code that opens the project (link parsed by parseProjectQr)',
      tags,
      auth: 'any',
      params: z.strictObject({ id: objectIdSchema }),
      handler: async ({ params, actor, ctx }) => {
        await deps.projectAccess.get(actor, params.id, 'read');
        ctx.type = 'image/png';
        ctx.set('Cache-Control', 'private, max-age=3600');
        return projectQrPng(deps.publicUrl, params.id);
      },
    }),
  ];
}
