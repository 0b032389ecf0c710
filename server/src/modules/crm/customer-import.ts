import { z } from 'zod';
import { objectIdSchema } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { AppError } from '../../core/errors';
import { readRows, type RawRow } from './customer-import-layout';
import { ReferrerResolver } from './customer-import-referrers';
import { checkRow, referrerKeyOf, type CheckedRow } from './customer-import-rows';
import type { CustomerService } from './customer.service';

export { CUSTOMER_IMPORT_MAX_ROWS, notXlsx } from './customer-import-layout';
export {
  CUSTOMER_EXPORT_MAX_ROWS,
  exportCustomers,
  exportFileName,
  templateWorkbook,
} from './customer-import-export';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CUSTOMER_IMPORT_MAX_BYTES = 10 * 1024 * 1024;
const CREATE_BATCH = 20;
const CHECK_BATCH = 200;

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
type Skipped = ImportReport['skipped'][number];

export interface ImportOptions {
  dryRun: boolean;
  /** Undefined: the service's default (a salesperson themself, the pool for an admin or the CLI). */
  ownerId?: string | null;
  requestId?: string;
  onRows?(total: number): void;
  onProgress?(done: number): void;
}

type Valid = CheckedRow & { row: RawRow };
/** A row whose referrer is another row of the same file: created once that row is. */
type Deferred = Valid & { referrerRow: Valid };

const skip = (v: { row: RawRow }, reasons: string[]): Skipped => ({
  row: v.row.row,
  name: v.row.cells.name,
  reasons,
});

/**
 * Customers from Excel. Every row goes through `CustomerService.create` (duplicate keys, owner
 * rules, referrer visibility, audit), so an import is exactly as safe as the API and running it twice
 * imports nothing. Rows referring to a customer further up the same file are created after it.
 */
export class CustomerImporter {
  constructor(private readonly customers: CustomerService) {}

  async run(actor: Actor | null, file: Buffer, opts: ImportOptions): Promise<ImportReport> {
    const rows = await readRows(file);
    opts.onRows?.(rows.length);
    const { valid, skipped } = checkRows(rows, opts.ownerId);
    const resolver = new ReferrerResolver(this.customers, actor);
    const { ready, deferred } = await placeReferrals(valid, resolver, skipped);
    let done = rows.length - ready.length - deferred.length;
    const progress = (n: number) => opts.onProgress?.((done += n));
    progress(0);

    let imported = 0;
    if (opts.dryRun) {
      const ok = await this.dryRunCheck([...ready, ...deferred], skipped, progress);
      for (const d of deferred) {
        if (ok.has(d) && !ok.has(d.referrerRow)) {
          ok.delete(d);
          skipped.push(skip(d, [referrerRowFailed(d)]));
        }
      }
      imported = ok.size;
    } else {
      imported += await this.createAll(actor, ready, opts, skipped, progress);
      const now: Valid[] = [];
      for (const d of deferred) {
        const found = await resolver.resolve(d.referrerName!);
        if ('found' in found) now.push(withReferrer(d, found.found));
        else skipped.push(skip(d, [referrerRowFailed(d)]));
      }
      imported += await this.createAll(actor, now, opts, skipped, progress);
    }
    skipped.sort((a, b) => a.row - b.row);
    return { dryRun: opts.dryRun, totalRows: rows.length, imported, skipped };
  }

  /** The rows that would be created: those whose keys no customer holds yet. */
  private async dryRunCheck(
    valid: Valid[],
    skipped: Skipped[],
    progress: (n: number) => void,
  ): Promise<Set<Valid>> {
    const ok = new Set<Valid>();
    for (let i = 0; i < valid.length; i += CHECK_BATCH) {
      const batch = valid.slice(i, i + CHECK_BATCH);
      const clashes = await this.customers.duplicateClashes(batch.flatMap((v) => v.keys));
      for (const v of batch) {
        const clash = v.keys.find((k) => clashes.has(k));
        if (clash) skipped.push(skip(v, [clashes.get(clash)!]));
        else ok.add(v);
      }
      progress(batch.length);
    }
    return ok;
  }

  private async createAll(
    actor: Actor | null,
    valid: Valid[],
    opts: ImportOptions,
    skipped: Skipped[],
    progress: (n: number) => void,
  ): Promise<number> {
    let imported = 0;
    for (let i = 0; i < valid.length; i += CREATE_BATCH) {
      const batch = valid.slice(i, i + CREATE_BATCH);
      const results = await Promise.all(
        batch.map(async (v) => {
          try {
            await this.customers.create(actor, v.input, opts.requestId);
            return null;
          } catch (err) {
            if (!(err instanceof AppError) || err.status >= 500) throw err;
            return skip(v, [refusal(err)]);
          }
        }),
      );
      for (const r of results) {
        if (r) skipped.push(r);
        else imported += 1;
      }
      progress(batch.length);
    }
    return imported;
  }
}

function withReferrer(v: Valid, referredBy: string): Valid {
  v.input.referredBy = referredBy;
  return v;
}

const referrerRowFailed = (d: Deferred) =>
  `推荐客户「${d.referrerName}」所在的第 ${d.referrerRow.row.row} 行未能导入`;

/** Valid rows, and the rest with their reasons (including duplicates of an earlier row). */
function checkRows(rows: RawRow[], ownerId: string | null | undefined) {
  const skipped: Skipped[] = [];
  const valid: Valid[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const checked = checkRow(row, ownerId);
    const reasons = 'reasons' in checked ? checked.reasons : [];
    const keys = 'keys' in checked ? checked.keys : [];
    const earlier = [...new Set(keys.flatMap((k) => (seen.has(k) ? [seen.get(k)!] : [])))];
    for (const n of earlier) reasons.push(`与第 ${n} 行重复（相同的电话或公司名称）`);
    if (reasons.length > 0 || 'reasons' in checked) {
      skipped.push(skip({ row }, reasons));
      continue;
    }
    for (const k of keys) seen.set(k, row.row);
    valid.push({ ...checked, row });
  }
  return { valid, skipped };
}

/**
 * Resolves each referral's referrer in the database, or to a valid row of the same file (created
 * first). One level only: a row whose in-file referrer waits for a referrer of its own is refused.
 */
async function placeReferrals(valid: Valid[], resolver: ReferrerResolver, skipped: Skipped[]) {
  const byKey = new Map(valid.map((v) => [referrerKeyOf(v.input.name), v]));
  const ready: Valid[] = [];
  const deferred: Deferred[] = [];
  for (const v of valid) {
    if (!v.referrerName) {
      ready.push(v);
      continue;
    }
    const found = await resolver.resolve(v.referrerName);
    const inFile = byKey.get(referrerKeyOf(v.referrerName));
    if ('found' in found) ready.push(withReferrer(v, found.found));
    else if ('missing' in found && inFile) deferred.push(Object.assign(v, { referrerRow: inFile }));
    else skipped.push(skip(v, [Object.values(found)[0]!]));
  }
  const waiting = new Set<Valid>(deferred);
  const kept = deferred.filter((d) => {
    if (!waiting.has(d.referrerRow)) return true;
    const at = d.referrerRow.row.row;
    skipped.push(skip(d, [`推荐客户「${d.referrerName}」（第 ${at} 行）本身也由表内客户推荐，请分两次导入`]));
    return false;
  });
  return { ready, deferred: kept };
}
function refusal(err: AppError): string {
  const fields = (err.details as { fields?: Array<{ message: string }> } | undefined)?.fields;
  return fields?.length ? fields.map((f) => f.message).join('；') : err.message;
}
