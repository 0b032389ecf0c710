import { z } from 'zod';
import { objectIdSchema } from './auth';
import { fileRefSchema } from './files';

export const CHAT_TEXT_MAX = 2000;
export const CHAT_FILES_MAX = 9;
/** How long after sending its author may retract a message. */
export const CHAT_RETRACT_WINDOW_SECONDS = 120;
/** Longest a long poll may wait (below the server's 30 s request timeout and common proxy limits). */
export const CHAT_WAIT_MAX_MS = 28_000;

export const CHAT_SIDES = ['customer', 'staff'] as const;
export type ChatSide = (typeof CHAT_SIDES)[number];

export const postChatMessageSchema = z
  .strictObject({
    text: z.string().trim().max(CHAT_TEXT_MAX, `消息最多 ${CHAT_TEXT_MAX} 个字`).default(''),
    /** Uploaded files (images, PDF); they become customer-visible project files. */
    fileIds: z.array(objectIdSchema).max(CHAT_FILES_MAX, `一次最多发送 ${CHAT_FILES_MAX} 个文件`).default([]),
    /** Chosen by the client per message, so that resending after a lost answer does not post it twice. */
    clientKey: z.string().min(8).max(64).optional(),
  })
  .refine((m) => m.text.length > 0 || m.fileIds.length > 0, { message: '消息不能为空', path: ['text'] });
export type PostChatMessageInput = z.input<typeof postChatMessageSchema>;

export const chatMessageSchema = z.object({
  id: z.string(),
  /** Position in the thread (1, 2, 3… per project): the cursor for `before`, `after`, `read` and `wait`. */
  seq: z.number().int(),
  projectId: z.string(),
  author: z.object({ id: z.string(), name: z.string(), side: z.enum(CHAT_SIDES), role: z.string() }),
  /** Empty once retracted (the client shows "消息已撤回"). */
  text: z.string(),
  attachments: z.array(fileRefSchema),
  createdAt: z.string(),
  mine: z.boolean(),
  retracted: z.boolean(),
  retractedAt: z.string().nullable(),
  /** What a retracted message said: kept for audit and shown to admins only. */
  original: z.object({ text: z.string(), attachments: z.array(fileRefSchema) }).nullable(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

const seqSchema = z.coerce.number().int().min(0);

export const chatPageQuerySchema = z
  .strictObject({
    /** Older than this seq (scrolling back). */
    before: seqSchema.optional(),
    /** Newer than this seq (catching up); the page then holds the oldest `limit` of them. */
    after: seqSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(30),
  })
  .refine((q) => q.before === undefined || q.after === undefined, {
    message: 'before 与 after 不能同时使用',
  });
export type ChatPageQuery = z.infer<typeof chatPageQuerySchema>;

export const chatWaitQuerySchema = z.strictObject({
  after: seqSchema,
  timeoutMs: z.coerce.number().int().min(0).max(CHAT_WAIT_MAX_MS).default(25_000),
});
export type ChatWaitQuery = z.infer<typeof chatWaitQuerySchema>;

export const chatPageSchema = z.object({
  /** Newest first. */
  items: z.array(chatMessageSchema),
  /** More messages lie beyond this page in the direction asked (older; newer for `after`). */
  hasMore: z.boolean(),
  /** Long poll only: seqs of messages retracted in the last minutes, for the client to redraw as "消息已撤回". */
  retractedSeqs: z.array(z.number().int()).optional(),
});
export type ChatPage = z.infer<typeof chatPageSchema>;

export const chatReadSchema = z.strictObject({ upTo: z.number().int().min(0) });

export const chatUnreadSchema = z.object({
  projectId: z.string(),
  /** Messages by others after my read marker (retracted ones not counted). */
  unread: z.number().int(),
  lastReadSeq: z.number().int(),
  latestSeq: z.number().int(),
});
export type ChatUnread = z.infer<typeof chatUnreadSchema>;

export const chatUnreadSummarySchema = z.object({
  total: z.number().int(),
  /** Threads with unread messages, most unread first. */
  items: z.array(z.object({ projectId: z.string(), projectName: z.string(), unread: z.number().int() })),
});
export type ChatUnreadSummary = z.infer<typeof chatUnreadSummarySchema>;
