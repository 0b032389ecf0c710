import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  CUSTOMER_SOURCE_LABELS,
  CUSTOMER_TIER_LABELS,
  CUSTOMER_TYPE_LABELS,
  type Customer,
  type CustomerListQuery,
} from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { contactCells, layoutHeaders } from './customer-import-layout';
import type { CustomerService } from './customer.service';

export const CUSTOMER_EXPORT_MAX_ROWS = 50_000;

const WIDE = new Set(['name', 'referrer', 'moreContacts', 'notes']);
const EXPORT_COLUMNS: Array<{ key: string; header: string; width: number }> = [
  ...layoutHeaders().map((c) => ({ ...c, width: WIDE.has(c.key) ? 30 : 14 })),
  { key: 'owner', header: '负责人', width: 12 },
  { key: 'tier', header: '客户等级', width: 10 },
  { key: 'createdAt', header: '创建时间', width: 20 },
];

/** An empty workbook with the import header and one example row, to fill in and import. */
export async function templateWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('客户');
  sheet.columns = layoutHeaders().map((c) => ({ ...c, width: WIDE.has(c.key) ? 30 : 14 }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRow({
    name: '示例：华景置业有限公司（导入前请删除本行）',
    type: '开发商',
    phone: '021-5000 0001',
    source: '客户转介绍',
    referrer: '已在系统中的推荐客户名称',
    tags: '住宅,商业',
    contact1Name: '陈经理',
    contact1Title: '采购部',
    contact1Phone: '138 0013 8000',
    contact2Name: '刘工',
    contact2Title: '工程部',
    contact2Phone: '139 0013 9000',
    moreContacts: '王五/财务/13700137000；赵六/前台/',
    notes: '',
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * The filtered list as a streamed workbook (the import's columns plus owner, tier and creation
 * time), scoped by `list`, at most CUSTOMER_EXPORT_MAX_ROWS rows. The first page is read before
 * anything is sent, so a bad filter still answers a JSON error.
 */
export async function exportCustomers(
  customers: CustomerService,
  actor: Actor,
  query: CustomerListQuery,
): Promise<Readable> {
  const pageOf = (cursor?: string) => customers.list(actor, { ...query, cursor, limit: 100 });
  let page = await pageOf(query.cursor);
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('客户');
  sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  // Referrers repeat (one customer refers many): each name is read once per export.
  const referrers = new Map<string, Promise<string | null>>();
  const referrerName = (id: string | null) => {
    if (!id) return Promise.resolve(null);
    if (!referrers.has(id)) referrers.set(id, customers.nameOf(id));
    return referrers.get(id)!;
  };
  const write = async () => {
    let written = 0;
    for (;;) {
      for (const c of page.items) {
        if (written >= CUSTOMER_EXPORT_MAX_ROWS) break;
        sheet.addRow(exportRow(c, await referrerName(c.referredBy))).commit();
        written += 1;
      }
      if (!page.nextCursor || written >= CUSTOMER_EXPORT_MAX_ROWS) break;
      page = await pageOf(page.nextCursor);
    }
    sheet.commit();
    await workbook.commit();
  };
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}

function exportRow(c: Customer, referrer: string | null): Record<string, string> {
  return {
    name: c.name,
    type: CUSTOMER_TYPE_LABELS[c.type],
    phone: c.phone ?? '',
    source: CUSTOMER_SOURCE_LABELS[c.source],
    referrer: referrer ?? '',
    tags: c.tags.join(','),
    ...contactCells(c.contacts),
    notes: c.notes,
    owner: c.ownerId ? (c.ownerName ?? '（已停用）') : '公共客户池',
    tier: CUSTOMER_TIER_LABELS[c.tier],
    createdAt: new Date(c.createdAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }),
  };
}

export function exportFileName(now = new Date()): string {
  const day = now.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  return `客户列表-${day}.xlsx`;
}
