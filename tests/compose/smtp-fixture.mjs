// Fixture mail server of the compose smoke test (scripts/compose-smoke.sh), one per container on the
// test's internal compose network. Plain SMTP on port 25, no STARTTLS:
//   GREETING_PAUSE_MS  pause between the lines of a three-line greeting (keeps a check live)
//   RESET_FROM         comma-separated peer addresses whose connections are reset at once (a filter
//                      on the path from one vantage)
// It logs one line per connection (peer address) so the test can tell which worker came.
import net from 'node:net';

const pause = Number(process.env.GREETING_PAUSE_MS ?? 0);
const resetFrom = new Set((process.env.RESET_FROM ?? '').split(',').filter(Boolean));
const name = process.env.MX_NAME ?? 'mx.smoke.test';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = net.createServer(async (socket) => {
  const peer = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  console.log(JSON.stringify({ connection: peer }));
  socket.on('error', () => {});
  if (resetFrom.has(peer)) return socket.resetAndDestroy();
  const lines = [`220-${name} ESMTP`, '220-smoke fixture', `220 ${name} ready`];
  for (const [i, line] of lines.entries()) {
    if (i > 0 && pause) await sleep(pause);
    if (socket.destroyed) return;
    socket.write(`${line}\r\n`);
  }
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk.toString('latin1');
    let at;
    while ((at = buffer.indexOf('\r\n')) >= 0) {
      const command = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const verb = command.split(' ')[0].toUpperCase();
      if (verb === 'EHLO') socket.write(`250-${name}\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n`);
      else if (verb === 'HELO') socket.write(`250 ${name}\r\n`);
      else if (verb === 'QUIT') socket.end('221 bye\r\n');
      else if (['MAIL', 'RSET', 'NOOP'].includes(verb)) socket.write('250 ok\r\n');
      else if (verb === 'RCPT') socket.write('550 relay denied\r\n');
      else socket.write('502 not implemented\r\n');
    }
  });
});
server.listen(25, '0.0.0.0', () => console.log(JSON.stringify({ listening: 25, pause, resetFrom: [...resetFrom] })));
process.on('SIGTERM', () => process.exit(0));
