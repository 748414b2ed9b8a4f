// Types for crowd-service.mjs (its node test imports it).
export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The first 2 KB of the body, as UTF-8. */
  body: string;
  bodyBytes: number;
}
/** A row of the service's `reports` table, as SQLite holds it. */
export type StoredReport = Record<string, string | number | null>;

export interface CrowdForTest {
  url: string;
  serviceUrl: string;
  seed(hostName: string, reporters: number, networks: number, extra?: Record<string, unknown>): Promise<string>;
  reportsFor(hostName: string): StoredReport[];
  dataContains(text: string): boolean;
  requestLog(): LoggedRequest[];
  clearLog(): void;
  logs(): string;
  stop(): Promise<void>;
}
export function hostKeyOf(hostName: string): string;
export function startCrowdForTest(): Promise<CrowdForTest>;
