import type { Logger } from '../logger';
import type { Actor } from '../auth/actor';

declare module 'koa' {
  interface DefaultContext {
    log: Logger;
  }
  interface DefaultState {
    actor?: Actor;
    requestId?: string;
    /** The raw body of an upload route (core/http/upload.ts). */
    upload?: { body: Buffer; contentType: string };
  }
}

export {};
