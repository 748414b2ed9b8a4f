// Types for parallel.mjs (its unit test imports it).
export const SUMMARY_KEYS: readonly string[];
export type Summary = Record<'tests' | 'suites' | 'pass' | 'fail' | 'cancelled' | 'skipped' | 'todo', number>;
export function summaryOf(report: string): Summary & { found: boolean };
export function combinedSummary(runs: { name: string; report: string; status: number | null }[]): {
  total: Summary;
  lines: string[];
  notes: string[];
};
export function linePrefixer(prefix: string, write: (text: string) => void): { push(chunk: string): void; end(): void };
export function portRanges(range: string, parts: number): string[];
