import { z } from 'zod';
import { objectIdSchema } from './auth';
import { cursorQuerySchema } from './pagination';

/**
 * Photos and files. The type of an upload is decided by its content (magic bytes), never by its
 * name or declared type; images are re-encoded (rotated upright, EXIF/GPS stripped) and get a
 * JPEG thumbnail.
 */
export const IMAGE_MIME_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const DOCUMENT_MIME_TYPES = ['application/pdf'] as const;
export const FILE_MIME_TYPES = [...IMAGE_MIME_TYPES, ...DOCUMENT_MIME_TYPES] as const;
export type FileMimeType = (typeof FILE_MIME_TYPES)[number];

export const isImageMime = (mime: string): boolean => (IMAGE_MIME_TYPES as readonly string[]).includes(mime);

/** What the upload form may say, for the client's file picker and the error message. */
export const FILE_TYPES_LABEL = 'JPG、PNG、WebP 图片或 PDF 文件';

export const FILE_LIMITS = {
  /** Server default; the effective limit is `files.maxBytes` in the server config (client-config shows it). */
  defaultMaxBytes: 10 * 1024 * 1024,
  /** File ids one record (milestone, daily log, issue…) may reference. */
  maxIdsPerRecord: 50,
  nameMaxLength: 200,
} as const;

/** The multipart form field that carries the file (`Taro.uploadFile({ name: 'file' })`). */
export const FILE_UPLOAD_FIELD = 'file';

/** Photo/file ids on other records' inputs (`photoIds`, `attachmentIds`…). */
export const fileIdsSchema = z
  .array(objectIdSchema)
  .max(FILE_LIMITS.maxIdsPerRecord, `最多 ${FILE_LIMITS.maxIdsPerRecord} 个文件`);

/** The form fields sent beside the file (strings in multipart); unknown ones are ignored. */
export const fileUploadFieldsSchema = z.object({
  projectId: objectIdSchema.optional(),
  customerVisible: z
    .enum(['true', 'false'], { error: 'customerVisible 只能是 true 或 false' })
    .transform((v) => v === 'true')
    .optional(),
});
export type FileUploadFields = z.output<typeof fileUploadFieldsSchema>;

export const fileIdParamsSchema = z.strictObject({ id: objectIdSchema });

/** A project's gallery: `?kind=image` for photos only, `document` for PDFs. */
export const FILE_KINDS = ['image', 'document'] as const;
export const fileListQuerySchema = cursorQuerySchema.extend({ kind: z.enum(FILE_KINDS).optional() });
export type FileListQuery = z.output<typeof fileListQuerySchema>;

/** `?exp=&sig=[&for=]` of a signed content URL; absent on a normal authenticated request. */
export const fileContentQuerySchema = z.strictObject({
  exp: z.coerce.number().int().positive().optional(),
  sig: z.string().max(100).optional(),
  /** Who a customer-side link was signed for (a portal account, or a share link's reader); access is checked again for it. */
  for: z
    .string()
    .regex(/^(share:)?[0-9a-f]{24}$/)
    .optional(),
});

export const FILE_VARIANTS = ['content', 'thumbnail'] as const;
export type FileVariant = (typeof FILE_VARIANTS)[number];

/**
 * A file as other records show it. `url` and `thumbUrl` are short-lived signed links (an image
 * tag cannot send the Authorization header) relative to the API origin, e.g.
 * `/api/v1/files/<id>/content?exp=…&sig=…`; ask for the record again for fresh ones.
 */
export const fileRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  mime: z.enum(FILE_MIME_TYPES),
  size: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  url: z.string(),
  thumbUrl: z.string().nullable(),
  customerVisible: z.boolean(),
  uploadedAt: z.string(),
  uploadedBy: z.object({ id: z.string(), name: z.string() }),
});
export type FileRef = z.infer<typeof fileRefSchema>;

export const filePageSchema = z.object({ items: z.array(fileRefSchema), nextCursor: z.string().nullable() });
