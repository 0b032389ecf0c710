import type { FileRef } from '@gantry/shared';
import { API_BASE, http } from './http';

export interface UploadTarget {
  projectId: string;
  customerVisible: boolean;
}

/** Uploads one chosen picture (a platform local path) to the project; the server checks its type. */
export function uploadPhoto(localPath: string, target: UploadTarget): Promise<FileRef> {
  return http.upload<FileRef>('/files', localPath, {
    projectId: target.projectId,
    customerVisible: String(target.customerVisible),
  });
}

/** The API's origin: file URLs in a FileRef are relative to it (`/api/v1/files/…`). */
const API_ORIGIN = API_BASE.replace(/\/api\/v1\/?$/, '');

/**
 * A FileRef's URL as an image tag or the previewer can load it: same-origin in a browser, absolute
 * in the mini-program. The URL is signed and short-lived; a page that stays open long loads its
 * record again for fresh ones.
 */
export function fileUrl(url: string): string {
  return /^https?:\/\//.test(url) ? url : `${API_ORIGIN}${url}`;
}

export function thumbUrl(file: FileRef): string {
  return fileUrl(file.thumbUrl ?? file.url);
}
