import { Types, type Model } from 'mongoose';
import type { Page } from '@gantry/shared';
import { ValidationError } from './errors';
import type { MongoFilter } from './policy';

/**
 * Cursor pagination over `_id` (newest first). The cursor is the last `_id` of the previous page,
 * so pages stay stable while records are added, and every list is served by the `_id` index plus
 * whatever index its filter uses.
 */
export async function paginateById<T, R>(
  model: Model<T>,
  filter: MongoFilter,
  page: { cursor?: string; limit: number },
  toItem: (doc: T & { _id: Types.ObjectId }) => R,
): Promise<Page<R>> {
  const query: MongoFilter = { ...filter };
  if (page.cursor) {
    if (!Types.ObjectId.isValid(page.cursor))
      throw new ValidationError([{ path: 'query.cursor', message: '无效的分页游标' }]);
    query._id = { $lt: new Types.ObjectId(page.cursor) };
  }
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
