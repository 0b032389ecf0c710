import type { ClientConfig } from '@gantry/shared';
import { http } from './http';

export function getClientConfig(): Promise<ClientConfig> {
  return http.get<ClientConfig>('/client-config');
}
