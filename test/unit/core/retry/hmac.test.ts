// The alarm ids' hash, checked against Node's own implementation and the RFC 4231 test vectors.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../src/core/crowd/report';
import { hmacSha256, sha256 } from '../../../../src/core/retry/hmac';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('sha256 and hmacSha256', () => {
  it('match node:crypto for messages of every length around the block boundaries', () => {
    for (let n = 0; n < 200; n += 1) {
      const message = randomBytes(n);
      expect(toHex(sha256(message))).toBe(createHash('sha256').update(message).digest('hex'));
      const key = randomBytes(n % 90);
      expect(toHex(hmacSha256(key, message))).toBe(createHmac('sha256', key).update(message).digest('hex'));
    }
  });

  it('RFC 4231 test case 2', () => {
    expect(toHex(hmacSha256(bytes('Jefe'), bytes('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
