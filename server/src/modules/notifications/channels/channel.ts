import type { NoticeDoc } from '../notice.model';

/** What one delivery attempt came to; the worker turns it into the notice's next state. */
export type DeliveryResult =
  | { kind: 'sent' }
  | { kind: 'retry'; error: string }
  | { kind: 'failed'; error: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'digest'; reason: string }
  /** Not a failed attempt: try again at `at` (rate limits). */
  | { kind: 'reschedule'; at: Date; reason: string };

export interface ChannelDelivery {
  deliver(notice: NoticeDoc): Promise<DeliveryResult>;
}
