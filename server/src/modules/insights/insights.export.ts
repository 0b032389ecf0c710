import ExcelJS from 'exceljs';
import { fenToYuan, type KpiFigures, type KpiReport } from '@gantry/shared';

type Column = { header: string; key: string; width?: number };

/** A workbook of plain tables: one sheet per table, a bold header row. */
export async function tablesWorkbook(
  sheets: Array<{ name: string; columns: Column[]; rows: Array<Record<string, unknown>> }>,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const s of sheets) {
    const sheet = workbook.addWorksheet(s.name);
    sheet.columns = s.columns.map((c) => ({ width: 16, ...c }));
    sheet.getRow(1).font = { bold: true };
    for (const row of s.rows) sheet.addRow(row);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const yuan = (fen: number) => fenToYuan(fen);

function figureRow(key: string, label: string, f: KpiFigures) {
  return {
    key,
    label,
    responseCount: f.responseTime.count,
    responseAvgH: hours(f.responseTime.avgSeconds),
    responseMedianH: hours(f.responseTime.medianSeconds),
    responseP90H: hours(f.responseTime.p90Seconds),
    signedCustomers: f.repeatCustomers.count,
    repeat: f.repeatCustomers.repeat,
    repeatRate: f.repeatCustomers.rate,
    completedProjects: f.projectDuration.count,
    avgDaysOver: f.projectDuration.avgDaysOver,
    onTimeShare: f.projectDuration.onTimeShare,
    ratings: f.satisfaction.count,
    satisfaction: f.satisfaction.average,
    openYuan: yuan(f.receivables.openAmount),
    overdueYuan: yuan(f.receivables.overdueAmount),
  };
}

const hours = (s: number | null) => (s === null ? null : Math.round((s / 3600) * 10) / 10);

const KPI_COLUMNS: Column[] = [
  { header: '分组', key: 'label', width: 20 },
  { header: '响应数', key: 'responseCount' },
  { header: '平均响应（小时）', key: 'responseAvgH' },
  { header: '响应中位数（小时）', key: 'responseMedianH' },
  { header: 'P90 响应（小时）', key: 'responseP90H' },
  { header: '签约客户数', key: 'signedCustomers' },
  { header: '复购客户数', key: 'repeat' },
  { header: '复购率', key: 'repeatRate' },
  { header: '竣工项目数', key: 'completedProjects' },
  { header: '平均超期天数', key: 'avgDaysOver' },
  { header: '按期比例', key: 'onTimeShare' },
  { header: '评价数', key: 'ratings' },
  { header: '平均满意度', key: 'satisfaction' },
  { header: '应收（元）', key: 'openYuan' },
  { header: '逾期（元）', key: 'overdueYuan' },
];

export function agingSheet(r: KpiReport) {
  return {
    name: '应收账龄',
    columns: [
      { header: '账龄', key: 'label', width: 20 },
      { header: '笔数', key: 'count' },
      { header: '金额（元）', key: 'amount' },
    ],
    rows: r.overall.receivables.aging.map((a) => ({
      label: a.label,
      count: a.count,
      amount: yuan(a.amount),
    })),
  };
}

/** Every table of the KPI report (figures per group, aging, trends, funnel). */
export function kpiSheets(r: KpiReport) {
  return [
    {
      name: '指标',
      columns: KPI_COLUMNS,
      rows: [figureRow('all', '全部', r.overall), ...r.groups.map((g) => figureRow(g.key, g.label, g))],
    },
    agingSheet(r),
    {
      name: '趋势',
      columns: [
        { header: '月份', key: 'month' },
        { header: '响应中位数（小时）', key: 'response' },
        { header: '响应数', key: 'responseCount' },
        { header: '平均满意度', key: 'satisfaction' },
        { header: '评价数', key: 'ratingCount' },
      ],
      rows: mergeTrends(r),
    },
    {
      name: '销售漏斗',
      columns: [
        { header: '阶段', key: 'label' },
        { header: '商机数', key: 'count' },
        { header: '预计金额（元）', key: 'amount' },
      ],
      rows: r.funnel.map((f) => ({ label: f.label, count: f.count, amount: yuan(f.amount) })),
    },
  ];
}

function mergeTrends(r: KpiReport) {
  const months = new Set([...r.trends.responseMedianSeconds, ...r.trends.satisfaction].map((p) => p.month));
  return [...months].sort().map((month) => {
    const resp = r.trends.responseMedianSeconds.find((p) => p.month === month);
    const sat = r.trends.satisfaction.find((p) => p.month === month);
    return {
      month,
      response: hours(resp?.value ?? null),
      responseCount: resp?.count ?? 0,
      satisfaction: sat?.value ?? null,
      ratingCount: sat?.count ?? 0,
    };
  });
}

export function attachment(
  ctx: { set(name: string, value: string): void },
  ascii: string,
  name: string,
): void {
  ctx.set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  ctx.set(
    'Content-Disposition',
    `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  );
}
