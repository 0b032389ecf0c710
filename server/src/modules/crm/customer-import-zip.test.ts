import ExcelJS from 'exceljs';
import { checkZip } from './customer-import-zip';

async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('客户');
  sheet.addRow(['客户名称', '客户类型']);
  for (let i = 0; i < 100; i += 1) sheet.addRow([`客户${i}`, '开发商']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('checkZip (an uploaded workbook before exceljs reads it)', () => {
  it('accepts a workbook as exceljs writes it', async () => {
    expect(await checkZip(await workbook(), 10 * 1024 * 1024)).toBe('ok');
  });

  it('calls a workbook with damaged compressed data damaged', async () => {
    const file = await workbook();
    const at = file.indexOf('xl/worksheets/sheet1.xml') + 200;
    file.fill(0xff, at, at + 40);
    expect(await checkZip(file, 10 * 1024 * 1024)).toBe('damaged');
  });

  it('refuses a workbook that inflates past the limit before inflating it', async () => {
    expect(await checkZip(await workbook(), 4096)).toBe('too_large');
  });

  it('calls bytes hidden between the entries and the central directory damaged', async () => {
    const file = await workbook();
    const eocd = file.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const directoryAt = file.readUInt32LE(eocd + 16);
    const hidden = Buffer.alloc(100, 0x41);
    const padded = Buffer.concat([file.subarray(0, directoryAt), hidden, file.subarray(directoryAt)]);
    padded.writeUInt32LE(directoryAt + hidden.length, eocd + hidden.length + 16);
    expect(await checkZip(padded, 10 * 1024 * 1024)).toBe('damaged');
  });

  it('calls a truncated file damaged', async () => {
    const file = await workbook();
    expect(await checkZip(file.subarray(0, file.length - 100), 10 * 1024 * 1024)).toBe('damaged');
  });
});
