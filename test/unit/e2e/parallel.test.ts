// test/e2e/parallel.mjs: the two browsers' reports, read and added up as scripts/test-all.mjs counts one.
import { describe, expect, it } from 'vitest';
import { combinedSummary, linePrefixer, portRanges, summaryOf } from '../../e2e/parallel.mjs';

/** The closing lines of a spec report, as node --test prints them. */
const report = (pass: number, fail: number, extra = '') =>
  `▶ chromium: detection\n  ✔ a test (12ms)\n  ℹ pass 99\n${extra}` +
  `ℹ tests ${pass + fail}\nℹ suites 3\nℹ pass ${pass}\nℹ fail ${fail}\nℹ cancelled 0\nℹ skipped 1\nℹ todo 0\nℹ duration_ms 1234.5\n`;

/** scripts/test-all.mjs's count of the e2e step's output. */
const testAllCount = (out: string) => ({
  passed: [...out.matchAll(/^(?:# |ℹ )pass (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0),
  failed: [...out.matchAll(/^(?:# |ℹ )fail (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0),
});

describe('summaryOf', () => {
  it('reads the closing counts, not an indented diagnostic', () => {
    expect(summaryOf(report(7, 2))).toEqual({ tests: 9, suites: 3, pass: 7, fail: 2, cancelled: 0, skipped: 1, todo: 0, found: true });
  });
  it('reads TAP counts too, and says when there are none', () => {
    expect(summaryOf('# pass 4\n# fail 1\n')).toMatchObject({ pass: 4, fail: 1, found: true });
    expect(summaryOf('crashed before any summary\n')).toMatchObject({ pass: 0, fail: 0, found: false });
  });
});

describe('combinedSummary', () => {
  it('adds both processes up, each count once', () => {
    const { total, lines, notes } = combinedSummary([
      { name: 'chromium', report: report(150, 1), status: 1 },
      { name: 'firefox', report: report(120, 0), status: 0 },
    ]);
    expect(total).toEqual({ tests: 271, suites: 6, pass: 270, fail: 1, cancelled: 0, skipped: 2, todo: 0 });
    expect(notes).toEqual([]);
    expect(testAllCount(lines.join('\n'))).toEqual({ passed: 270, failed: 1 });
  });
  it('counts a process that failed without a failed test as one failure', () => {
    const { total, notes } = combinedSummary([
      { name: 'chromium', report: report(150, 0), status: 0 },
      { name: 'firefox', report: 'Error: cannot start\n', status: null },
    ]);
    expect(total.pass).toBe(150);
    expect(total.fail).toBe(1);
    expect(notes).toEqual(['firefox exited with a signal and reported no failed test: counted as one']);
  });
  it('whose prefixed reports test-all.mjs does not count: only the summary', () => {
    const prefixed: string[] = [];
    const out = linePrefixer('[firefox]  ', (text) => prefixed.push(text));
    out.push(report(5, 0));
    out.end();
    expect(testAllCount(prefixed.join(''))).toEqual({ passed: 0, failed: 0 });
  });
});

describe('linePrefixer', () => {
  it('writes whole lines only, each under the prefix, and the unfinished rest at the end', () => {
    const written: string[] = [];
    const out = linePrefixer('[chromium] ', (text) => written.push(text));
    out.push('▶ one\n  ✔ a');
    out.push(' test\n');
    out.push('');
    out.push('last without newline');
    expect(written.join('')).toBe('[chromium] ▶ one\n[chromium]   ✔ a test\n');
    out.end();
    out.end();
    expect(written.join('')).toBe('[chromium] ▶ one\n[chromium]   ✔ a test\n[chromium] last without newline\n');
  });
});

describe('portRanges', () => {
  it('cuts the range into consecutive parts that do not overlap', () => {
    expect(portRanges('20000-29999', 2)).toEqual(['20000-24999', '25000-29999']);
    expect(portRanges('20000-20010', 3)).toEqual(['20000-20002', '20003-20005', '20006-20010']);
    expect(portRanges('20000-29999', 1)).toEqual(['20000-29999']);
  });
  it('refuses a range it cannot cut', () => {
    expect(() => portRanges('20000', 2)).toThrow(/cannot cut/);
    expect(() => portRanges('20000-20000', 2)).toThrow(/cannot cut/);
  });
});
