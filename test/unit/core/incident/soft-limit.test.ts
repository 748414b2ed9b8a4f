import { describe, expect, it } from 'vitest';
import { SOFT_INCIDENT_WINDOW_MS, SOFT_INCIDENTS_PER_WINDOW, softIncidentAllowed } from '../../../../src/core/incident/soft-limit';

const NOW = 1_790_000_000_000;

describe('softIncidentAllowed', () => {
  it('a few per tab within the window, then none until the oldest leaves it', () => {
    const times: number[] = [];
    for (let i = 0; i < SOFT_INCIDENTS_PER_WINDOW; i += 1) {
      expect(softIncidentAllowed(times, NOW + i)).toBe(true);
      times.push(NOW + i);
    }
    expect(softIncidentAllowed(times, NOW + 1000)).toBe(false);
    expect(softIncidentAllowed(times, NOW + SOFT_INCIDENT_WINDOW_MS)).toBe(true);
  });

  it('times in the future or not numbers do not count against the tab', () => {
    expect(softIncidentAllowed([NOW + 10, NOW + 20, NOW + 30], NOW)).toBe(true);
    expect(softIncidentAllowed([Number.NaN, Number.NaN, Number.NaN], NOW)).toBe(true);
  });
});
