/**
 * The lab itself, checked with a plain client of its own (not mxray): its daemons listen on
 * 127.60.0.0/16 only, they relay nothing, and the AUTH they advertise is backed by a working SASL
 * (so "AUTH offered" in mxray's report stands for a real login service).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { lab } from '@/tests/fixtures/interop/check';
import { DNS_ADDRESS, DNS_PORT, HOSTS, SASL_PASSWORD, SASL_USER } from '@/tests/fixtures/interop/plan';

/**
 * A minimal SMTP dialogue: send a line, get the whole reply's last line. A socket error while a
 * reply is awaited fails that reply; one after the dialogue (a daemon resetting the connection
 * after our QUIT, as Exim may after a refused AUTH) is not the lab's fault and is only noted.
 */
function dialogue(socket: Socket) {
  let buf = '';
  const waiters: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  socket.on('data', (d) => {
    buf += d.toString('latin1');
    for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (/^\d{3} /.test(line)) waiters.shift()?.resolve(line);
    }
  });
  socket.on('error', (err) => {
    for (const w of waiters.splice(0)) w.reject(err);
  });
  const reply = () => new Promise<string>((resolve, reject) => waiters.push({ resolve, reject }));
  return {
    reply,
    say: (line: string) => {
      const r = reply();
      socket.write(`${line}\r\n`);
      return r;
    },
  };
}

async function authPlain(host: keyof typeof HOSTS, password: string): Promise<string> {
  const socket = tlsConnect({ host: HOSTS[host].address, port: 465, servername: HOSTS[host].name, ca: readFileSync(lab().caFile) });
  const s = dialogue(socket);
  try {
    expect(await s.reply()).toMatch(/^220 /);
    expect(await s.say('EHLO sanity.interop.test')).toMatch(/^250 /);
    return await s.say(`AUTH PLAIN ${Buffer.from(`\0${SASL_USER}\0${password}`).toString('base64')}`);
  } finally {
    socket.end('QUIT\r\n');
  }
}

async function relayAttempt(host: keyof typeof HOSTS): Promise<string> {
  const socket = tcpConnect({ host: HOSTS[host].address, port: 25 });
  const s = dialogue(socket);
  try {
    expect(await s.reply()).toMatch(/^220 /);
    expect(await s.say('EHLO sanity.interop.test')).toMatch(/^250 /);
    expect(await s.say('MAIL FROM:<sanity@interop.test>')).toMatch(/^250 /);
    return await s.say('RCPT TO:<someone@example.org>');
  } finally {
    socket.end('QUIT\r\n');
  }
}

/** Local addresses of every TCP/UDP socket the given processes hold, from /proc. */
function socketAddresses(pids: number[]): string[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // a short-lived child that exited meanwhile
    }
    for (const fd of fds) {
      const m = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    }
  }
  const out: string[] = [];
  for (const table of ['tcp', 'udp', 'tcp6', 'udp6']) {
    for (const line of readFileSync(`/proc/net/${table}`, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[9] && inodes.has(cols[9])) out.push(`${table} ${hexAddress(cols[1] ?? '')}`);
    }
  }
  return out;
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

function hexAddress(local: string): string {
  const [ip = '', port = ''] = local.split(':');
  if (ip.length !== 8) return `[${ip}]:${parseInt(port, 16)}`; // IPv6: must not occur, shown raw
  return `${(ip.match(/../g) ?? []).map((b) => parseInt(b, 16)).reverse().join('.')}:${parseInt(port, 16)}`;
}

/** The daemons and all their descendants. */
function labProcesses(): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const mine = new Set(Object.values(lab().pids));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) if (mine.has(ppid) && !mine.has(pid)) grew = mine.add(pid) !== undefined;
  }
  return [...mine].filter((p) => parent.has(p));
}

describe('the interop lab', () => {
  it('listens on 127.60.0.0/16 only: no wildcard address, no IPv6', () => {
    const addresses = socketAddresses(labProcesses());
    const expected = [
      `udp ${DNS_ADDRESS}:${DNS_PORT}`,
      `tcp ${DNS_ADDRESS}:${DNS_PORT}`,
      `tcp ${HOSTS.mx1.address}:25`,
      `tcp ${HOSTS.mx2.address}:465`,
      `tcp ${HOSTS.screen.address}:25`,
      `tcp ${HOSTS.brokenTls.address}:25`,
    ];
    expect(addresses).toEqual(expect.arrayContaining(expected));
    expect(addresses.filter((a) => !/^(tcp|udp) 127\.60\.\d+\.\d+:\d+$/.test(a))).toEqual([]);
  });

  it('relays nothing: a recipient elsewhere is refused by Postfix and by Exim', async () => {
    expect(await relayAttempt('plain')).toMatch(/^554 /);
    expect(await relayAttempt('mx2')).toMatch(/^550 /);
  });

  it('backs the advertised AUTH with a working SASL (Dovecot for Postfix, Exim’s own)', async () => {
    expect(await authPlain('mx1', SASL_PASSWORD)).toMatch(/^235 /);
    expect(await authPlain('mx1', 'wrong')).toMatch(/^535 /);
    expect(await authPlain('mx2', SASL_PASSWORD)).toMatch(/^235 /);
    expect(await authPlain('mx2', 'wrong')).toMatch(/^535 /);
  });
});
