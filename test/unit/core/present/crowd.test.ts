import { describe, expect, it } from 'vitest';
import { crowdHeadline, crowdRow, crowdRowAge, crowdShort } from '../../../../src/core/present/crowd';
import type { CrowdOutcome, Evidence } from '../../../../src/model/evidence';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const crowd = (outcome: CrowdOutcome | { kind: 'none'; reason: string }, subs = ['5', '3', 'shop.example']): Evidence =>
  ({ check: 'crowd', outcome, summary: { key: 'crowdHostFailing', subs }, ms: 20 }) as Evidence;
const provider = { key: 'crowdProviderFailing', subs: ['Cloudflare', '150'] };
const other = { check: 'probe', outcome: { kind: 'none', reason: 'skipped' }, summary: { key: 'x' }, ms: 1 } as unknown as Evidence;

describe('the crowd as the views show it', () => {
  it('gives the row, a failing platform and the answer time when the crowd check said something', () => {
    const listed = crowd({ kind: 'listed', weight: 'supports-everyone', asOf: NOW - 3 * 60_000, provider });
    expect(crowdRow([other, listed])).toEqual({ row: listed.summary, provider, asOf: NOW - 3 * 60_000 });
    expect(crowdRowAge(crowdRow([listed])!, NOW)).toEqual({ key: 'crowdAgeMinutes', subs: ['3'] });
    const tooFew = crowd({ kind: 'unlisted', weight: 'none' });
    expect(crowdRow([tooFew])).toEqual({ row: tooFew.summary });
    expect(crowdRowAge(crowdRow([tooFew])!, NOW)).toBeUndefined();
  });

  it('gives nothing without the check (no opt-in) or when it did not run', () => {
    expect(crowdRow([other])).toBeUndefined();
    expect(crowdRow([crowd({ kind: 'none', reason: 'no-consent' })])).toBeUndefined();
    expect(crowdHeadline([other], NOW)).toBeUndefined();
  });

  it('puts a line under the answer only when the crowd supports "down for everyone": counts, then the platform', () => {
    const listed = crowd({ kind: 'listed', weight: 'supports-everyone', asOf: NOW, provider });
    expect(crowdHeadline([listed], NOW)).toEqual({
      words: [{ key: 'crowdLine', subs: ['5', '3'] }, provider],
      age: { key: 'crowdAgeNow' },
    });
    // The platform alone (the host not listed) still says it; too few reports say nothing there.
    const platformOnly = crowd({ kind: 'unlisted', weight: 'supports-everyone', provider });
    expect(crowdHeadline([platformOnly], NOW)).toEqual({ words: [provider] });
    expect(crowdHeadline([crowd({ kind: 'unlisted', weight: 'none', asOf: NOW })], NOW)).toBeUndefined();
    expect(crowdHeadline([crowd({ kind: 'unread', weight: 'none' })], NOW)).toBeUndefined();
    // A listed row without its counts (an older record) leaves only what it can say.
    expect(crowdHeadline([crowd({ kind: 'listed', weight: 'supports-everyone' }, [])], NOW)).toBeUndefined();
  });

  it('gives the panel the same short line with the answer time, so the panel ages it as it redraws', () => {
    const listed = crowd({ kind: 'listed', weight: 'supports-everyone', asOf: NOW - 60_000 });
    expect(crowdShort([other, listed])).toEqual({ words: [{ key: 'crowdLine', subs: ['5', '3'] }], asOf: NOW - 60_000 });
    expect(crowdShort([crowd({ kind: 'unlisted', weight: 'none', asOf: NOW })])).toBeUndefined();
    expect(crowdShort([other])).toBeUndefined();
  });
});
