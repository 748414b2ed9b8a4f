// Types for crowd-process.mjs (the crowd contract suite imports it).
import type { ChildProcess } from 'node:child_process';

export interface CrowdProcess {
  child: ChildProcess;
  /** The address it printed once listening; rejects if it exits or does not start in time. */
  url: Promise<string>;
  /** Everything the process wrote to stdout and stderr: its logs. */
  output(): string;
  stop(): Promise<void>;
}
export function startCrowdProcess(env?: Record<string, string>, options?: { timeoutMs?: number }): CrowdProcess;
