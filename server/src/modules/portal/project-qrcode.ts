import QRCode from 'qrcode';
import { projectQrText } from '@gantry/shared';

/**
 * The project's QR code as a PNG. It encodes an ordinary link to the H5 project home
 * (projectQrText), so a phone camera opens it in a browser and the mini-program's scan handler
 * reads the project id from it (parseProjectQr). Level M survives a smudged print on site.
 */
export function projectQrPng(publicUrl: string, projectId: string): Promise<Buffer> {
  return QRCode.toBuffer(projectQrText(publicUrl, projectId), {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin: 2,
    width: 480,
  });
}
