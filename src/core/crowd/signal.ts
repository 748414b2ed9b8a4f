// From stored reports to the published signal: windows, distinct counting, rounding, levels, baseline, pruning.
// Pure functions of their inputs and `now` (milliseconds), so tests drive them with simulated time.

export const MINUTE_MS = 60_000;
export const WINDOW_MS = 10 * MINUTE_MS;
export const STEP_MS = 5 * MINUTE_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const HOURS_PER_WEEK = 7 * 24;
/** Raw reports are kept this long; then only per-host hourly counts remain. */
export const RAW_RETENTION_MS = DAY_MS;
/** The baseline is the mean over up to this many past weeks; hourly counts older than that are pruned. */
export const HISTORY_WEEKS = 4;

export const LISTED = { reporters: 5, networks: 3 } as const;
export const WIDESPREAD = { reporters: 20, networks: 5 } as const;
export const PROVIDER_LISTED = { hosts: 10, reporters: 20, networks: 5 } as const;
export const PROVIDER_WIDESPREAD_HOSTS = 100;

export type Level = 'possible' | 'widespread';

/** One counted report as the signal needs it: `network` is already a keyed hash. */
export interface SignalRow {
  hostKey: string;
  reporter: string;
  network: string;
  at: number;
}
export interface ViaRow extends SignalRow {
  via: string;
}
/** What the store keeps per host beyond 24 h: the start of its current run of reports and hourly counts. */
export interface HostHistory {
  hostKey: string;
  runStart: number;
  counts: Record<number, number>;
}

export interface HostSignal {
  hostKey: string;
  reporters: number;
  networks: number;
  level: Level;
  ratio: number | null;
  since: string;
}
export interface ProviderSignal {
  via: string;
  hosts: number;
  reporters: number;
  networks: number;
  level: Level;
}

/** The fixed 10-minute window a report falls in: one counted report per reporter, host and window. */
export const windowOf = (at: number): number => Math.floor(at / WINDOW_MS);
export const hourOf = (at: number): number => Math.floor(at / HOUR_MS);
export const dayOf = (at: number): number => Math.floor(at / DAY_MS);
export const roundDown5 = (n: number): number => Math.floor(n / 5) * 5;

/** The sliding window ending at `end`: the last 10 minutes, `end` included. */
export const inWindow = (at: number, end: number): boolean => at > end - WINDOW_MS && at <= end;

export interface Distinct {
  reporters: number;
  networks: number;
}

/** Distinct reporters and networks per key (host or platform) among rows in the window ending at `end`. */
export function distinctBy<R extends SignalRow>(rows: readonly R[], end: number, keyOf: (row: R) => string): Map<string, Distinct> {
  const sets = new Map<string, { reporters: Set<string>; networks: Set<string> }>();
  for (const row of rows) {
    if (!inWindow(row.at, end)) continue;
    const key = keyOf(row);
    let entry = sets.get(key);
    if (!entry) sets.set(key, (entry = { reporters: new Set(), networks: new Set() }));
    entry.reporters.add(row.reporter);
    entry.networks.add(row.network);
  }
  return new Map([...sets].map(([key, s]) => [key, { reporters: s.reporters.size, networks: s.networks.size }]));
}

const meets = (d: Distinct | undefined, rule: Distinct): boolean => !!d && d.reporters >= rule.reporters && d.networks >= rule.networks;

/** Widespread only when the rule holds now and held one 5-minute step ago too: a burst of one instant is not enough. */
export const levelOf = (now: Distinct | undefined, stepBefore: Distinct | undefined): Level =>
  meets(now, WIDESPREAD) && meets(stepBefore, WIDESPREAD) ? 'widespread' : 'possible';

/** The hours whose counts the baseline of `now` reads: this hour of the week in each of the past weeks. */
export const baselineHours = (now: number): number[] =>
  Array.from({ length: HISTORY_WEEKS }, (_, i) => hourOf(now) - (i + 1) * HOURS_PER_WEEK);
/** The hours {@link ratioOf} reads: the baseline's, this hour and the one before. */
export const historyHours = (now: number): number[] => [hourOf(now), hourOf(now) - 1, ...baselineHours(now)];

/**
 * Reports in the last hour over the mean of this hour of the week in up to 4 past weeks that have a count;
 * null without any. The last hour is this hour's count plus the unelapsed share of the previous hour's.
 */
export function ratioOf(counts: Record<number, number>, now: number): number | null {
  const past = baselineHours(now)
    .map((hour) => counts[hour])
    .filter((n): n is number => typeof n === 'number' && n > 0);
  if (past.length === 0) return null;
  const usual = past.reduce((a, b) => a + b, 0) / past.length;
  const hour = hourOf(now);
  const elapsed = (now - hour * HOUR_MS) / HOUR_MS;
  const current = (counts[hour] ?? 0) + (counts[hour - 1] ?? 0) * (1 - elapsed);
  return Math.round((current / usual) * 100) / 100;
}

/** A host's run of reports: it starts again after a gap of a whole window without any. */
export function nextRunStart(previous: { runStart: number; lastAt: number } | undefined, at: number): number {
  return previous && at - previous.lastAt < WINDOW_MS ? previous.runStart : at;
}

/** The hosts a bucket lists, from the reports of its prefix since `now - 15 min` and their histories. */
export function bucketHosts(rows: readonly SignalRow[], histories: readonly HostHistory[], now: number): HostSignal[] {
  const current = distinctBy(rows, now, (r) => r.hostKey);
  const before = distinctBy(rows, now - STEP_MS, (r) => r.hostKey);
  const history = new Map(histories.map((h) => [h.hostKey, h]));
  const hosts: HostSignal[] = [];
  for (const [hostKey, d] of current) {
    if (!meets(d, LISTED)) continue;
    const h = history.get(hostKey);
    const firstInWindow = Math.min(...rows.filter((r) => r.hostKey === hostKey && inWindow(r.at, now)).map((r) => r.at));
    hosts.push({
      hostKey,
      reporters: roundDown5(d.reporters),
      networks: d.networks,
      level: levelOf(d, before.get(hostKey)),
      ratio: h ? ratioOf(h.counts, now) : null,
      since: new Date(Math.min(h?.runStart ?? firstInWindow, firstInWindow)).toISOString(),
    });
  }
  return hosts.sort((a, b) => b.reporters - a.reporters || (a.hostKey < b.hostKey ? -1 : 1));
}

/** The hosts whose histories {@link bucketHosts} needs: those the window could list. */
export function candidateHosts(rows: readonly SignalRow[], now: number): string[] {
  return [...distinctBy(rows, now, (r) => r.hostKey)].filter(([, d]) => meets(d, LISTED)).map(([hostKey]) => hostKey);
}

/** Platforms named by reports of at least 10 hosts from 20 reporters on 5 networks in the window; no host named. */
export function providerSignals(rows: readonly ViaRow[], now: number): ProviderSignal[] {
  const counts = distinctBy(rows, now, (r) => r.via);
  const hosts = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!inWindow(row.at, now)) continue;
    let set = hosts.get(row.via);
    if (!set) hosts.set(row.via, (set = new Set()));
    set.add(row.hostKey);
  }
  const out: ProviderSignal[] = [];
  for (const [via, d] of counts) {
    const h = hosts.get(via)?.size ?? 0;
    if (h < PROVIDER_LISTED.hosts || !meets(d, PROVIDER_LISTED)) continue;
    out.push({
      via,
      hosts: roundDown5(h),
      reporters: roundDown5(d.reporters),
      networks: d.networks,
      level: h >= PROVIDER_WIDESPREAD_HOSTS ? 'widespread' : 'possible',
    });
  }
  return out.sort((a, b) => b.hosts - a.hosts || (a.via < b.via ? -1 : 1));
}

/** What pruning at `now` deletes: raw reports before `rawBefore` (ms), hourly counts before `hourlyBefore` (hour). */
export const pruneLimits = (now: number): { rawBefore: number; hourlyBefore: number } => ({
  rawBefore: now - RAW_RETENTION_MS,
  hourlyBefore: hourOf(now) - HISTORY_WEEKS * HOURS_PER_WEEK,
});

/** How far back the bucket and provider reads look: the window, and one step before it for the duration rule. */
export const READ_SPAN_MS = WINDOW_MS + STEP_MS;
