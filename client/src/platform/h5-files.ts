import { PlatformError, type FileDownload } from './types';

/**
 * A browser cannot send the bearer token with a plain link, so the file is fetched with it and
 * saved through a temporary download link on a blob URL.
 */
export async function saveInBrowser({ url, header, fileName }: FileDownload): Promise<number> {
  let response: Response;
  try {
    response = await fetch(url, { headers: header });
  } catch {
    throw new PlatformError('下载失败，请检查网络后重试');
  }
  if (!response.ok) return response.status;
  const href = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The browser reads the blob after the click returns; free it once the save has surely started.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return response.status;
}
