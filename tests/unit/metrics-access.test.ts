import { describe, expect, it } from 'vitest';
import { MetricsConfigError, bearerMatches, isLoopbackHost, metricsAccess } from '@/lib/observability/metrics-server';

describe('metrics endpoint access policy', () => {
  it('counts 127.0.0.0/8, ::1, IPv4-mapped loopback and localhost as loopback', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST', 'metrics.localhost']) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
  });

  it('counts wildcard, private, public and named binds as not loopback', () => {
    for (const h of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', '172.16.0.1', '203.0.113.7', '2001:db8::1', '::ffff:10.0.0.1', 'metrics.example', '128.0.0.1']) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });

  it('is off when METRICS_PORT is unset or 0', () => {
    expect(metricsAccess({ port: 0, host: '0.0.0.0' })).toEqual({ kind: 'off' });
  });

  it('serves loopback without a token', () => {
    expect(metricsAccess({ port: 9464, host: '127.0.0.1' })).toEqual({ kind: 'open', host: '127.0.0.1', port: 9464 });
  });

  it('refuses a non-loopback bind without a token, naming the variables', () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3']) {
      expect(() => metricsAccess({ port: 9464, host })).toThrow(MetricsConfigError);
      expect(() => metricsAccess({ port: 9464, host, token: '   ' })).toThrow(/METRICS_TOKEN/);
    }
  });

  it('requires the token on any bind once one is set', () => {
    const token = 'a-long-enough-secret';
    expect(metricsAccess({ port: 9464, host: '0.0.0.0', token })).toEqual({ kind: 'token', host: '0.0.0.0', port: 9464, token });
    expect(metricsAccess({ port: 9464, host: '127.0.0.1', token })).toMatchObject({ kind: 'token' });
  });

  it('accepts exactly "Bearer <token>"', () => {
    const token = 'a-long-enough-secret';
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(undefined, token)).toBe(false);
    expect(bearerMatches(token, token)).toBe(false);
    expect(bearerMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(bearerMatches(`Basic ${token}`, token)).toBe(false);
    expect(bearerMatches('Bearer ', token)).toBe(false);
  });
});
