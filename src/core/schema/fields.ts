/** Field parsers every stored record shares (one copy: the domain validators and evidence-parse.ts use them). */
import type { Msg } from '../../model/message-text';
import { arrayOf, intIn, isRecord, numberIn, text, token } from './validate';

/** The latest moment a JavaScript Date can hold (epoch ms). */
const MAX_TIME = 8.64e15;

/** An epoch-ms moment. */
export const time = (value: unknown): number | undefined => numberIn(value, 0, MAX_TIME);
export const tabId = (value: unknown): number | undefined => intIn(value, 0, Number.MAX_SAFE_INTEGER);
export const host = (value: unknown): string | undefined => token(value, /^[^\s/?#@]+$/, 255);

export function parseMsg(value: unknown): Msg | undefined {
  if (!isRecord(value)) return undefined;
  const key = token(value.key, /^[A-Za-z0-9_]+$/, 100);
  if (!key) return undefined;
  const subs = arrayOf(value.subs, (s) => text(s, 500), 8);
  return subs ? { key, subs } : { key };
}

/** Copies into `out` the optional fields that parse; a field that does not is left out. */
export function optional<T extends object>(out: T, fields: { [K in keyof T]?: unknown }): T {
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) (out as Record<string, unknown>)[name] = value;
  return out;
}
