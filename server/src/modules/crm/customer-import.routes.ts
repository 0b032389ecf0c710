import { customerListQuerySchema } from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import {
  CustomerImporter,
  XLSX_MIME,
  exportFileName,
  importQuerySchema,
  importReportSchema,
  notXlsx,
} from './customer-import';
import type { CustomerService } from './customer.service';

const tags = ['customers'];
const ACCEPTED_TYPES = [XLSX_MIME, 'application/octet-stream'];

/**
 * Excel import and export. Mounted before customerRoutes so `/customers/export` is not taken for
 * `/customers/:id`. The import body is the workbook itself (Content-Type XLSX_MIME), read raw by
 * core/http/upload.ts before the JSON body parser.
 */
export function customerImportRoutes(customers: CustomerService): AnyRoute[] {
  const importer = new CustomerImporter(customers);
  return [
    defineRoute({
      method: 'post',
      path: '/customers/import',
      summary: `Import customers from an .xlsx sent as the body (${XLSX_MIME}); dryRun=true only checks`,
      tags,
      auth: ['admin', 'sales'],
      query: importQuerySchema,
      response: importReportSchema,
      handler: ({ query, actor, ctx }) => {
        const upload = ctx.state.upload;
        const type = (upload?.contentType ?? '').split(';')[0]!.trim().toLowerCase();
        if (!upload || upload.body.length === 0 || (type && !ACCEPTED_TYPES.includes(type))) throw notXlsx();
        return importer.run(actor, upload.body, {
          dryRun: query.dryRun,
          ...(query.ownerId ? { ownerId: query.ownerId } : {}),
          requestId: ctx.state.requestId,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/customers/export',
      summary: 'The filtered customer list as an .xlsx (same filters as the list; at most 50,000 rows)',
      tags,
      auth: 'staff',
      query: customerListQuerySchema,
      handler: async ({ query, actor, ctx }) => {
        const stream = await importer.export(actor, query);
        const name = exportFileName();
        ctx.set('Content-Type', XLSX_MIME);
        ctx.set(
          'Content-Disposition',
          `attachment; filename="customers.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        );
        return stream;
      },
    }),
  ];
}
