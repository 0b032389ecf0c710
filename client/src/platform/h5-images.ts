import { commonPlatform } from './common';
import type { ImageSource, LocalImage, UploadRequest, UploadResponse } from './types';

/**
 * Pictures in a browser. Taro's H5 `chooseImage` makes a throw-away file input and its
 * `uploadFile` re-reads the blob without its name; here one hidden input with a stable id stays in
 * the page (a browser test hands it files through the file chooser), and the chosen `File` objects
 * are kept so that uploads carry their real name and type.
 */
export const IMAGE_INPUT_ID = 'platform-image-input';

/** The types the server accepts as photos (`IMAGE_MIME_TYPES` in shared, not imported: it pulls zod in). */
const ACCEPT = 'image/jpeg,image/png,image/webp';

const chosenFiles = new Map<string, File>();

function imageInput(): HTMLInputElement {
  const existing = document.getElementById(IMAGE_INPUT_ID);
  if (existing instanceof HTMLInputElement) return existing;
  const input = document.createElement('input');
  input.type = 'file';
  input.id = IMAGE_INPUT_ID;
  input.accept = ACCEPT;
  input.style.cssText = 'position:fixed;left:-9999px;top:0;width:1px;height:1px;opacity:0;';
  document.body.appendChild(input);
  return input;
}

function remember(file: File): LocalImage {
  const path = URL.createObjectURL(file);
  chosenFiles.set(path, file);
  return { path, size: file.size };
}

/** Must run inside the tap's handler: browsers open a file picker only on a user gesture. */
export function chooseImagesInBrowser(options: {
  count: number;
  sources?: ImageSource[];
}): Promise<LocalImage[]> {
  const input = imageInput();
  input.multiple = options.count > 1;
  // A phone browser opens the camera straight away for `capture`; desktop browsers ignore it.
  if (options.sources?.length === 1 && options.sources[0] === 'camera')
    input.setAttribute('capture', 'environment');
  else input.removeAttribute('capture');
  input.value = '';
  return new Promise((resolve) => {
    const finish = (files: File[]) => {
      input.onchange = null;
      input.oncancel = null;
      resolve(files.slice(0, options.count).map(remember));
    };
    input.onchange = () => finish(Array.from(input.files ?? []));
    input.oncancel = () => finish([]);
    input.click();
  });
}

export async function uploadInBrowser(request: UploadRequest): Promise<UploadResponse> {
  const file = chosenFiles.get(request.filePath);
  if (!file) return commonPlatform.uploadFile(request);
  const form = new FormData();
  // Fields before the file, as wx.uploadFile sends them: a streaming parser knows the project first.
  for (const [key, value] of Object.entries(request.formData)) form.append(key, value);
  form.append(request.name, file, file.name);
  const response = await fetch(request.url, { method: 'POST', headers: request.header, body: form });
  return { statusCode: response.status, data: await response.text() };
}
