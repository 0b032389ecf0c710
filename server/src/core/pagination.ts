import { Types, type Model } from 'mongoose';
import type { Page } from '@gantry/shared';
import { ValidationError } from './errors';
import { scopedFilter, type MongoFilter, type Scope } from './policy';

/**
 * What a list may return: `scope` is what the actor may read (from the policy or an access class,
 * never from the request); `narrow` is what the caller asked for. They are kept apart up to the
 * query so that no list can pass a request's filter where the scope belongs.
 */
export interface ListFilter {
  scope: Scope;
  narrow?: MongoFilter | Array<MongoFilter | null | undefined>;
}

/** The `$and` of a list's scope, its narrowing and any extra clause (the cursor). */
export function listQuery(list: ListFilter, ...more: MongoFilter[]): MongoFilter {
  const narrow = Array.isArray(list.narrow) ? list.narrow : [list.narrow];
  return scopedFilter(list.scope, ...narrow, ...more);
}

/** The `_id` bound of the page after `cursor` (newest first unless `order` is 1). */
export function cursorClause(cursor: string | undefined, order: 1 | -1 = -1): MongoFilter | undefined {
  if (!cursor) return undefined;
  if (!Types.ObjectId.isValid(cursor))
    throw new ValidationError([{ path: 'query.cursor', message: '无效的分页游标' }]);
  return { _id: { [order === 1 ? '$gt' : '$lt']: new Types.ObjectId(cursor) } };
}

/**
 * Cursor pagination over `_id` (newest first). The cursor is the last `_id` of the previous page,
 * so pages stay stable while records are added, and every list is served by the `_id` index plus
 * whatever index its filter uses. The cursor is one more `$and` clause: as a key of its own it
 * replaced a scope on `_id` (a customer's own record, or the match-nothing scope).
 */
export async function paginateById<T, R>(
  model: Model<T>,
  list: ListFilter,
  page: { cursor?: string; limit: number },
  toItem: (doc: T & { _id: Types.ObjectId }) => R,
): Promise<Page<R>> {
  const after = cursorClause(page.cursor);
  const query = after ? listQuery(list, after) : listQuery(list);
  const docs = (await model
    .find(query)
    .sort({ _id: -1 })
    .limit(page.limit + 1)
    .lean()) as Array<T & { _id: Types.ObjectId }>;
  const hasMore = docs.length > page.limit;
  const items = docs.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items: items.map(toItem), nextCursor: hasMore && last ? String(last._id) : null };
}
