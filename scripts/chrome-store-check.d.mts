// Types for chrome-store-check.mjs (unit tests import it).
import type { ZipEntry } from './zip.mjs';
export const ICON_SIZES: number[];
export const MAX_DESCRIPTION: number;
export const MAX_NAME: number;
export function pngSize(data: Buffer): { width: number; height: number } | null;
export function checkChromePackage(entries: ZipEntry[]): string[];
