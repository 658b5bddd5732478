import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature, verifySnippet, VERIFY_SNIPPET } from '@/lib/monitors/webhook-signature';

const SECRET = 'whsec_test_3f9a';
const BODY = JSON.stringify({ domain: 'example.test', changes: [{ kind: 'port-status', from: 'ok', to: 'closed' }] });

describe('webhook signature', () => {
  it('is HMAC-SHA256 over "<t>.<body>" in hex, as the docs say (independent computation)', () => {
    const header = signatureHeader(SECRET, BODY, 1_700_000_000);
    const expected = createHmac('sha256', SECRET).update(`1700000000.${BODY}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies its own signature and refuses a changed body, another secret, an old timestamp, or garbage', () => {
    const now = 1_700_000_000;
    const header = signatureHeader(SECRET, BODY, now);
    expect(verifySignature({ header, body: BODY, secret: SECRET, nowSec: now + 10 })).toEqual({ ok: true, timestamp: now });
    expect(verifySignature({ header, body: `${BODY} `, secret: SECRET, nowSec: now })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature({ header, body: BODY, secret: 'other', nowSec: now })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature({ header, body: BODY, secret: SECRET, nowSec: now + 301 })).toEqual({ ok: false, reason: 'too-old' });
    // a replay with the timestamp moved forward no longer matches the MAC
    const forged = header.replace(`t=${now}`, `t=${now + 200}`);
    expect(verifySignature({ header: forged, body: BODY, secret: SECRET, nowSec: now + 200 })).toEqual({ ok: false, reason: 'mismatch' });
    for (const bad of ['', 't=abc,v1=00', `v1=${'0'.repeat(64)}`, `t=${now}`, `t=${now},v1=xyz`]) {
      expect(verifySignature({ header: bad, body: BODY, secret: SECRET, nowSec: now }).ok, bad).toBe(false);
    }
  });

  it('accepts any of several v1 values (secret rotation)', () => {
    const now = 1_700_000_000;
    const oldSig = signatureHeader('old-secret', BODY, now).split(',')[1]!;
    const header = `${signatureHeader(SECRET, BODY, now)},${oldSig}`;
    expect(verifySignature({ header, body: BODY, secret: 'old-secret', nowSec: now }).ok).toBe(true);
    expect(verifySignature({ header, body: BODY, secret: SECRET, nowSec: now }).ok).toBe(true);
  });

  it('ships a verification snippet for receivers that accepts our header and refuses a tampered body', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mxray-snippet-')), 'verify.mjs');
    fs.writeFileSync(file, VERIFY_SNIPPET);
    const { verifyMxray } = (await import(file)) as { verifyMxray: (b: string, h: string, s: string) => boolean };
    const header = signatureHeader(SECRET, BODY, Math.floor(Date.now() / 1000));
    expect(verifyMxray(BODY, header, SECRET)).toBe(true);
    expect(verifyMxray(BODY.replace('closed', 'ok'), header, SECRET)).toBe(false);
    expect(verifyMxray(BODY, header, 'wrong')).toBe(false);
  });

  it('words its one comment in the reader’s language and changes nothing else', () => {
    expect(verifySnippet()).toBe(VERIFY_SNIPPET);
    const fr = verifySnippet('rawBody : le corps de la requête tel que reçu');
    expect(fr).toContain('// rawBody : le corps de la requête tel que reçu\n');
    expect(fr).not.toContain('exactly as received');
    expect(fr.replace(/^\/\/ .*$/m, '')).toBe(VERIFY_SNIPPET.replace(/^\/\/ .*$/m, ''));
  });

  it('is the snippet README.md shows receivers, verbatim', () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, '../../../README.md'), 'utf8');
    expect(readme).toContain(VERIFY_SNIPPET);
  });
});
