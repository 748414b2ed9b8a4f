import { describe, expect, it } from 'vitest';
import { softErrorStatus } from '../../../../src/core/incident/soft-error';

describe('softErrorStatus reads gateway error pages from titles', () => {
  it.each([
    ['502 Bad Gateway', 502],
    ['503 Service Temporarily Unavailable', 503],
    ['503 Service Unavailable', 503],
    ['504 Gateway Time-out', 504],
    ['504 Gateway Timeout', 504],
    ['500 Internal Server Error', 500],
    ['Error 502', 502],
    ['HTTP Error 503', 503],
    ['502 Proxy Error', 502],
    ['502 - Proxy Error', 502],
    ['  502   bad   gateway ', 502],
    ['502', 502],
    ['example.com | 522: Connection timed out', 522],
    ['shop.example | 521: Web server is down', 521],
    ['Bad Gateway', 502],
    ['Service Unavailable', 503],
    ['Bad Gateway (502)', 502],
    ['Gateway Timeout - 504', 504],
    ['Internal Server Error', 500],
  ])('%s → %s', (title, status) => expect(softErrorStatus(title)).toBe(status));

  it.each([
    'Top 502 recipes',
    '502 ways to cook rice',
    'Route 503 closed for maintenance',
    'Bad Gateway: a novel',
    'Error 404',
    '404 Not Found',
    '200 OK',
    'Home',
    '',
    '5023',
    'x'.repeat(300) + '502 Bad Gateway',
  ])('%s is not an error page', (title) => expect(softErrorStatus(title)).toBeUndefined());

  it.each([undefined, null, 502, {}])('non-string %s → undefined', (title) => expect(softErrorStatus(title)).toBeUndefined());
});
