/**
 * Imports customers from an .xlsx through the same service as the API:
 *   node --import tsx scripts/import-customers.ts <file.xlsx> [--dry-run] [--owner <username>]
 *   node --import tsx scripts/import-customers.ts --template <out.xlsx>
 * Without --owner the customers go to the shared pool. Prints a report of every skipped row.
 * Columns: 客户名称*, 客户类型*, 电话, 来源, 推荐客户 (an existing customer's name, or one further up
 * the file; makes the row a referral), 标签, 联系人1/职务1/电话1, 联系人2/职务2/电话2 …, 更多联系人, 备注.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { SingleBar, Presets } from 'cli-progress';
import { buildContainer, type Container } from '../server/src/container';
import { loadConfig } from '../server/src/core/config';
import { createLogger } from '../server/src/core/logger';
import {
  CustomerImporter,
  templateWorkbook,
  type ImportReport,
} from '../server/src/modules/crm/customer-import';

export interface CliArgs {
  file: string;
  dryRun: boolean;
  owner?: string;
  /** Write the import template to this path instead of importing. */
  template?: string;
}

const USAGE =
  '用法：import-customers.ts <file.xlsx> [--dry-run] [--owner <username>] | --template <out.xlsx>';

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { file: '', dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dry-run') args.dryRun = true;
    else if (a === '--owner') args.owner = argv[++i];
    else if (a === '--template') args.template = argv[++i] ?? '';
    else if (a.startsWith('--')) throw new Error(`未知参数 ${a}`);
    else args.file = a;
  }
  if (args.template === '') throw new Error('--template 需要一个输出文件路径');
  if (!args.file && !args.template) throw new Error(USAGE);
  if (args.owner === '') throw new Error('--owner 需要一个用户名');
  return args;
}

export function formatReport(report: ImportReport): string {
  const lines = [
    report.dryRun ? '试导入（未写入任何数据）' : '导入完成',
    `数据行：${report.totalRows}，${report.dryRun ? '可导入' : '已导入'}：${report.imported}，跳过：${report.skipped.length}`,
    ...report.skipped.map((s) => `  第 ${s.row} 行「${s.name || '（无名称）'}」：${s.reasons.join('；')}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The CLI's work, given a container (tests pass their own). */
export async function importCustomers(
  container: Container,
  args: CliArgs,
  out: NodeJS.WritableStream = process.stdout,
  progress: NodeJS.WriteStream = process.stderr,
): Promise<ImportReport> {
  let ownerId: string | undefined;
  if (args.owner) {
    const owner = await container.models.staffUsers.findOne({ username: args.owner }).lean();
    if (!owner) throw new Error(`没有用户名为 ${args.owner} 的员工`);
    ownerId = String(owner._id);
  }
  const file = await readFile(args.file);
  // A bar only on a terminal: in CI logs and pipes it would be noise.
  const bar = progress.isTTY
    ? new SingleBar({ format: '导入 [{bar}] {value}/{total} 行', stream: progress }, Presets.shades_classic)
    : null;
  try {
    const report = await new CustomerImporter(container.services.customers).run(null, file, {
      dryRun: args.dryRun,
      ...(ownerId ? { ownerId } : {}),
      onRows: (total) => bar?.start(total, 0),
      onProgress: (done) => bar?.update(done),
    });
    bar?.stop();
    out.write(formatReport(report));
    return report;
  } finally {
    bar?.stop();
  }
}

/** The template needs no database: the header, numbered contact groups and an example row. */
export async function writeTemplate(path: string): Promise<void> {
  await writeFile(path, await templateWorkbook());
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.template) {
    await writeTemplate(args.template);
    process.stdout.write(`已生成导入模板：${args.template}\n`);
    return;
  }
  const container = await buildContainer(loadConfig(), createLogger('warn'));
  try {
    await importCustomers(container, args);
  } finally {
    await container.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`导入失败：${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
