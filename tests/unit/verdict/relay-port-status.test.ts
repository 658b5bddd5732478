/**
 * An open relay is the server on the port the relay test ran over: that port's cell, its summary and
 * every roll-up read critical, not "OK", although the finding itself belongs to the address (the
 * relay section lists it there). Found in a browser review: port 25 showed a green OK beside an
 * "Open relay: critical" section.
 */
import { describe, expect, it } from 'vitest';
import { evaluateRelay } from '@/lib/probe/findings/relay-findings';
import type { PortProbe, RelayTest } from '@/lib/probe/schema';
import { describeProbe } from '@/lib/verdict/probe-view';
import { findingsForProbe, statusInResult } from '@/lib/verdict/probe-status';
import { summarizePort } from '@/lib/verdict/summary';
import { probe } from '../../fixtures/probe-builders';

const open: RelayTest = { status: 'open', reason: 'accepted', acceptedForm: 'plain', tls: false, attempts: [{ form: 'plain', recipient: 'a@relay.test', verdict: 'accepted' }] };
const closed: RelayTest = { status: 'closed', reason: 'refused', tls: false, attempts: [{ form: 'plain', recipient: 'a@relay.test', verdict: 'rejected' }] };

function check(relay: RelayTest | undefined): { tested: PortProbe; other: PortProbe; submission: PortProbe; findings: ReturnType<typeof evaluateRelay> } {
  const tested = probe({ ...(relay ? { relay } : {}) });
  // The same host's second address, and the same address's port 587: the relay test ran on neither.
  const other = probe({ address: '192.0.2.11' });
  const submission = probe({ port: 587 });
  return { tested, other, submission, findings: evaluateRelay([tested, other, submission]) };
}

describe('an open relay decides the status of the port it was found on', () => {
  it('open relay: that probe and its port summary read critical; the finding stays listed under the address only', () => {
    const { tested, other, submission, findings } = check(open);
    expect(findings.map((f) => f.code)).toEqual(['relay.open']);
    expect(statusInResult(tested, findings)).toBe('critical');
    expect(describeProbe(tested, findings).status).toBe('critical');
    expect(summarizePort(25, [tested, other], findings).status).toBe('critical');
    // Not another address, nor another port of the same address.
    expect(statusInResult(other, findings)).toBe('ok');
    expect(statusInResult(submission, findings)).toBe('ok');
    // The port's own findings (its details list) do not repeat the relay section's finding.
    expect(findingsForProbe(tested, findings)).toEqual([]);
    expect(describeProbe(tested, findings).findings).toEqual([]);
  });

  it('a closed relay, or none tested, leaves the port as it was', () => {
    for (const relay of [closed, undefined]) {
      const { tested, findings } = check(relay);
      expect(statusInResult(tested, findings)).toBe('ok');
      expect(describeProbe(tested, findings).status).toBe('ok');
    }
  });
});
