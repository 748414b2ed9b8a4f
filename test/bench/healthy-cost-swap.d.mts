// Types of the parts of healthy-cost-swap.mjs that TypeScript files import (its unit test).
export interface SwapSample {
  block: string;
  session: number;
  cycle: number;
  on: number;
  off: number;
}
export interface SwapRow {
  name: string;
  rounds: number;
  ratio: number;
}
export const RULE: { minRounds: number; aaWithin: number; goal: number };
export function ruleVerdict(dc: SwapRow, aa: SwapRow | undefined): string;
export function swapRatio(samples: SwapSample[], kinds: [string, string], statistic?: 'paired' | 'medians'): number;
export function swapBlocks(
  variants: string[],
): Record<string, { variant: string | undefined; on: 'A' | 'B' | undefined; counted: 'A' | 'B' }>;
