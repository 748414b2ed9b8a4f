// Types for package.mjs (unit tests import it).
export const ROOT: string;
export const SOURCE_PATHS: string[];
export const BUILD_COMMANDS: string[];
export function isStray(path: string): boolean;
export function isTestOnly(path: string): boolean;
export function shippedFileProblems(names: string[]): string[];
export function packageNames(version: string): { chrome: string; firefox: string; source: string };
export function buildingMd(v: { version: string; node: string; npm: string }): string;
export function toolVersions(): { node: string; npm: string };
export function packageAll(options?: {
  build?: boolean;
  out?: string;
  only?: Array<'chrome' | 'firefox' | 'source'>;
  log?: (line: string) => void;
}): { version: string; files: Record<string, string>; sizes: Record<string, number> };
