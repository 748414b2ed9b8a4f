import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isReporter } from '../../../../src/core/crowd/report';
import {
  DEVICE_SECRET_BYTES,
  deviceSecretFrom,
  isDeviceSecret,
  newDeviceSecret,
  reporterId,
  utcDay,
} from '../../../../src/core/crowd/reporter';

const secret = '0123456789abcdef'.repeat(4);
const other = 'fedcba9876543210'.repeat(4);
const at = (iso: string): number => Date.parse(iso);
const counter = (): ((bytes: Uint8Array) => Uint8Array) => {
  let n = 0;
  return (bytes) => bytes.map(() => (n += 7) & 0xff);
};

describe('device secret', () => {
  it('is 32 random bytes as 64 lowercase hex digits', () => {
    const made = newDeviceSecret();
    expect(made).toMatch(/^[0-9a-f]{64}$/);
    expect(DEVICE_SECRET_BYTES).toBeGreaterThanOrEqual(16);
    expect(newDeviceSecret()).not.toBe(made);
  });

  it('comes from the random source it is given', () => {
    expect(newDeviceSecret((b) => b.fill(0xab))).toBe('ab'.repeat(32));
    expect(newDeviceSecret(counter())).toBe(
      Array.from({ length: 32 }, (_, i) => ((7 * (i + 1)) & 0xff).toString(16).padStart(2, '0')).join(''),
    );
  });

  it('refuses a random source that gives one repeated digit (all zeros: a broken generator)', () => {
    expect(() => newDeviceSecret((b) => b.fill(0))).toThrow();
    expect(isDeviceSecret('0'.repeat(64))).toBe(false);
  });

  it.each([
    ['too short', secret.slice(1)],
    ['too long', `${secret}0`],
    ['upper case', secret.toUpperCase()],
    ['not hex', `${secret.slice(1)}g`],
    ['a number', 42],
    ['null', null],
    ['an object', { secret }],
  ])('rejects a stored secret that is %s and makes a new one', (_, stored) => {
    expect(isDeviceSecret(stored)).toBe(false);
    const got = deviceSecretFrom(stored, counter());
    expect(got.fresh).toBe(true);
    expect(isDeviceSecret(got.secret)).toBe(true);
    expect(got.secret).not.toBe(stored);
  });

  it('keeps a valid stored secret as it is', () => {
    expect(
      deviceSecretFrom(secret, () => {
        throw new Error('must not draw a new one');
      }),
    ).toEqual({ secret, fresh: false });
  });
});

describe('utcDay', () => {
  it('changes at 00:00 UTC, not at local midnight', () => {
    expect(utcDay(at('2026-12-07T23:59:59.999Z'))).toBe('2026-12-07');
    expect(utcDay(at('2026-12-08T00:00:00.000Z'))).toBe('2026-12-08');
    expect(utcDay(at('2026-12-07T23:30:00-05:00'))).toBe('2026-12-08');
  });

  it('is the UTC day whatever the device’s time zone', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Kolkata']) {
        process.env.TZ = tz;
        expect(new Date(0).getTimezoneOffset(), `${tz} took effect`).not.toBe(0);
        expect(utcDay(at('2026-12-07T23:30:00Z')), tz).toBe('2026-12-07');
        expect(utcDay(at('2026-12-08T00:30:00Z')), tz).toBe('2026-12-08');
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('pads early years and refuses an invalid time', () => {
    expect(utcDay(0)).toBe('1970-01-01');
    expect(() => utcDay(Number.NaN)).toThrow(RangeError);
  });
});

describe('reporterId', () => {
  it('is HMAC-SHA-256(secret bytes, YYYY-MM-DD) cut to 16 bytes', async () => {
    const expected = createHmac('sha256', Buffer.from(secret, 'hex')).update('2026-12-07').digest('hex').slice(0, 32);
    expect(await reporterId(secret, at('2026-12-07T12:00:00Z'))).toBe(expected);
  });

  it('is one id all day long and a valid contract reporter', async () => {
    const morning = await reporterId(secret, at('2026-12-07T00:00:00.000Z'));
    expect(isReporter(morning)).toBe(true);
    expect(await reporterId(secret, at('2026-12-07T23:59:59.999Z'))).toBe(morning);
  });

  it('changes at the UTC day boundary', async () => {
    const before = await reporterId(secret, at('2026-12-07T23:59:59.999Z'));
    const after = await reporterId(secret, at('2026-12-08T00:00:00.000Z'));
    expect(after).not.toBe(before);
  });

  it('differs between devices on the same day', async () => {
    const now = at('2026-12-07T12:00:00Z');
    expect(await reporterId(other, now)).not.toBe(await reporterId(secret, now));
  });

  it('gives a different id on every other day (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 1, max: 400 }), async (day, gap) => {
        const a = await reporterId(secret, day * 86_400_000 + 1);
        const b = await reporterId(secret, (day + gap) * 86_400_000 + 1);
        expect(isReporter(a) && isReporter(b)).toBe(true);
        expect(a).not.toBe(b);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an invalid secret instead of deriving from it', async () => {
    await expect(reporterId('00', 0)).rejects.toThrow(TypeError);
  });
});
