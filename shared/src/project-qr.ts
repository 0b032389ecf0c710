/** What a project QR code says and how a scan reads it. No imports: the client bundles this as it is. */

/** The mini-program page a project QR code opens (also the H5 hash route). */
export const PROJECT_HOME_PAGE = 'pages/projects/home/index';

/**
 * What a project QR code says: an ordinary https link to the H5 project home. A phone camera opens
 * it in the browser; the mini-program's scan handler reads the id out of it with `parseProjectQr`.
 */
export function projectQrText(publicUrl: string, projectId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/#/${PROJECT_HOME_PAGE}?id=${projectId}`;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

/**
 * The project id in a scanned text, or null when the text is not a project code. Accepts the
 * link `projectQrText` writes (any origin: the API may move) and the `gantry://project/<id>` form.
 */
export function parseProjectQr(text: string): { projectId: string } | null {
  const trimmed = text.trim();
  const deep = /^gantry:\/\/project\/([0-9a-f]{24})\/?$/i.exec(trimmed);
  if (deep) return { projectId: deep[1]!.toLowerCase() };
  const at = trimmed.indexOf(`${PROJECT_HOME_PAGE}?`);
  if (!/^https?:\/\//i.test(trimmed) || at < 0) return null;
  const query = trimmed.slice(at + PROJECT_HOME_PAGE.length + 1).split('#')[0]!;
  for (const pair of query.split('&')) {
    const [key, value] = pair.split('=');
    if (key === 'id' && value && OBJECT_ID.test(value)) return { projectId: value };
  }
  return null;
}
