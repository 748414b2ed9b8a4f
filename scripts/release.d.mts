// Types for release.mjs (unit tests import it).
export function compareVersions(a: string, b: string): -1 | 0 | 1;
export function releaseChangelog(changelog: string, version: string, date: string): string;
export const RELEASE_FILES: string[];
export function release(
  args: string[],
  options?: { root?: string; run?: (cmd: string, args: string[]) => void; date?: string; log?: (line: string) => void },
): string;
