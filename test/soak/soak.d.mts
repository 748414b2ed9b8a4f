// Types for the parts of soak.mjs that unit tests use (test/unit/soak/bounds.test.ts).
export interface SoakRow {
  navigations: number;
  elapsedMs: number;
  heapBytes?: number;
  sessionBytes: number;
  localBytes: number;
  counts: Record<string, number>;
  alarms: number;
  /** The worker's timers pending; undefined when it did not answer. */
  timers?: number;
  probe: { ok: boolean; detectMs: number; problem?: string };
  problems: string[];
}
export declare const BOUNDS: Readonly<Record<string, number>> & { timersFixed: number; timersPerIncident: number };
export declare function checkBounds(rows: SoakRow[], options: { tabs: number }): string[];
