import { aeadEncrypt, randomId, type SignedHeaders } from './crypto';
import { rfc3339Cst } from './time';

export type NotifyEvent = 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS';

export interface DeliveryResult {
  delivered: boolean;
  status?: number;
}

const ORIGINAL_TYPE: Record<NotifyEvent, { type: string; summary: string }> = {
  'TRANSACTION.SUCCESS': { type: 'transaction', summary: '支付成功' },
  'REFUND.SUCCESS': { type: 'refund', summary: '退款成功' },
};

/** WeChat Pay v3 notify body; the resource is AEAD_AES_256_GCM under the APIv3 key. */
export function buildNotifyBody(event: NotifyEvent, resource: object, apiV3Key: string): string {
  const { type, summary } = ORIGINAL_TYPE[event];
  const encrypted = aeadEncrypt(JSON.stringify(resource), apiV3Key, type);
  return JSON.stringify({
    id: randomId(),
    create_time: rfc3339Cst(new Date()),
    resource_type: 'encrypt-resource',
    event_type: event,
    summary,
    resource: { original_type: type, algorithm: 'AEAD_AES_256_GCM', ...encrypted },
  });
}

/**
 * Posts signed notifications; when the receiver does not answer 2xx, retries the same body on the
 * configured schedule in the background (WeChat's own schedule is minutes long; tests need ms).
 */
export class Notifier {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly retryDelaysMs: number[],
    private readonly sign: (body: string) => SignedHeaders,
  ) {}

  /** Resolves after the first attempt; retries continue afterwards. */
  async deliver(url: string, body: string): Promise<DeliveryResult> {
    const first = await this.attempt(url, body);
    if (!first.delivered) this.scheduleRetry(url, body, 0);
    return first;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private scheduleRetry(url: string, body: string, index: number): void {
    const delay = this.retryDelaysMs[index];
    if (delay === undefined || this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(url, body).then((result) => {
        if (!result.delivered) this.scheduleRetry(url, body, index + 1);
      });
    }, delay);
    this.timers.add(timer);
  }

  private async attempt(url: string, body: string): Promise<DeliveryResult> {
    if (this.closed) return { delivered: false };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Mozilla/4.0 (WeChat Pay simulator)',
          ...this.sign(body),
        },
        body,
        signal: AbortSignal.timeout(5000),
      });
      await response.arrayBuffer();
      return { delivered: response.status >= 200 && response.status < 300, status: response.status };
    } catch {
      return { delivered: false };
    }
  }
}
