// Types for zip.mjs (unit tests import it).
export interface ZipEntry {
  name: string;
  data: Buffer;
}
export function crc32(buf: Uint8Array): number;
export function createZip(entries: ZipEntry[]): Buffer;
export function readZip(zip: Buffer): ZipEntry[];
export function unzipTo(zipPath: string, dir: string): string[];
export function listFiles(dir: string): string[];
