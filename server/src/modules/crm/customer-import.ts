import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import {
  CUSTOMER_SOURCE_LABELS,
  CUSTOMER_SOURCES,
  CUSTOMER_TIER_LABELS,
  CUSTOMER_TYPE_LABELS,
  CUSTOMER_TYPES,
  createCustomerSchema,
  duplicateKeysOf,
  nameKeyOf,
  objectIdSchema,
  phoneKeysOf,
  type CreateCustomerInput,
  type Customer,
  type CustomerListQuery,
  type CustomerSource,
  type CustomerType,
} from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { AppError, ValidationError } from '../../core/errors';
import type { CustomerService } from './customer.service';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CUSTOMER_IMPORT_MAX_BYTES = 10 * 1024 * 1024;
export const CUSTOMER_IMPORT_MAX_ROWS = 10_000;
export const CUSTOMER_EXPORT_MAX_ROWS = 50_000;
const CREATE_BATCH = 20;
const CHECK_BATCH = 200;

/**
 * The workbook layout, shared by import and export: the first row of the first sheet is this
 * header (any order; unknown columns ignored). One row is one customer with at most one contact.
 */
export const IMPORT_COLUMNS = [
  { key: 'name', header: '客户名称', required: true },
  { key: 'type', header: '客户类型', required: true },
  { key: 'phone', header: '电话' },
  { key: 'source', header: '来源' },
  { key: 'tags', header: '标签' },
  { key: 'contactName', header: '联系人' },
  { key: 'contactTitle', header: '联系人职务' },
  { key: 'contactPhone', header: '联系人电话' },
  { key: 'notes', header: '备注' },
] as const;
type ColumnKey = (typeof IMPORT_COLUMNS)[number]['key'];
type RawRow = { row: number; cells: Record<ColumnKey, string> };

const TYPE_BY_LABEL = new Map<string, CustomerType>([
  ...CUSTOMER_TYPES.map((t) => [t, t] as const),
  ...Object.entries(CUSTOMER_TYPE_LABELS).map(([t, label]) => [label, t as CustomerType] as const),
  ['政府', 'government'],
  ['事业单位', 'government'],
  ['民企', 'private_company'],
]);
const SOURCE_BY_LABEL = new Map<string, CustomerSource>([
  ...CUSTOMER_SOURCES.map((s) => [s, s] as const),
  ...Object.entries(CUSTOMER_SOURCE_LABELS).map(([s, label]) => [label, s as CustomerSource] as const),
  ['转介绍', 'referral'],
]);
const FIELD_LABELS: Record<string, string> = {
  name: '客户名称',
  phone: '电话',
  source: '来源',
  referredBy: '来源',
  tags: '标签',
  notes: '备注',
  contacts: '联系人',
};

export const importQuerySchema = z.strictObject({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Admins: the salesperson who gets the imported customers (default: the pool). */
  ownerId: objectIdSchema.optional(),
});

export const importReportSchema = z.object({
  dryRun: z.boolean(),
  /** Data rows read (the header and blank rows not counted). */
  totalRows: z.number().int(),
  /** Customers created; in a dry run, those that would be. */
  imported: z.number().int(),
  skipped: z.array(z.object({ row: z.number().int(), name: z.string(), reasons: z.array(z.string()) })),
});
export type ImportReport = z.infer<typeof importReportSchema>;

export interface ImportOptions {
  dryRun: boolean;
  /** Undefined: the service's default (a salesperson themself, the pool for an admin or the CLI). */
  ownerId?: string | null;
  requestId?: string;
  onRows?(total: number): void;
  onProgress?(done: number): void;
}

export const notXlsx = () =>
  new ValidationError(
    [{ path: 'body', message: '请上传 .xlsx 格式的 Excel 文件' }],
    '请上传 .xlsx 格式的 Excel 文件',
  );

/**
 * Customers from and to Excel. Every row goes through `CustomerService.create` (duplicate keys,
 * owner rules, audit), so an import is exactly as safe as the API and running it twice imports nothing.
 */
export class CustomerImporter {
  constructor(private readonly customers: CustomerService) {}

  async run(actor: Actor | null, file: Buffer, opts: ImportOptions): Promise<ImportReport> {
    const rows = await readRows(file);
    opts.onRows?.(rows.length);
    const skipped: ImportReport['skipped'] = [];
    const valid: Array<{ row: RawRow; input: CreateCustomerInput; keys: string[] }> = [];
    const seen = new Map<string, number>();
    for (const row of rows) {
      const checked = checkRow(row, opts.ownerId);
      const reasons = 'reasons' in checked ? checked.reasons : [];
      const keys = 'input' in checked ? keysOf(checked.input) : [];
      const earlier = [...new Set(keys.flatMap((k) => (seen.has(k) ? [seen.get(k)!] : [])))];
      for (const n of earlier) reasons.push(`与第 ${n} 行重复（相同的电话或公司名称）`);
      if (reasons.length > 0 || !('input' in checked)) {
        skipped.push({ row: row.row, name: row.cells.name, reasons });
        continue;
      }
      for (const k of keys) seen.set(k, row.row);
      valid.push({ row, input: checked.input, keys });
    }
    opts.onProgress?.(rows.length - valid.length);

    let imported = 0;
    let done = rows.length - valid.length;
    if (opts.dryRun) {
      for (let i = 0; i < valid.length; i += CHECK_BATCH) {
        const batch = valid.slice(i, i + CHECK_BATCH);
        const clashes = await this.customers.duplicateClashes(batch.flatMap((v) => v.keys));
        for (const v of batch) {
          const clash = v.keys.find((k) => clashes.has(k));
          if (clash) skipped.push({ row: v.row.row, name: v.row.cells.name, reasons: [clashes.get(clash)!] });
          else imported += 1;
        }
        opts.onProgress?.((done += batch.length));
      }
    } else {
      for (let i = 0; i < valid.length; i += CREATE_BATCH) {
        const batch = valid.slice(i, i + CREATE_BATCH);
        const results = await Promise.all(
          batch.map(async (v) => {
            try {
              await this.customers.create(actor, v.input, opts.requestId);
              return null;
            } catch (err) {
              if (!(err instanceof AppError) || err.status >= 500) throw err;
              return { row: v.row.row, name: v.row.cells.name, reasons: [refusal(err)] };
            }
          }),
        );
        for (const r of results) {
          if (r) skipped.push(r);
          else imported += 1;
        }
        opts.onProgress?.((done += batch.length));
      }
    }
    skipped.sort((a, b) => a.row - b.row);
    return { dryRun: opts.dryRun, totalRows: rows.length, imported, skipped };
  }

  /**
   * The filtered list as a streamed workbook (same columns as the import, plus owner, tier and
   * creation time), scoped by `list`, at most CUSTOMER_EXPORT_MAX_ROWS rows. The first page is read
   * before anything is sent, so a bad filter still answers a JSON error.
   */
  async export(actor: Actor, query: CustomerListQuery): Promise<Readable> {
    const pageOf = (cursor?: string) => this.customers.list(actor, { ...query, cursor, limit: 100 });
    let page = await pageOf(query.cursor);
    const out = new PassThrough();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: false,
      useSharedStrings: false,
    });
    const sheet = workbook.addWorksheet('客户');
    sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
    const write = async () => {
      let written = 0;
      for (;;) {
        for (const c of page.items) {
          if (written >= CUSTOMER_EXPORT_MAX_ROWS) break;
          sheet.addRow(exportRow(c)).commit();
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
}

const EXPORT_COLUMNS: Array<{ key: string; header: string; width: number }> = [
  ...IMPORT_COLUMNS.map((c) => ({ key: c.key, header: c.header, width: c.key === 'name' ? 30 : 14 })),
  { key: 'owner', header: '负责人', width: 12 },
  { key: 'tier', header: '客户等级', width: 10 },
  { key: 'createdAt', header: '创建时间', width: 20 },
];

function exportRow(c: Customer): Record<string, string> {
  const join = (pick: (x: Customer['contacts'][number]) => string | null) =>
    c.contacts
      .map(pick)
      .filter((v) => v)
      .join('、');
  return {
    name: c.name,
    type: CUSTOMER_TYPE_LABELS[c.type],
    phone: c.phone ?? '',
    source: CUSTOMER_SOURCE_LABELS[c.source],
    tags: c.tags.join(','),
    contactName: join((x) => x.name),
    contactTitle: join((x) => x.title),
    contactPhone: join((x) => x.phone),
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

function refusal(err: AppError): string {
  const fields = (err.details as { fields?: Array<{ message: string }> } | undefined)?.fields;
  return fields?.length ? fields.map((f) => f.message).join('；') : err.message;
}

function keysOf(input: CreateCustomerInput): string[] {
  return duplicateKeysOf({
    nameKey: nameKeyOf(input.type, input.name),
    phoneKeys: phoneKeysOf([input.phone, ...input.contacts.map((c) => c.phone)]),
  });
}

/** One row to a create input (validated by the API's own schema), or the reasons it is refused. */
function checkRow(
  { cells }: RawRow,
  ownerId: string | null | undefined,
): { input: CreateCustomerInput } | { reasons: string[] } {
  const reasons: string[] = [];
  if (!cells.name) reasons.push('缺少客户名称');
  const type = TYPE_BY_LABEL.get(cells.type);
  if (!cells.type) reasons.push('缺少客户类型');
  else if (!type) reasons.push(`未知的客户类型「${cells.type}」（可填：政府、开发商、民营企业、个人）`);
  const source = cells.source ? SOURCE_BY_LABEL.get(cells.source) : 'other';
  if (!source)
    reasons.push(
      `未知的来源「${cells.source}」（可填：${Object.values(CUSTOMER_SOURCE_LABELS).join('、')}）`,
    );
  if (!cells.contactName && (cells.contactPhone || cells.contactTitle))
    reasons.push('填写了联系人职务或电话，但缺少联系人姓名');
  const parsed = createCustomerSchema.safeParse({
    name: cells.name || '-',
    type: type ?? 'private_company',
    phone: cells.phone || null,
    contacts: cells.contactName
      ? [{ name: cells.contactName, title: cells.contactTitle, phone: cells.contactPhone || null }]
      : [],
    source: source ?? 'other',
    tags: cells.tags
      .split(/[,，、;；]/)
      .map((t) => t.trim())
      .filter(Boolean),
    notes: cells.notes,
    ...(ownerId !== undefined ? { ownerId } : {}),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, , field] = issue.path.map(String);
      const label =
        first === 'contacts' && field === 'phone' ? '联系人电话' : (FIELD_LABELS[first ?? ''] ?? first);
      reasons.push(`${label}：${issue.message}`);
    }
  }
  if (reasons.length > 0 || !parsed.success) return { reasons };
  return { input: parsed.data };
}

/** The data rows of the first sheet, read with exceljs's streaming reader. */
async function readRows(file: Buffer): Promise<RawRow[]> {
  // An .xlsx is a zip: anything else is refused before exceljs sees it.
  if (file.length < 4 || file.readUInt32LE(0) !== 0x04034b50) throw notXlsx();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([file]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'emit',
  });
  const rows: RawRow[] = [];
  let sheets = 0;
  try {
    for await (const sheet of reader) {
      sheets += 1;
      let columns: Map<number, ColumnKey> | null = null;
      for await (const row of sheet) {
        if (sheets > 1) continue; // only the first sheet is read
        const texts = new Map<number, string>();
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          const text = cellText(cell.value);
          if (text) texts.set(col, text);
        });
        if (texts.size === 0) continue;
        if (!columns) {
          columns = headerColumns(texts);
          continue;
        }
        if (rows.length >= CUSTOMER_IMPORT_MAX_ROWS)
          throw new ValidationError(
            [{ path: 'body', message: `一次最多导入 ${CUSTOMER_IMPORT_MAX_ROWS} 行` }],
            `一次最多导入 ${CUSTOMER_IMPORT_MAX_ROWS} 行，请拆分文件`,
          );
        const cells = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, ''])) as Record<ColumnKey, string>;
        for (const [col, key] of columns) cells[key] = texts.get(col) ?? '';
        rows.push({ row: row.number, cells });
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw notXlsx();
  }
  if (sheets === 0) throw notXlsx();
  return rows;
}

function headerColumns(texts: Map<number, string>): Map<number, ColumnKey> {
  const byHeader = new Map<string, ColumnKey>(IMPORT_COLUMNS.map((c) => [c.header, c.key]));
  const columns = new Map<number, ColumnKey>();
  for (const [col, text] of texts) {
    const key = byHeader.get(text.replace(/[*＊\s]/g, ''));
    if (key) columns.set(col, key);
  }
  const found = new Set(columns.values());
  const missing = IMPORT_COLUMNS.filter((c) => 'required' in c && !found.has(c.key)).map((c) => c.header);
  if (missing.length > 0) {
    const message = `表格第一行须为表头，缺少：${missing.join('、')}`;
    throw new ValidationError([{ path: 'body', message }], message);
  }
  return columns;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if ('richText' in value)
    return value.richText
      .map((r) => r.text)
      .join('')
      .trim();
  if ('text' in value && typeof value.text === 'string') return value.text.trim();
  if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
  return '';
}
