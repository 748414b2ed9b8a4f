// Types for release.mjs (unit tests import it).
export function compareVersions(a: string, b: string): -1 | 0 | 1;
export function releaseChangelog(changelog: string, version: string, date: string): string;
