/**
 * probePort when EHLO is refused: a temporary (4xx) refusal is "could not test" and is not retried
 * with HELO (RFC 5321 §4.1.4: HELO is the fallback for an EHLO the server does not know, and a 4xx
 * says "later"), and a 5xx with a hang-up is the server's refusal, not a dropped connection.
 * Scripted servers on 127.90.0.0/16 (this file's loopback block), port 25.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateProbe } from '@/lib/probe/findings/evaluate';
import { probePort } from '@/lib/probe/probe-port';
import { PortProbeSchema } from '@/lib/probe/schema';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS, systemClock, type TlsContext } from '@/lib/probe/types';

let tls: TlsContext;
const servers: Server[] = [];
beforeAll(() => {
  tls = createTlsContext({ extraCaFile: '' });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** A server that greets and answers each command line with `answer`; records the verbs. */
async function scripted(address: string, answer: (s: Socket, line: string) => void): Promise<string[]> {
  const verbs: string[] = [];
  const server = createServer((s) => {
    s.on('error', () => {});
    let buf = '';
    s.on('data', (c) => {
      buf += c.toString('latin1');
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        verbs.push(line.split(' ')[0] ?? '');
        if (line === 'QUIT') s.end('221 2.0.0 bye\r\n');
        else answer(s, line);
      }
    });
    s.write('220 mx.example.test ESMTP\r\n');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen({ host: address, port: 25 }, () => r()));
  return verbs;
}

const limits = { ...DEFAULT_LIMITS, connectTimeoutMs: 1000, greetingTimeoutMs: 1500, commandTimeoutMs: 1500, tlsTimeoutMs: 1500, probeBudgetMs: 10_000 };
const probe = async (address: string) =>
  PortProbeSchema.parse(
    await probePort({
      host: 'mx.example.test',
      address,
      family: 4,
      port: 25,
      ehloName: 'probe.mxray.test',
      limits,
      policy: () => ({ allowed: true }),
      tls,
      clock: systemClock,
    }),
  );

describe('probePort: EHLO refused', () => {
  it('a 4xx to EHLO is "could not test": no HELO fallback, no "no STARTTLS" verdict', async () => {
    const address = '127.90.0.1';
    const verbs = await scripted(address, (s, line) => s.write(line.startsWith('EHLO') ? '451 4.3.0 try again later\r\n' : '250 mx.example.test\r\n'));
    const p = await probe(address);
    expect(p).toMatchObject({ outcome: 'server-busy', phase: 'ehlo', smtpCode: 451 });
    expect(verbs).toEqual(['EHLO', 'QUIT']);
    const findings = evaluateProbe(p, 'domain');
    expect(findings.map((f) => f.code)).toEqual(['port.busy']);
    expect(findings[0]).toMatchObject({ untested: true, params: { code: 451, text: '4.3.0 try again later' } });
  });

  it('a 4xx to the HELO fallback is "could not test" too', async () => {
    const address = '127.90.0.2';
    await scripted(address, (s, line) => s.write(line.startsWith('EHLO') ? '502 5.5.2 unknown\r\n' : '450 4.7.1 slow down\r\n'));
    const p = await probe(address);
    expect(p).toMatchObject({ outcome: 'server-busy', phase: 'ehlo', smtpCode: 450 });
    expect(evaluateProbe(p, 'domain').map((f) => [f.code, f.untested])).toEqual([['port.busy', true]]);
  });

  it('421 to EHLO names the 421, not the greeting', async () => {
    const address = '127.90.0.3';
    await scripted(address, (s) => s.end('421 4.3.2 shutting down\r\n'));
    const p = await probe(address);
    expect(p).toMatchObject({ outcome: 'server-busy', smtpCode: 421 });
    expect(evaluateProbe(p, 'domain')[0]).toMatchObject({ code: 'port.busy', params: { code: 421, text: '4.3.2 shutting down' } });
  });

  it('a 5xx to EHLO followed by a hang-up is a refusal, not a dropped connection', async () => {
    const address = '127.90.0.4';
    await scripted(address, (s) => s.end('554 5.7.1 go away\r\n'));
    const p = await probe(address);
    expect(p).toMatchObject({ outcome: 'command-rejected', phase: 'ehlo', smtpCode: 554, errorMessage: '5.7.1 go away' });
    expect(evaluateProbe(p, 'domain').map((f) => f.code)).toEqual(['port.command-rejected']);
  });

  it('a 5xx to EHLO then HELO accepted still falls back (RFC 5321 §4.1.4)', async () => {
    const address = '127.90.0.5';
    const verbs = await scripted(address, (s, line) => s.write(line.startsWith('EHLO') ? '500 5.5.1 unknown command\r\n' : '250 mx.example.test\r\n'));
    const p = await probe(address);
    expect(p).toMatchObject({ outcome: 'success', ehlo: { heloFallback: true } });
    expect(verbs).toEqual(['EHLO', 'HELO', 'QUIT']);
  });
});
