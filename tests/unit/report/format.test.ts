import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDaysLeft, formatEndpoint, formatKey, formatMs } from '@/lib/report/format';
import { formatTlsVersion } from '@/lib/verdict/probe-view';

describe('format', () => {
  it('formats dates in UTC whatever the local zone', () => {
    expect(formatDateTime('2026-03-02T23:59:00.000Z')).toBe('2 Mar 2026, 23:59 UTC');
    expect(formatDate('2026-12-31T23:00:00-05:00')).toBe('1 Jan 2027');
    expect(formatDate('not a date')).toBe('not a date');
  });

  it('formats durations for people', () => {
    expect(formatMs(0)).toBe('0 ms');
    expect(formatMs(999.6)).toBe('999 ms');
    expect(formatMs(1_234)).toBe('1.2 s');
    expect(formatMs(9_999)).toBe('9.9 s');
    expect(formatMs(12_500)).toBe('12 s');
    expect(formatMs(125_000)).toBe('2 min 5 s');
    expect(formatMs(-1)).toBe('–');
  });

  it('says how long a certificate has left, or how long ago it expired', () => {
    expect(formatDaysLeft(44)).toBe('44 days left');
    expect(formatDaysLeft(1)).toBe('1 day left');
    expect(formatDaysLeft(0)).toBe('Expires today');
    // daysLeft is floored: -1 means it expired less than a day ago.
    expect(formatDaysLeft(-1)).toBe('Expired today');
    expect(formatDaysLeft(-2)).toBe('Expired 1 day ago');
    expect(formatDaysLeft(-13)).toBe('Expired 12 days ago');
  });

  it('names TLS versions, endpoints and keys', () => {
    expect(formatTlsVersion('TLSv1.3')).toBe('TLS 1.3');
    expect(formatTlsVersion('TLSv1')).toBe('TLS 1');
    expect(formatTlsVersion('SSLv3')).toBe('SSLv3');
    expect(formatEndpoint('2001:db8::1', 25)).toBe('[2001:db8::1]:25');
    expect(formatEndpoint('192.0.2.1', 465)).toBe('192.0.2.1:465');
    expect(formatKey('ec', 256, 'P-256')).toBe('ECDSA P-256');
    expect(formatKey('rsa', 2048)).toBe('RSA 2048 bits');
  });
});
