import { randomBytes } from 'node:crypto';
import type { WechatSim } from '../../scripts/wechat-sim';
import { openFilesMatching } from '../support/open-files';
import { startWithOwnPaySim } from '../support/pay';
import type { TestSystem } from '../support/system';

/**
 * The trade bill download dying part way (the simulator sends the headers and a few hundred bytes
 * of a longer body, then cuts the connection): the run fails with a clear answer, the report says
 * so, the temp file is closed and removed, and the next run reconciles the day.
 */
let sys: TestSystem;
let paySim: WechatSim;
let finance: string;
const DAY = '2026-11-18';

beforeAll(async () => {
  ({ sys, paySim, finance } = await startWithOwnPaySim('1900012399'));
  const extraOrders = Array.from({ length: 20 }, (_, i) => ({
    out_trade_no: `PX${randomBytes(6).toString('hex')}`,
    total: 1000 + i,
    paidAt: `${DAY}T10:${String(i).padStart(2, '0')}:00+08:00`,
  }));
  const res = await fetch(`${paySim.url}/__sim/pay-bill-edits`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ extraOrders }),
  });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await sys?.close();
  await paySim?.close();
});

/** Files of this process still open under a bill temp folder (a leaked write stream shows here). */
const openBillFiles = () => openFilesMatching('gantry-bill-');

const run = () => sys.api.post('/api/v1/reconciliations/run', { date: DAY }, finance);

describe('trade bill download cut mid-body', () => {
  it('fails the run with 502 and a Chinese message, marks the report failed and leaves no file open', async () => {
    paySim.injectFault({ endpoint: 'billdownload', cutAfterBytes: 300 });
    const res = await run();
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(res.body.error.message).toBe('下载对账单中断，请稍后重新对账');

    const list = await sys.api.get('/api/v1/reconciliations', finance);
    const report = list.body.items.find((r: { date: string }) => r.date === DAY);
    expect(report).toMatchObject({ status: 'failed', error: '下载对账单中断，请稍后重新对账' });
    expect(openBillFiles()).toEqual([]);
    expect((await sys.api.get('/healthz')).status).toBe(200);
  });

  it('reconciles the day on the next run', async () => {
    const res = await run();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ date: DAY, status: 'completed' });
    expect(res.body.counts.billLines).toBe(20);
  });
});
