import { describe, expect, it } from 'vitest';
import { formatReport } from '@/cli/format-report';
import type { CheckResult } from '@/lib/probe/schema';
import { visibleText } from '@/lib/verdict/visible-text';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

const OSC_TITLE = '\u001b]0;pwned\u0007';

/** Control bytes that must never reach a terminal from outside: C0 (but our own ESC [ colour), DEL, C1. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function hostile(): CheckResult {
  const r = structuredClone(SAMPLE_RESULT);
  for (const p of r.probes) {
    const leaf = p.tls?.chain[0];
    if (!leaf) continue;
    leaf.subjectAltNames = [`DNS:evil${OSC_TITLE}.test`, 'DNS:mx\u202eknil.test'];
    leaf.commonName = `cn${OSC_TITLE}`;
    leaf.issuer = 'CN=Issuer\r\nInjected: yes';
  }
  r.findings.push({ code: 'port.busy', severity: 'info', untested: true, scope: 'port', host: 'mx1.example.test', address: '192.0.2.10', port: 2525, params: { code: 421, text: `busy ${OSC_TITLE}\u009b31m` } });
  return r;
}

describe('server-supplied text in the terminal', () => {
  it('writes control characters out instead of passing them on', () => {
    expect(visibleText(`a${OSC_TITLE}b`)).toBe('a\\e]0;pwned\\ab');
    expect(visibleText('x\u009by\u0000z\u007f')).toBe('x\\x9by\\x00z\\x7f');
    expect(visibleText('mx\u202eknil')).toBe('mx\\u202eknil');
    expect(visibleText('plain-ascii and ünïcode ✔')).toBe('plain-ascii and ünïcode ✔');
  });

  it('prints a certificate whose SAN holds ESC ] 0 ; … BEL without the raw escape', () => {
    for (const color of [false, true]) {
      const out = formatReport(hostile(), { color });
      expect(out).toContain('evil\\e]0;pwned\\a.test');
      expect(out).toContain('cn\\e]0;pwned\\a');
      expect(out).toContain('mx\\u202eknil.test');
      expect(out).toContain('CN=Issuer\\r\\nInjected: yes');
      expect(out).toContain('busy \\e]0;pwned\\a\\x9b31m');
      expect(out).not.toContain('\u0007');
      expect(out).not.toContain('\u001b]');
      // Without colour nothing but newlines; with colour only our own SGR sequences.
      const stripped = color ? out.replace(/\u001b\[[0-9;]*m/g, '') : out;
      expect(stripped).not.toMatch(RAW_CONTROL);
    }
  });
});
