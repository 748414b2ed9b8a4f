// The reporter id a crowd report carries: derived from a random secret that never leaves the device and the UTC day,
// so the service can count one visitor once per day and host, yet cannot link the reports of two days.
import { toHex } from './report';

/** Bytes of the device secret: well above the 16 a keyed hash needs. */
export const DEVICE_SECRET_BYTES = 32;
const DEVICE_SECRET = new RegExp(`^[0-9a-f]{${DEVICE_SECRET_BYTES * 2}}$`);
/** Bytes of the reporter id (the contract's 32 hex digits). */
export const REPORTER_BYTES = 16;

/** A stored device secret: exactly 64 lowercase hex digits, and not one repeated digit (a broken generator). */
export const isDeviceSecret = (value: unknown): value is string =>
  typeof value === 'string' && DEVICE_SECRET.test(value) && !/^(.)\1*$/.test(value);

export type RandomFill = (bytes: Uint8Array) => Uint8Array;
const webRandom: RandomFill = (bytes) => crypto.getRandomValues(bytes);

/** A fresh device secret from the platform's cryptographic random source. */
export function newDeviceSecret(random: RandomFill = webRandom): string {
  const secret = toHex(random(new Uint8Array(DEVICE_SECRET_BYTES)));
  if (!isDeviceSecret(secret)) throw new Error('the random source gave no usable secret');
  return secret;
}

/** The stored secret when it is valid, else a new one to store (`fresh`): a damaged value is never repaired or reused. */
export function deviceSecretFrom(stored: unknown, random: RandomFill = webRandom): { secret: string; fresh: boolean } {
  return isDeviceSecret(stored) ? { secret: stored, fresh: false } : { secret: newDeviceSecret(random), fresh: true };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of the UTC day `now` (ms) falls in: the day changes at 00:00 UTC wherever the visitor is. */
export function utcDay(now: number): string {
  const date = new Date(now);
  if (!Number.isFinite(date.getTime())) throw new RangeError('utcDay needs a valid time');
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** HMAC-SHA-256(secret, UTC day), first 16 bytes in lowercase hex: same all day, unlinkable across days. */
export async function reporterId(secret: string, now: number): Promise<string> {
  if (!isDeviceSecret(secret)) throw new TypeError('reporterId needs a valid device secret');
  const key = await crypto.subtle.importKey('raw', fromHex(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(utcDay(now)));
  return toHex(new Uint8Array(mac, 0, REPORTER_BYTES));
}
