import { Types } from 'mongoose';
import { CHANGE_REQUEST_STATUS_LABELS, canMoveChangeRequest, type ChangeRequestStatus } from '@gantry/shared';
import type { Actor } from '../../core/auth/actor';
import { ConflictError, NotFoundError } from '../../core/errors';
import type { ProjectDoc } from '../projects/project.model';
import type { ProjectAccess } from '../projects/project.policy';
import type { ChangeRequestDoc, ChangeRequestModel } from './change-request.model';

export const changeLockKey = (id: string | Types.ObjectId) => `lock:changes:cr:${String(id)}`;
export const clockKey = (id: string | Types.ObjectId) => `change_request:${String(id)}`;

/** 409 for a move the change request status machine does not allow. */
export function assertMove(from: ChangeRequestStatus, to: ChangeRequestStatus): void {
  if (!canMoveChangeRequest(from, to))
    throw new ConflictError(
      'CONFLICT',
      `变更申请当前为「${CHANGE_REQUEST_STATUS_LABELS[from]}」，不能变更为「${CHANGE_REQUEST_STATUS_LABELS[to]}」`,
      { from, to },
    );
}

/** A change request and its project, or 404 when either is missing or the project unreadable. */
export async function loadChangeRequest(
  deps: { changeRequests: ChangeRequestModel; projectAccess: ProjectAccess },
  actor: Actor,
  id: string,
): Promise<{ doc: ChangeRequestDoc; project: ProjectDoc }> {
  const doc = Types.ObjectId.isValid(id)
    ? await deps.changeRequests.findById(id).lean<ChangeRequestDoc>()
    : null;
  if (!doc) throw new NotFoundError();
  const project = await deps.projectAccess.get(actor, String(doc.projectId), 'read');
  return { doc, project };
}
