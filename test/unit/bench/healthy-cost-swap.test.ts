// How the healthy-cost figure is read (docs/performance.md): the swapped design's ratio and the rule's verdict.
import { describe, expect, it } from 'vitest';
import { ruleVerdict, swapBlocks, swapRatio, type SwapSample } from '../../bench/healthy-cost-swap.mjs';

const row = (name: string, rounds: number, ratio: number) => ({ name, rounds, ratio });

describe('ruleVerdict', () => {
  it('takes the point estimate as the figure when there are 1,920 rounds and the A/A control is within ±1 %', () => {
    expect(ruleVerdict(row('DOWNCHECK', 1920, 1.016), row('A/A control', 1920, 0.996))).toBe('+1.6 %: meets the goal (≤ +2 %)');
    expect(ruleVerdict(row('DOWNCHECK', 1920, 1.02), row('A/A control', 1920, 1.01))).toBe('+2.0 %: meets the goal (≤ +2 %)');
    expect(ruleVerdict(row('DOWNCHECK', 5760, 1.025), row('A/A control', 5760, 1.0))).toBe('+2.5 %: misses the goal (above +2 %)');
  });

  it('is not conclusive with the A/A control outside ±1 %, too few rounds, or no control', () => {
    expect(ruleVerdict(row('DOWNCHECK', 1920, 1.0), row('A/A control', 1920, 0.985))).toBe(
      'A/A outside ±1 %: not conclusive (it came out at −1.5 %)',
    );
    expect(ruleVerdict(row('DOWNCHECK', 1919, 1.0), row('A/A control', 1919, 1.0))).toBe(
      '1919 paired rounds, fewer than 1,920: not conclusive',
    );
    expect(ruleVerdict(row('DOWNCHECK', 32, 1.0), undefined)).toBe(
      'no A/A control: not conclusive; 32 paired rounds, fewer than 1,920: not conclusive',
    );
  });
});

describe('swapRatio', () => {
  it('cancels a speed difference between the two browsers (the geometric mean of A-ON and B-ON)', () => {
    // A is 10 % slower than B; Downcheck adds 2 % wherever it is on.
    const samples: SwapSample[] = [];
    for (let cycle = 0; cycle < 4; cycle += 1) {
      for (let i = 0; i < 8; i += 1) {
        const b = 100 + i;
        samples.push({ block: 'A-ON', session: 0, cycle, on: b * 1.1 * 1.02, off: b });
        samples.push({ block: 'B-ON', session: 0, cycle, on: b * 1.02, off: b * 1.1 });
      }
    }
    expect(swapRatio(samples, ['A-ON', 'B-ON'])).toBeCloseTo(1.02, 10);
    expect(swapRatio(samples, ['A-ON', 'B-ON'], 'medians')).toBeCloseTo(1.02, 10);
  });

  it('has a block kind per browser for each candidate, and two A/A kinds where nothing is on', () => {
    expect(swapBlocks(['DOWNCHECK'])).toEqual({
      'A-ON': { variant: 'DOWNCHECK', on: 'A', counted: 'A' },
      'B-ON': { variant: 'DOWNCHECK', on: 'B', counted: 'B' },
      'A-AA': { variant: undefined, on: undefined, counted: 'A' },
      'B-AA': { variant: undefined, on: undefined, counted: 'B' },
    });
  });
});
