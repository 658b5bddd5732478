import { describe, expect, it } from 'vitest';
import { parseRetryAfter, startCheck, validateDomainInput } from '@/lib/report/start-check';

function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const impl = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  }) as unknown as typeof fetch;
  return { impl, calls };
}

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const started = { id: ID, status: 'running', deduped: false, urls: { self: `/api/checks/${ID}`, events: `/api/checks/${ID}/events`, permalink: `/check/${ID}` } };

describe('startCheck', () => {
  it('POSTs the domain and mode as JSON and returns the permalink', async () => {
    const f = fakeFetch(201, started);
    await expect(startCheck('example.com', 'host', f.impl)).resolves.toEqual({ ok: true, id: ID, deduped: false, permalink: `/check/${ID}` });
    expect(f.calls[0]!.url).toBe('/api/checks');
    expect(f.calls[0]!.init?.method).toBe('POST');
    expect(JSON.parse(String(f.calls[0]!.init?.body))).toEqual({ domain: 'example.com', mode: 'host' });
  });

  it("shows the API's own message for invalid input", async () => {
    const f = fakeFetch(400, { error: { code: 'invalid_input', message: 'IP addresses are not accepted; enter a domain name' } });
    await expect(startCheck('1.2.3.4', 'domain', f.impl)).resolves.toMatchObject({
      ok: false,
      code: 'invalid_input',
      message: 'IP addresses are not accepted; enter a domain name',
    });
  });

  it('turns 429 into a wait time from Retry-After', async () => {
    const f = fakeFetch(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '42' });
    await expect(startCheck('example.com', 'domain', f.impl)).resolves.toEqual({
      ok: false,
      code: 'rate_limited',
      message: 'Too many checks from your address. Try again in 42 seconds.',
      retryAfterSeconds: 42,
    });
  });

  it('explains a saturated service and a network failure', async () => {
    const busy = fakeFetch(503, { error: { code: 'saturated', message: 'x' } }, { 'retry-after': '120' });
    await expect(startCheck('example.com', 'domain', busy.impl)).resolves.toMatchObject({ message: 'mxray is busy right now. Try again in 2 minutes.' });
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(startCheck('example.com', 'domain', down)).resolves.toMatchObject({ ok: false, code: 'network' });
  });

  it('refuses a success body that does not match the API schema', async () => {
    const f = fakeFetch(201, { id: ID });
    await expect(startCheck('example.com', 'domain', f.impl)).resolves.toMatchObject({ ok: false, code: 'bad_response' });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('validateDomainInput', () => {
  it('accepts plausible names, including IDN and a trailing dot', () => {
    for (const ok of ['example.com', ' Example.COM ', 'bücher.example', 'mx.example.com.']) expect(validateDomainInput(ok)).toBeNull();
  });

  it('explains what is wrong with the rest', () => {
    expect(validateDomainInput('')).toMatch(/Enter a domain/);
    expect(validateDomainInput('https://example.com/')).toMatch(/without https/);
    expect(validateDomainInput('me@example.com')).toMatch(/after the @/);
    expect(validateDomainInput('exa mple.com')).toMatch(/spaces/);
    expect(validateDomainInput('localhost')).toMatch(/with a dot/);
    expect(validateDomainInput(`${'a'.repeat(250)}.com`)).toMatch(/too long/);
  });
});
