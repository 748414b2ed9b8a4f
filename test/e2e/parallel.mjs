// What test/e2e/run.mjs needs to run one `node --test` process per browser at once: the output of each, a line at a
// time under its browser's name, and one closing summary that adds theirs up (scripts/test-all.mjs counts it).

/** The spec reporter's closing counts, in its order (`ℹ pass 12`; `# pass 12` in TAP). */
export const SUMMARY_KEYS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo'];

/**
 * The closing counts in one process's report, each the sum of its lines as scripts/test-all.mjs adds them up
 * (`^(?:# |ℹ )<key> <n>$`); `found` says whether the report had any.
 * @param {string} report
 */
export function summaryOf(report) {
  const counts = Object.fromEntries(SUMMARY_KEYS.map((key) => [key, 0]));
  let found = false;
  for (const m of report.matchAll(/^(?:# |ℹ )(\w+) (\d+)$/gm)) {
    if (!SUMMARY_KEYS.includes(m[1])) continue;
    counts[m[1]] += Number(m[2]);
    found = true;
  }
  return { ...counts, found };
}

/**
 * The one summary of several processes: their counts added up. A process that failed (exit status not 0) without
 * reporting a failed test (it crashed, or timed out before its summary) counts one failed test, as test-all.mjs
 * counts a step that fails that way. `notes` says which did.
 * @param {{ name: string, report: string, status: number | null }[]} runs
 */
export function combinedSummary(runs) {
  const total = Object.fromEntries(SUMMARY_KEYS.map((key) => [key, 0]));
  const notes = [];
  for (const run of runs) {
    const summary = summaryOf(run.report);
    for (const key of SUMMARY_KEYS) total[key] += summary[key];
    if (run.status !== 0 && summary.fail === 0) {
      total.fail += 1;
      notes.push(`${run.name} exited with ${run.status ?? 'a signal'} and reported no failed test: counted as one`);
    }
  }
  return { total, lines: SUMMARY_KEYS.map((key) => `ℹ ${key} ${total[key]}`), notes };
}

/**
 * Splits a stream's chunks into whole lines and writes each with `prefix` in front; `end()` writes what is left
 * of an unfinished last line.
 * @param {string} prefix
 * @param {(text: string) => void} write
 */
export function linePrefixer(prefix, write) {
  let rest = '';
  return {
    push(chunk) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      if (lines.length) write(lines.map((line) => `${prefix}${line}\n`).join(''));
    },
    end() {
      if (rest) write(`${prefix}${rest}\n`);
      rest = '';
    },
  };
}

/**
 * `range` ("low-high") cut into `parts` ranges of consecutive ports, as "low-high" strings, one for each process's
 * freePort() (test/fixtures/demo-site.mjs), so no two processes hand out the same port.
 * @param {string} range
 * @param {number} parts
 */
export function portRanges(range, parts) {
  const [low, high] = range.split('-').map(Number);
  const size = Math.floor((high - low + 1) / parts);
  if (!(Number.isInteger(low) && Number.isInteger(high) && parts >= 1 && size >= 1)) {
    throw new Error(`cannot cut port range "${range}" into ${parts} parts`);
  }
  return Array.from({ length: parts }, (_, i) => `${low + i * size}-${i === parts - 1 ? high : low + (i + 1) * size - 1}`);
}
