import type { Context } from 'koa';
import {
  FILE_UPLOAD_FIELD,
  fileContentQuerySchema,
  fileIdParamsSchema,
  fileListQuerySchema,
  filePageSchema,
  fileRefSchema,
  fileUploadFieldsSchema,
  isImageMime,
  type FileVariant,
} from '@gantry/shared';
import { authenticate } from '../../core/auth/authenticate';
import type { SessionStore } from '../../core/auth/session-store';
import { AppError, ValidationError } from '../../core/errors';
import { readMultipart } from '../../core/files/multipart';
import { defineRoute, type AnyRoute } from '../../core/http/route';
import type { ContentAccess, FileContent, FileService } from './file.service';

const tags = ['files'];

/** Multipart paths that the JSON body parser leaves to the route (see app.ts). */
export const FILE_UPLOAD_PATHS = ['/api/v1/files'] as const;

export function fileRoutes(
  files: FileService,
  sessions: SessionStore,
  maxBytes: number,
  bodyIdleMs: number,
): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/files',
      summary: `Upload a photo or PDF as multipart/form-data: field "${FILE_UPLOAD_FIELD}", optional projectId, customerVisible ('true'/'false': the intent shown until a record references it; records decide access)`,
      tags,
      auth: 'any',
      response: fileRefSchema,
      status: 201,
      handler: async ({ actor, ctx }) => {
        const upload = await readMultipart(ctx, {
          fileField: FILE_UPLOAD_FIELD,
          maxFileBytes: maxBytes,
          idleMs: bodyIdleMs,
        });
        if (!upload.file)
          throw new AppError('VALIDATION_FAILED', `请选择要上传的文件（字段名 ${FILE_UPLOAD_FIELD}）`);
        const fields = fileUploadFieldsSchema.safeParse(upload.fields);
        if (!fields.success) {
          throw new ValidationError(
            fields.error.issues.map((i) => ({
              path: ['body', ...i.path.map(String)].join('.'),
              message: i.message,
            })),
          );
        }
        return files.upload(actor, {
          body: upload.file.body,
          filename: upload.file.filename,
          ...fields.data,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/files/:id',
      summary:
        'A file’s metadata with fresh signed URLs (404 unless the caller may see the record it belongs to)',
      tags,
      auth: 'any',
      params: fileIdParamsSchema,
      response: fileRefSchema,
      handler: ({ actor, params }) => files.get(actor, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:id/files',
      summary:
        'A project’s photos and documents the caller may see, newest first (customers: customer-visible only)',
      tags,
      auth: 'any',
      params: fileIdParamsSchema,
      query: fileListQuerySchema,
      response: filePageSchema,
      handler: ({ actor, params, query }) => files.listForProject(actor, params.id, query),
    }),
    contentRoute(files, sessions, 'content'),
    contentRoute(files, sessions, 'thumbnail'),
  ];
}

/**
 * Bytes by signed link (`?exp&sig[&for]`, for image tags) or by Authorization header with access.
 * A customer's link names the account (`for`), and access is decided again now, so a retracted or
 * internal-made record stops its photos loading before the link expires.
 */
function contentRoute(files: FileService, sessions: SessionStore, variant: FileVariant): AnyRoute {
  return defineRoute({
    method: 'get',
    path: `/files/:id/${variant}`,
    summary:
      variant === 'content'
        ? 'The file’s bytes: a signed URL from a FileRef, or a signed-in request with access'
        : 'The image’s JPEG thumbnail: a signed URL from a FileRef, or a signed-in request with access',
    tags,
    auth: 'public',
    params: fileIdParamsSchema,
    query: fileContentQuerySchema,
    handler: async ({ params, query, ctx }) => {
      let access: ContentAccess;
      if (query.sig !== undefined || query.exp !== undefined) {
        if (query.sig === undefined || query.exp === undefined) throw new AppError('FILE_LINK_INVALID');
        access = { exp: query.exp, sig: query.sig, audience: query.for };
      } else {
        access = { actor: await authenticate(ctx, sessions) };
      }
      const content = await files.content(params.id, variant, access);
      setContentHeaders(ctx, content);
      return content.stream;
    },
  });
}

function setContentHeaders(ctx: Context, content: FileContent): void {
  ctx.type = content.mime;
  if (content.size !== null) ctx.length = content.size;
  if (content.sha256) ctx.etag = content.sha256;
  // Signed links are cacheable until they expire; header-authenticated answers are not shared.
  ctx.set('Cache-Control', content.maxAge > 0 ? `private, max-age=${content.maxAge}` : 'private, no-store');
  // Images show inline; a PDF downloads (browsers refuse to render one in a sandboxed document).
  const disposition = isImageMime(content.mime) ? 'inline' : 'attachment';
  ctx.set('Content-Disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(content.name)}`);
  // User content on the API origin: never sniffed into HTML, never allowed to run scripts.
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
}
