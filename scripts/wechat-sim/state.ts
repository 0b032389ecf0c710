import { randomBytes } from 'node:crypto';

export type SimEndpoint = 'jscode2session' | 'stable_token' | 'subscribe' | 'wecom' | 'pay' | 'billdownload';

export interface SimFault {
  endpoint: SimEndpoint;
  errcode?: number;
  httpStatus?: number;
  delayMs?: number;
  /** `billdownload` only: answer 200 with the full Content-Length, send this many bytes, then cut the connection. */
  cutAfterBytes?: number;
  /** How many requests the fault applies to; default 1. */
  times?: number;
}

export interface SubscribeMessage {
  kind: 'subscribe';
  at: string;
  msgid: number;
  openid: string;
  templateId: string;
  page?: string;
  miniprogramState?: string;
  data: Record<string, { value: string }>;
}

export interface WecomMessage {
  kind: 'wecom';
  at: string;
  key: string;
  msgtype: 'text' | 'markdown';
  content: string;
}

export type SimMessage = SubscribeMessage | WecomMessage;

interface LoginCode {
  openid: string;
  unionid?: string;
  expiresAt: number;
}
interface AccessToken {
  expiresAt: number;
  revoked: boolean;
}

export type TokenCheck = 'valid' | 'invalid' | 'expired';

/** In-memory state of the mini-program side of the simulator (login, tokens, grants, messages, faults). */
export class SimState {
  private readonly codes = new Map<string, LoginCode>();
  private readonly tokens = new Map<string, AccessToken>();
  private stableToken: string | undefined;
  private readonly grants = new Map<string, number>();
  private readonly recorded: SimMessage[] = [];
  private readonly faults: Array<SimFault & { remaining: number }> = [];
  private readonly wecomSends = new Map<string, number[]>();
  private nextMsgId = 2_000_000_000;

  constructor(private readonly ttl: { codeMs: number; tokenMs: number }) {}

  issueLoginCode(openid: string, unionid?: string): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { openid, unionid, expiresAt: Date.now() + this.ttl.codeMs });
    return code;
  }

  /** Codes are single-use: a lookup removes the code whether or not it had expired. */
  redeemLoginCode(code: string): LoginCode | undefined {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (!entry || entry.expiresAt <= Date.now()) return undefined;
    return entry;
  }

  issueToken(): { token: string; expiresIn: number } {
    const token = randomBytes(48).toString('base64url');
    this.tokens.set(token, { expiresAt: Date.now() + this.ttl.tokenMs, revoked: false });
    return { token, expiresIn: this.secondsLeft(token) };
  }

  /** stable_token: the same token while it is valid; force_refresh revokes it and issues a new one. */
  stable(forceRefresh: boolean): { token: string; expiresIn: number } {
    const current = this.stableToken;
    if (current && !forceRefresh && this.checkToken(current) === 'valid') {
      return { token: current, expiresIn: this.secondsLeft(current) };
    }
    if (current && forceRefresh) this.tokens.get(current)!.revoked = true;
    const issued = this.issueToken();
    this.stableToken = issued.token;
    return issued;
  }

  checkToken(token: string): TokenCheck {
    const entry = this.tokens.get(token);
    if (!entry || entry.revoked) return 'invalid';
    return entry.expiresAt <= Date.now() ? 'expired' : 'valid';
  }

  private secondsLeft(token: string): number {
    const entry = this.tokens.get(token);
    return entry ? Math.max(0, Math.round((entry.expiresAt - Date.now()) / 1000)) : 0;
  }

  grantSubscription(openid: string, templateId: string, count = 1): void {
    const key = `${openid}\u0000${templateId}`;
    this.grants.set(key, (this.grants.get(key) ?? 0) + count);
  }

  consumeGrant(openid: string, templateId: string): boolean {
    const key = `${openid}\u0000${templateId}`;
    const left = this.grants.get(key) ?? 0;
    if (left <= 0) return false;
    this.grants.set(key, left - 1);
    return true;
  }

  newMsgId(): number {
    return this.nextMsgId++;
  }

  record(message: SimMessage): void {
    this.recorded.push(message);
  }

  messages(): SimMessage[] {
    return this.recorded.map((m) => structuredClone(m));
  }

  clearMessages(): void {
    this.recorded.length = 0;
  }

  /** Sliding one-minute window per robot key; only accepted messages count. */
  wecomWindowFull(key: string, limitPerMinute: number): boolean {
    const since = Date.now() - 60_000;
    const recent = (this.wecomSends.get(key) ?? []).filter((t) => t > since);
    this.wecomSends.set(key, recent);
    return recent.length >= limitPerMinute;
  }

  wecomSent(key: string): void {
    const list = this.wecomSends.get(key) ?? [];
    list.push(Date.now());
    this.wecomSends.set(key, list);
  }

  injectFault(fault: SimFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Returns the oldest pending fault for the endpoint and counts one use of it. */
  takeFault(endpoint: SimEndpoint): SimFault | undefined {
    const index = this.faults.findIndex((f) => f.endpoint === endpoint);
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }
}
