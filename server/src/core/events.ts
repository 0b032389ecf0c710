import crypto from 'node:crypto';
import type { NotifyEvent } from '@gantry/shared';
import type { Logger } from './logger';

/**
 * Who an event concerns. Notifications resolve the configured recipients ("customer", "owner",
 * "pm", "manager", "role:finance", "staff") from these ids, so domains never name channels.
 */
export interface EventAudience {
  customerId?: string;
  ownerId?: string;
  pmId?: string;
  managerId?: string;
  staffIds?: string[];
}

type Scalar = string | number | boolean | null;
/** Template values: every field a notice may show. Money in fen, times as ISO strings. */
export type EventFields = Record<string, Scalar | string[] | undefined>;
export type EventPayload = EventAudience & EventFields;

export interface DomainEvent<P extends EventPayload = EventPayload> {
  /** Stable for the same happening (e.g. `milestone.confirmed:<id>`), so a re-publish is deduplicated. */
  id: string;
  name: NotifyEvent | string;
  payload: P;
  occurredAt: Date;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

/**
 * In-process domain events. `publish` waits for every subscriber so that, when it returns, the
 * notices are in the outbox (MongoDB) — the caller's request does not finish with them in memory.
 * A failing subscriber is logged and reported to the caller; the others still run.
 */
export class EventBus {
  private readonly handlers = new Map<string, EventHandler[]>();

  constructor(private readonly logger: Logger) {}

  /** `name` may be '*' for every event. */
  subscribe(name: string, handler: EventHandler): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
  }

  async publish(
    name: NotifyEvent | string,
    payload: EventPayload,
    options: { id?: string; occurredAt?: Date } = {},
  ) {
    const event: DomainEvent = {
      id: options.id ?? `${name}:${crypto.randomUUID()}`,
      name,
      payload,
      occurredAt: options.occurredAt ?? new Date(),
    };
    const handlers = [...(this.handlers.get(name) ?? []), ...(this.handlers.get('*') ?? [])];
    const results = await Promise.allSettled(handlers.map((h) => h(event)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const f of failures)
      this.logger.error({ err: f.reason, event: event.name, eventId: event.id }, 'event handler failed');
    if (failures.length > 0)
      throw new AggregateError(
        failures.map((f) => f.reason),
        `${failures.length} handler(s) of ${name} failed`,
      );
    return event;
  }
}
