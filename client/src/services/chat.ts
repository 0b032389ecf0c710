import type { ChatMessage, ChatPage, ChatUnread, ChatUnreadSummary } from '@gantry/shared';
import { http } from './http';

const enc = encodeURIComponent;

/** Newest first; `before` scrolls back, `after` catches up. */
export function listMessages(
  projectId: string,
  query: { before?: number; after?: number; limit?: number } = {},
): Promise<ChatPage> {
  return http.get<ChatPage>(`/projects/${enc(projectId)}/messages`, { query });
}

/**
 * Long poll: answers as soon as a message after `after` exists, or empty after `timeoutMs`. Errors
 * are not toasted: the poll loop waits and tries again.
 */
export function waitForMessages(projectId: string, after: number, timeoutMs = 25_000): Promise<ChatPage> {
  return http.get<ChatPage>(`/projects/${enc(projectId)}/messages/wait`, {
    query: { after, timeoutMs },
    toast: false,
  });
}

/** `clientKey` makes a resend after a lost answer land once. */
export function postMessage(
  projectId: string,
  input: { text: string; fileIds: string[]; clientKey: string },
): Promise<ChatMessage> {
  return http.post<ChatMessage>(`/projects/${enc(projectId)}/messages`, input, { toast: false });
}

export function markRead(projectId: string, upTo: number): Promise<unknown> {
  return http.post(`/projects/${enc(projectId)}/messages/read`, { upTo }, { toast: false });
}

export function projectUnread(projectId: string): Promise<ChatUnread> {
  return http.get<ChatUnread>(`/projects/${enc(projectId)}/messages/unread`, { toast: false });
}

export function unreadSummary(): Promise<ChatUnreadSummary> {
  return http.get<ChatUnreadSummary>('/messages/unread', { toast: false });
}

export function retractMessage(id: string): Promise<ChatMessage> {
  return http.post<ChatMessage>(`/messages/${enc(id)}/retract`, {}, { toast: false });
}

/** A random key per message to send (not a secret: it only deduplicates resends). */
export function newClientKey(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}
