// The crowd service this build was made with, on its own: the pages that offer the opt-in need it without the client.
import { parseServiceUrl } from '../core/crowd/service-url';

/** The service address this build was made with (DOWNCHECK_CROWD_URL), or undefined: then the feature is not offered. */
export function builtInServiceUrl(): string | undefined {
  const service = parseServiceUrl(import.meta.env.CROWD_URL ?? '');
  return service.ok ? service.url : undefined;
}
