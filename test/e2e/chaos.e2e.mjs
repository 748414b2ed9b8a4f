// Chaos, short version (the 50-stop run is `npm run chaos`, test/soak/chaos.mjs):
// in Chromium the worker is stopped 8 times, at random points of detection, diagnosis, a retry
// schedule and a recovery (two cycles of four sites failing in 8 tabs). After each stop the state
// is consistent (badges match the stored incidents, waiting schedules have alarms, no records for
// closed tabs, every failing tab in its schedule) and every failing tab comes back on recovery.
// Firefox has no remote-protocol command that stops a background page (browsers.mjs stopWorker).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runChaos } from '../soak/chaos.mjs';
import { BROWSERS } from './browsers.mjs';

const STOPS = 8;

describe('chromium: chaos (short)', { skip: !BROWSERS.includes('chromium') && 'Chromium only' }, () => {
  it(
    `the worker stopped ${STOPS} times during detection, diagnosis, retry and recovery: consistent, every tab back`,
    {
      timeout: 300_000,
    },
    async () => {
      const { results, survived } = await runChaos({ stops: STOPS, log: (line) => console.log(line) });
      assert.equal(results.length, STOPS);
      assert.deepEqual(
        results.filter((r) => r.problems.length).map((r) => `stop ${r.n} (${r.phase}): ${r.problems.join('; ')}`),
        [],
      );
      assert.equal(survived, STOPS);
    },
  );
});
