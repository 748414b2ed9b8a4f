/**
 * One fuzz target = one fast-check property run as a vitest test. The same files serve two runs:
 *
 * - inside `npm test` (vitest) at a modest count, `FUZZ_RUNS` unset: {@link DEFAULT_RUNS} cases;
 * - `npm run fuzz` (scripts/fuzz.mjs) sets `FUZZ_RUNS=100000` and `FUZZ_REPORT=<file>`: each target
 *   appends one JSON line `{ target, runs, failures, seed, counterexample? }` there, and the script
 *   prints them as a table.
 *
 * `FUZZ_SEED` replays a run (the seed of a failure is in its message and in the report).
 */
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { it } from 'vitest';

export const DEFAULT_RUNS = 300;

const envRuns = Number(process.env.FUZZ_RUNS);
export const RUNS = Number.isInteger(envRuns) && envRuns > 0 ? envRuns : DEFAULT_RUNS;
const envSeed = Number(process.env.FUZZ_SEED);
const SEED = Number.isInteger(envSeed) ? envSeed : undefined;

/** Allows `msPerCase` (about 2 ms) a case, and never less than vitest's usual 5 s. */
const timeoutFor = (runs: number, msPerCase = 2): number => Math.max(5_000, runs * msPerCase);

/**
 * Declares the test `<target>: <what holds>` checking `property` on {@link RUNS} cases. The property
 * passes by returning anything but `false` without throwing (use `expect` or return a boolean).
 */
export function fuzz<Ts extends [unknown, ...unknown[]]>(
  target: string,
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  property: (...args: Ts) => boolean | void,
  /** Time budget per case for slower targets (one that opens a database a case). */
  msPerCase = 2,
): void {
  it(
    `${target}`,
    () => {
      const details = fc.check(fc.property(...arbitraries, property), { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) });
      report(target, details);
      if (details.failed) throw new Error(`${fc.defaultReportMessage(details) ?? `${target} failed`}\n${String(details.errorInstance)}`);
    },
    timeoutFor(RUNS, msPerCase),
  );
}

function report<Ts>(target: string, details: fc.RunDetails<Ts>): void {
  const file = process.env.FUZZ_REPORT;
  if (!file) return;
  const line = {
    target,
    runs: details.numRuns,
    failures: details.failed ? 1 : 0,
    seed: details.seed,
    ...(details.failed
      ? { counterexample: fc.stringify(details.counterexample), error: String(details.errorInstance ?? '').slice(0, 500) }
      : {}),
  };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

// ── shared arbitraries ──────────────────────────────────────────────────────────────────────

/** Strings of every kind: ASCII, full Unicode (lone surrogates included), control characters, long ones. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u0000', '\u007f', '\u0085', '\u2028', '\u00a0', 'a', '5', '0', ',', '.') }),
  fc.string({ minLength: 150, maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
);

/** Any value JSON.parse could return, and values it could not (functions, symbols, cycles aside). */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBoxedValues: true, withNullPrototype: true, withObjectString: true, withSparseArray: true }),
  fc.jsonValue(),
  anyString,
);

/** `valid` most of the time, any value otherwise: reaches the deep branches of a parser. */
export const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: anyValue });

/** A JSON value `depth` levels deep: `[[[…]]]` or `{"a":{"a":…}}`. */
export function nested(depth: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = i % 2 ? { a: value } : [value];
  return value;
}

/** Control characters that must never survive into display text. */
export const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Guards against a target that passes because its generator never reaches the interesting branch:
 * at least `minShare` of 1,000 samples (fixed seed) must be inputs the code under test accepts.
 */
export function reaches<T>(what: string, arbitrary: fc.Arbitrary<T>, accepted: (value: T) => boolean, minShare = 0.05): void {
  it(`the generator reaches ${what}`, () => {
    const samples = fc.sample(arbitrary, { numRuns: 1_000, seed: 42 });
    const share = samples.filter(accepted).length / samples.length;
    if (share < minShare) throw new Error(`only ${(share * 100).toFixed(1)} % of samples reach ${what}`);
  });
}
