import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalHost,
  hostKeyOf,
  isJsonContentType,
  isPrefix,
  parseReport,
  PLATFORMS,
  REPORT_KINDS,
} from '../../../../src/core/crowd/report';

const key = 'a'.repeat(64);
const reporter = '0'.repeat(32);
const valid = { v: 1, hostKey: key, reporter, kind: 'http5xx', status: 502, via: 'cloudflare' };

describe('parseReport', () => {
  it('accepts the contract example and keeps only its fields', () => {
    expect(parseReport({ ...valid, extra: 'ignored' })).toEqual({ ok: true, value: valid });
  });
  it('accepts every kind without status, and every platform', () => {
    for (const kind of REPORT_KINDS) expect(parseReport({ v: 1, hostKey: key, reporter, kind }).ok).toBe(true);
    for (const via of PLATFORMS) expect(parseReport({ ...valid, via }).ok).toBe(true);
    expect(parseReport({ ...valid, status: 500 }).ok).toBe(true);
    expect(parseReport({ ...valid, status: 599 }).ok).toBe(true);
  });
  it.each([
    ['not an object', null],
    ['an array', [valid]],
    ['v 2', { ...valid, v: 2 }],
    ['v "1"', { ...valid, v: '1' }],
    ['upper-case hostKey', { ...valid, hostKey: key.toUpperCase() }],
    ['short hostKey', { ...valid, hostKey: key.slice(1) }],
    ['long reporter', { ...valid, reporter: `${reporter}0` }],
    ['unknown kind', { ...valid, kind: 'slow' }],
    ['status 499', { ...valid, status: 499 }],
    ['status 600', { ...valid, status: 600 }],
    ['status 502.5', { ...valid, status: 502.5 }],
    ['status as a string', { ...valid, status: '502' }],
    ['status with another kind', { ...valid, kind: 'tls', status: 502 }],
    ['status null', { ...valid, status: null }],
    ['unknown platform', { ...valid, via: 'akamai-edge' }],
    ['via null', { ...valid, via: null }],
  ])('refuses %s with a message', (_name, body) => {
    const parsed = parseReport(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/\w/);
  });
  it('does not take fields from the prototype', () => {
    const body = Object.create({ status: 502 });
    Object.assign(body, { v: 1, hostKey: key, reporter, kind: 'tls' });
    expect(parseReport(body)).toEqual({ ok: true, value: { v: 1, hostKey: key, reporter, kind: 'tls' } });
  });
});

describe('prefixes and content types', () => {
  it('a prefix is exactly 3 lowercase hex digits', () => {
    expect(['abc', '000', 'f9e'].every(isPrefix)).toBe(true);
    expect(['ab', 'abcd', 'ABC', 'xyz', ' ab', 'ab\n', 3].some(isPrefix)).toBe(false);
  });
  it('JSON content types, with parameters, in any case', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true);
    expect(isJsonContentType('text/json')).toBe(false);
    expect(isJsonContentType('application/jsonp')).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);
  });
});

describe('host keys', () => {
  it('canonical host: ASCII lower case, no port, no trailing dot', () => {
    expect(canonicalHost('WWW.Example.COM.')).toBe('www.example.com');
    expect(canonicalHost('example.com:8443')).toBe('example.com');
    expect(canonicalHost('[2001:DB8::1]:443')).toBe('[2001:db8::1]');
    expect(canonicalHost('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
    // Only ASCII letters are lowered: a non-ASCII host was not punycoded, and stays visibly wrong.
    expect(canonicalHost('BÜCHER.example')).toBe('bÜcher.example');
  });
  it('is the lowercase hex SHA-256 of the canonical host', async () => {
    const expected = createHash('sha256').update('example.com').digest('hex');
    expect(await hostKeyOf('Example.COM.')).toBe(expected);
    expect(await hostKeyOf('example.com:80')).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });
});
