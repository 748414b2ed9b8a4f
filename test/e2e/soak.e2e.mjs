// The soak's short version (the full run is `npm run soak`, test/soak/soak.mjs):
// 150 navigations of the realistic mix in 4 tabs at once, a row every 50, in each browser. Every
// failure recorded, no healthy page flagged (each navigation checked, and every incident the
// extension writes logged), the probe page detected at each row, and the figures within the
// bounds the full run states (BOUNDS in test/soak/soak.mjs).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSoak } from '../soak/soak.mjs';
import { BROWSERS } from './browsers.mjs';

const NAVIGATIONS = 150;
const ROW_EVERY = 50;

for (const name of BROWSERS) {
  describe(`${name}: soak (short)`, () => {
    it(
      `${NAVIGATIONS} navigations of the mix in 4 tabs: every failure recorded, nothing flagged, figures flat`,
      { timeout: 180_000 },
      async () => {
        const result = await runSoak({
          browserName: name,
          navigations: NAVIGATIONS,
          rowEvery: ROW_EVERY,
          log: (line) => console.log(line),
        });
        assert.equal(result.rows.length, NAVIGATIONS / ROW_EVERY);
        assert.deepEqual(result.failures, [], 'every navigation as expected');
        assert.deepEqual(result.falseAlarms, [], 'no incident for a healthy page');
        assert.deepEqual(result.broken, [], 'figures within their bounds');
        for (const kind of ['healthy', 'error', 'network']) assert.ok(result.mix[kind] > 0, `the mix has ${kind} pages`);
      },
    );
  });
}
