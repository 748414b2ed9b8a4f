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

/** A run as kept: where it started and its last report. */
export interface Run {
  runStart: number;
  lastAt: number;
}
/** The later part of a host's reports, kept apart: its first report too, to know whether it continues `earlier`. */
export interface LaterRun extends Run {
  firstAt: number;
}

/**
 * One run from an earlier part of a host's reports and a later one, as if each report had gone through
 * {@link nextRunStart} in turn: the later part continues the earlier run only when it had no gap of its own and
 * began within a window of the earlier part's last report.
 */
export function joinRuns(earlier: Run | undefined, later: LaterRun): Run {
  const continues = earlier !== undefined && later.runStart === later.firstAt && later.firstAt - earlier.lastAt < WINDOW_MS;
  return {
    runStart: continues ? earlier.runStart : later.runStart,
    lastAt: Math.max(earlier?.lastAt ?? later.lastAt, later.lastAt),
  };
}

/** What a bucket needs of one host that the window could list: its distinct counts now, one step before, its first report. */
export interface HostCounts extends Distinct {
  hostKey: string;
  /** Counts in the window ending one step ago; only needed (and only filled) when `now` meets the widespread rule. */
  before?: Distinct;
  /** The earliest report in the window. */
  first: number;
}
/** What the providers answer needs of one platform: distinct hosts, reporters and networks in the window. */
export interface ViaCounts extends Distinct {
  via: string;
  hosts: number;
}

/** Only hosts meeting the listed rule are counted further. */
export const isListed = (d: Distinct): boolean => meets(d, LISTED);
/** Only then does the level need the counts of one step before. */
export const needsBefore = (d: Distinct): boolean => meets(d, WIDESPREAD);

/** {@link HostCounts} from raw rows: the reference the store's SQL aggregation is tested against. */
export function hostCounts(rows: readonly SignalRow[], now: number): HostCounts[] {
  const current = distinctBy(rows, now, (r) => r.hostKey);
  const before = distinctBy(rows, now - STEP_MS, (r) => r.hostKey);
  const first = new Map<string, number>();
  for (const r of rows) if (inWindow(r.at, now) && !(first.get(r.hostKey)! <= r.at)) first.set(r.hostKey, r.at);
  const out: HostCounts[] = [];
  for (const [hostKey, d] of current) {
    if (!isListed(d)) continue;
    const b = before.get(hostKey) ?? { reporters: 0, networks: 0 };
    out.push({ hostKey, ...d, first: first.get(hostKey)!, ...(needsBefore(d) ? { before: b } : {}) });
  }
  return out;
}

/** The hosts a bucket lists, from their counts and histories. */
export function bucketFromCounts(counts: readonly HostCounts[], histories: readonly HostHistory[], now: number): HostSignal[] {
  const history = new Map(histories.map((h) => [h.hostKey, h]));
  const hosts: HostSignal[] = [];
  for (const c of counts) {
    if (!isListed(c)) continue;
    const h = history.get(c.hostKey);
    hosts.push({
      hostKey: c.hostKey,
      reporters: roundDown5(c.reporters),
      networks: c.networks,
      level: levelOf(c, c.before),
      ratio: h ? ratioOf(h.counts, now) : null,
      since: new Date(Math.min(h?.runStart ?? c.first, c.first)).toISOString(),
    });
  }
  return hosts.sort((a, b) => b.reporters - a.reporters || (a.hostKey < b.hostKey ? -1 : 1));
}

/** The hosts a bucket lists, from the reports of its prefix since `now - 15 min` and their histories. */
export const bucketHosts = (rows: readonly SignalRow[], histories: readonly HostHistory[], now: number): HostSignal[] =>
  bucketFromCounts(hostCounts(rows, now), histories, now);

/** The hosts whose histories {@link bucketHosts} needs: those the window could list. */
export function candidateHosts(rows: readonly SignalRow[], now: number): string[] {
  return hostCounts(rows, now).map((c) => c.hostKey);
}

/** {@link ViaCounts} from raw rows: the reference for the store's SQL. */
export function viaCounts(rows: readonly ViaRow[], now: number): ViaCounts[] {
  const counts = distinctBy(rows, now, (r) => r.via);
  const hosts = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!inWindow(row.at, now)) continue;
    let set = hosts.get(row.via);
    if (!set) hosts.set(row.via, (set = new Set()));
    set.add(row.hostKey);
  }
  return [...counts].map(([via, d]) => ({ via, hosts: hosts.get(via)?.size ?? 0, ...d }));
}

/** Platforms named by reports of at least 10 hosts from 20 reporters on 5 networks in the window; no host named. */
export function providersFromCounts(counts: readonly ViaCounts[]): ProviderSignal[] {
  const out: ProviderSignal[] = [];
  for (const c of counts) {
    if (c.hosts < PROVIDER_LISTED.hosts || !meets(c, PROVIDER_LISTED)) continue;
    out.push({
      via: c.via,
      hosts: roundDown5(c.hosts),
      reporters: roundDown5(c.reporters),
      networks: c.networks,
      level: c.hosts >= PROVIDER_WIDESPREAD_HOSTS ? 'widespread' : 'possible',
    });
  }
  return out.sort((a, b) => b.hosts - a.hosts || (a.via < b.via ? -1 : 1));
}

export const providerSignals = (rows: readonly ViaRow[], now: number): ProviderSignal[] => providersFromCounts(viaCounts(rows, now));

/** What pruning at `now` deletes: raw reports before `rawBefore` (ms), hourly counts before `hourlyBefore` (hour). */
export const pruneLimits = (now: number): { rawBefore: number; hourlyBefore: number } => ({
  rawBefore: now - RAW_RETENTION_MS,
  hourlyBefore: hourOf(now) - HISTORY_WEEKS * HOURS_PER_WEEK,
});

/** How far back the bucket and provider reads look: the window, and one step before it for the duration rule. */
export const READ_SPAN_MS = WINDOW_MS + STEP_MS;
