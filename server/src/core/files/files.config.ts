import { z } from 'zod';
import { FILE_LIMITS } from '@gantry/shared';

/** `files.*` of the server configuration (validated in core/config.ts). */
export const filesConfigSchema = z.object({
  /** Local storage folder; relative paths are below the checkout. `DATA_DIR` sets `$DATA_DIR/files`. */
  dataDir: z.string(),
  maxBytes: z.number().int().positive().default(FILE_LIMITS.defaultMaxBytes),
  /** HMAC key of the signed content URLs. */
  signingSecret: z
    .string({ error: 'required: set FILES_SIGNING_SECRET or FILES_SIGNING_SECRET_FILE' })
    .min(32, 'at least 32 characters'),
  /** How long a signed URL stays valid. */
  urlTtlSeconds: z.number().int().min(30).max(86_400).default(1800),
  /** The longer side of an image thumbnail, in pixels. */
  thumbnailPx: z.number().int().min(64).max(1024).default(320),
});
export type FilesConfig = z.infer<typeof filesConfigSchema>;
