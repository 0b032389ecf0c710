import { customerListQuerySchema } from '@gantry/shared';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import {
  CustomerImporter,
  XLSX_MIME,
  exportCustomers,
  exportFileName,
  importQuerySchema,
  importReportSchema,
  notXlsx,
  templateWorkbook,
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
        const stream = await exportCustomers(customers, actor, query);
        attachment(ctx, 'customers.xlsx', exportFileName());
        return stream;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/customers/import/template',
      summary: 'An .xlsx with the import header (numbered contact groups, 推荐客户) and one example row',
      tags,
      auth: ['admin', 'sales'],
      handler: async ({ ctx }) => {
        const file = await templateWorkbook();
        attachment(ctx, 'customer-import-template.xlsx', '客户导入模板.xlsx');
        return file;
      },
    }),
  ];
}

function attachment(ctx: { set(name: string, value: string): void }, ascii: string, name: string): void {
  ctx.set('Content-Type', XLSX_MIME);
  ctx.set(
    'Content-Disposition',
    `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  );
}
