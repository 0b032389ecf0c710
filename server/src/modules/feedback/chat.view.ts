import type { ChatMessage, FileRef } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import type { FileService } from '../files/file.service';
import type { ChatMessageDoc } from './chat.model';

/**
 * Messages as a reader sees them. A retracted message keeps its place and author but loses its
 * text and files, except for admins, who see what it said (the trace kept for audit).
 */
export async function toMessageViews(
  actor: Actor,
  docs: readonly ChatMessageDoc[],
  files: Pick<FileService, 'refs'>,
): Promise<ChatMessage[]> {
  const seesOriginal = actor.role === 'admin';
  const shown = docs.filter((d) => !d.retractedAt || seesOriginal);
  const ids = [...new Set(shown.flatMap((d) => d.fileIds.map(String)))];
  const refs = ids.length > 0 ? await files.refs(actor, ids) : [];
  const byId = new Map(refs.map((r) => [r.id, r]));
  const attachmentsOf = (d: ChatMessageDoc): FileRef[] =>
    d.fileIds.flatMap((id) => {
      const ref = byId.get(String(id));
      return ref ? [ref] : [];
    });

  return docs.map((d) => {
    const retracted = d.retractedAt !== null;
    return {
      id: String(d._id),
      seq: d.seq,
      projectId: String(d.projectId),
      author: { id: d.author.id, name: d.author.name, side: d.author.side, role: d.author.role },
      text: retracted ? '' : d.text,
      attachments: retracted ? [] : attachmentsOf(d),
      createdAt: d.createdAt.toISOString(),
      mine: d.author.id === actor.id,
      retracted,
      retractedAt: d.retractedAt?.toISOString() ?? null,
      original: retracted && seesOriginal ? { text: d.text, attachments: attachmentsOf(d) } : null,
    };
  });
}
