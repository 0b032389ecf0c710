import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError, ValidationError } from '../../core/errors';
import { checkZip } from './customer-import-zip';

/**
 * The workbook layout shared by the import, the template and the export: the first row of the first
 * sheet is the header (any order; unknown columns ignored), each further row one customer.
 * Contacts come in numbered groups (联系人1/职务1/电话1, 联系人2/职务2/电话2 …; the single-contact
 * headers 联系人/联系人职务/联系人电话 of older files read as group 1), plus 更多联系人 where the
 * export puts the contacts beyond its three groups as `姓名/职务/电话；…`.
 */
export const FIELD_COLUMNS = [
  { key: 'name', header: '客户名称', required: true },
  { key: 'type', header: '客户类型', required: true },
  { key: 'phone', header: '电话' },
  { key: 'source', header: '来源' },
  { key: 'referrer', header: '推荐客户' },
  { key: 'tags', header: '标签' },
  { key: 'notes', header: '备注' },
  { key: 'moreContacts', header: '更多联系人' },
] as const;
export type FieldKey = (typeof FIELD_COLUMNS)[number]['key'];

export const CUSTOMER_IMPORT_MAX_ROWS = 10_000;
/** Inflated size of a whole workbook: far above what 10,000 rows need, far below what hurts the process. */
const MAX_INFLATED_BYTES = 100 * 1024 * 1024;
/** As many as the customer schema allows. */
const MAX_CONTACT_GROUP = 20;
/** Contact groups in the template and the export; further contacts go to 更多联系人. */
export const LAYOUT_CONTACT_GROUPS = 3;

export interface RawContact {
  /** Where it came from, for messages: 联系人2, 更多联系人第 1 位. */
  label: string;
  name: string;
  title: string;
  phone: string;
}
export interface RawRow {
  row: number;
  cells: Record<FieldKey, string>;
  contacts: RawContact[];
}

type ContactPart = 'name' | 'title' | 'phone';
type Column = { field: FieldKey } | { group: number; part: ContactPart };

const LEGACY_CONTACT: Record<string, ContactPart> = {
  联系人: 'name',
  联系人职务: 'title',
  联系人电话: 'phone',
};
const PART_BY_WORD: Record<string, ContactPart> = {
  联系人: 'name',
  姓名: 'name',
  职务: 'title',
  电话: 'phone',
};

/** A header cell to the column it names, or null for a column we do not read. */
function columnOf(header: string): Column | null {
  const text = header.replace(/[*＊\s]/g, '');
  const field = FIELD_COLUMNS.find((c) => c.header === text);
  if (field) return { field: field.key };
  if (LEGACY_CONTACT[text]) return { group: 1, part: LEGACY_CONTACT[text] };
  // 联系人2, 职务2, 电话2, and the longer 联系人电话2 / 联系人2电话.
  const m =
    /^(?:联系人)?(联系人|姓名|职务|电话)(\d{1,2})$/.exec(text) ??
    /^联系人(\d{1,2})(姓名|职务|电话)$/.exec(text);
  if (!m) return null;
  const [word, digits] = /\d/.test(m[1]!) ? [m[2]!, m[1]!] : [m[1]!, m[2]!];
  const group = Number(digits);
  return group >= 1 && group <= MAX_CONTACT_GROUP ? { group, part: PART_BY_WORD[word]! } : null;
}

/** The header row as the template and the export write it. */
export function layoutHeaders(): Array<{ key: string; header: string }> {
  const groups = Array.from({ length: LAYOUT_CONTACT_GROUPS }, (_, i) => i + 1).flatMap((n) => [
    { key: `contact${n}Name`, header: `联系人${n}` },
    { key: `contact${n}Title`, header: `职务${n}` },
    { key: `contact${n}Phone`, header: `电话${n}` },
  ]);
  const byKey = (k: FieldKey) => ({ key: k, header: FIELD_COLUMNS.find((c) => c.key === k)!.header });
  return [
    ...(['name', 'type', 'phone', 'source', 'referrer', 'tags'] as const).map(byKey),
    ...groups,
    byKey('moreContacts'),
    byKey('notes'),
  ];
}

/** Contacts as the layout writes them: the first groups by number, the rest in 更多联系人. */
export function contactCells(
  contacts: ReadonlyArray<{ name: string; title: string; phone: string | null }>,
): Record<string, string> {
  const cells: Record<string, string> = {};
  contacts.slice(0, LAYOUT_CONTACT_GROUPS).forEach((c, i) => {
    cells[`contact${i + 1}Name`] = c.name;
    cells[`contact${i + 1}Title`] = c.title;
    cells[`contact${i + 1}Phone`] = c.phone ?? '';
  });
  cells.moreContacts = contacts
    .slice(LAYOUT_CONTACT_GROUPS)
    .map((c) => [c.name, c.title, c.phone ?? ''].join('/'))
    .join('；');
  return cells;
}

/** 更多联系人: `姓名/职务/电话` entries separated by ；, ; or line breaks. */
function moreContactsOf(text: string): RawContact[] {
  return text
    .split(/[;；\n]/)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const [name = '', title = '', phone = ''] = entry.split(/[/／]/).map((p) => p.trim());
      return { label: `更多联系人第 ${i + 1} 位`, name, title, phone };
    });
}

function headerColumns(texts: Map<number, string>): Map<number, Column> {
  const columns = new Map<number, Column>();
  for (const [col, text] of texts) {
    const column = columnOf(text);
    if (column) columns.set(col, column);
  }
  const found = new Set([...columns.values()].flatMap((c) => ('field' in c ? [c.field] : [])));
  const missing = FIELD_COLUMNS.filter((c) => 'required' in c && !found.has(c.key)).map((c) => c.header);
  if (missing.length > 0) {
    const message = `表格第一行须为表头，缺少：${missing.join('、')}`;
    throw new ValidationError([{ path: 'body', message }], message);
  }
  return columns;
}

function rowOf(row: number, texts: Map<number, string>, columns: Map<number, Column>): RawRow {
  const cells = Object.fromEntries(FIELD_COLUMNS.map((c) => [c.key, ''])) as Record<FieldKey, string>;
  const groups = new Map<number, RawContact>();
  for (const [col, column] of columns) {
    const text = texts.get(col) ?? '';
    if ('field' in column) {
      cells[column.field] = text;
      continue;
    }
    const contact = groups.get(column.group) ?? {
      label: `联系人${column.group}`,
      name: '',
      title: '',
      phone: '',
    };
    contact[column.part] = text;
    groups.set(column.group, contact);
  }
  const numbered = [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, c]) => c)
    .filter((c) => c.name || c.title || c.phone);
  return { row, cells, contacts: [...numbered, ...moreContactsOf(cells.moreContacts)] };
}

export const notXlsx = () =>
  new ValidationError(
    [{ path: 'body', message: '请上传 .xlsx 格式的 Excel 文件' }],
    '请上传 .xlsx 格式的 Excel 文件',
  );

/** The data rows of the first sheet, read with exceljs's streaming reader. */
export async function readRows(file: Buffer): Promise<RawRow[]> {
  // An .xlsx is a zip: anything else is refused before exceljs sees it.
  if (file.length < 4 || file.readUInt32LE(0) !== 0x04034b50) throw notXlsx();
  const verdict = await checkZip(file, MAX_INFLATED_BYTES);
  if (verdict === 'damaged') throw notXlsx();
  if (verdict === 'too_large')
    throw new ValidationError(
      [{ path: 'body', message: '文件解压后过大' }],
      `Excel 文件解压后超过 ${MAX_INFLATED_BYTES / 1024 / 1024} MB，请拆分后导入`,
    );
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
      let columns: Map<number, Column> | null = null;
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
        rows.push(rowOf(row.number, texts, columns));
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw notXlsx();
  }
  if (sheets === 0) throw notXlsx();
  return rows;
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
