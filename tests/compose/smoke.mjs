// The compose smoke test's checks (scripts/compose-smoke.sh starts the stack and runs this with the
// host's node): every step goes through the published ports on 127.0.0.1 and `docker`/compose
// commands on the stack; the probes' targets are the fixture mail servers of
// tests/compose/docker-compose.test.yml, resolved by the test resolver (smoke.test only).
//   COMPOSE_ARGV  the compose command as a JSON array (project name and both files included)
import { execFileSync } from 'node:child_process';
import { strict as assert } from 'node:assert';

const COMPOSE = JSON.parse(process.env.COMPOSE_ARGV ?? '[]');
const A = 'http://127.0.0.1:3001';
const B = 'http://127.0.0.1:3002';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const say = (...a) => console.log(`[smoke +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

function compose(...args) {
  return execFileSync(COMPOSE[0], [...COMPOSE.slice(1), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function docker(...args) {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}
function containerOf(service) {
  return compose('ps', '-q', service).trim();
}

async function json(base, path, init = {}) {
  const res = await fetch(base + path, {
    ...init,
    headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const post = (base, body) => json(base, '/api/checks', { method: 'POST', body: JSON.stringify(body) });

/** Waits until every container of the stack reports healthy (those with a health check). */
export async function waitHealthy(timeoutMs = 240_000) {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    const ids = compose('ps', '-q').trim().split('\n').filter(Boolean);
    const states = ids.map((id) => docker('inspect', '-f', '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}', id));
    last = states.join(', ');
    if (ids.length > 0 && states.every((s) => / running (healthy|-)$/.test(s))) return states;
    await sleep(2000);
  }
  throw new Error(`stack not healthy after ${timeoutMs} ms: ${last}`);
}

/** Reads an SSE stream until the server closes it; frames as { id, event, data }. */
async function openSse(url, headers = {}) {
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } });
  assert.equal(res.status, 200, `SSE ${url}`);
  const frames = [];
  const waiters = [];
  const done = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let sep = buffer.indexOf('\n\n'); sep >= 0; sep = buffer.indexOf('\n\n')) {
        const raw = buffer.slice(0, sep);
        buffer = buffer.slice(sep + 2);
        let event = 'message';
        let id;
        const data = [];
        for (const line of raw.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          else if (field === 'id') id = Number(value);
          else if (field === 'data') data.push(value);
        }
        if (data.length === 0) continue;
        const frame = { event, data: JSON.parse(data.join('\n')), ...(id !== undefined ? { id } : {}) };
        frames.push(frame);
        for (const w of [...waiters]) if (w.pred(frame)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(frame);
      }
    }
  })();
  const until = (pred) => {
    const seen = frames.find(pred);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pred, resolve }));
  };
  return { frames, done, until };
}

function expectWholeLog(frames, what) {
  const ids = frames.filter((f) => f.id !== undefined).map((f) => f.id);
  assert.deepEqual(ids, ids.map((_, i) => i + 1), `${what}: event ids 1, 2, 3, … in order`);
  assert.equal(frames[0]?.event, 'check-started', `${what}: starts with check-started`);
}

async function untilEnded(base, id, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const { status, body } = await json(base, `/api/checks/${id}`).catch(() => ({ status: 0 }));
    if (status === 200 && (body.status === 'done' || body.status === 'interrupted')) return body;
    await sleep(250);
  }
  throw new Error(`check ${id} did not end within ${timeoutMs} ms`);
}
const port25 = (check) => check.result?.probes?.find((p) => p.port === 25);
function withTimeout(p, ms, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

const report = {};

async function main() {
  say('services:', (await waitHealthy()).join(', '));

  // 1. Both web instances are ready with their store and Redis.
  for (const base of [A, B]) {
    const ready = await json(base, '/api/health/ready');
    assert.equal(ready.status, 200, `${base} ready`);
    assert.equal(ready.body.checks?.redis, 'ok', `${base} redis ok`);
    assert.equal(ready.body.checks?.store, 'ok', `${base} store ok`);
  }
  say('ready on both: store ok, redis ok');

  // 2. A check posted on web-a, watched live on web-b: every event, in order, to the end.
  const created = await post(A, { domain: 'ok.smoke.test' });
  assert.equal(created.status, 201, `POST on web-a: ${JSON.stringify(created.body)}`);
  const okId = created.body.id;
  const onB = await openSse(`${B}/api/checks/${okId}/events`);
  await withTimeout(onB.done, 90_000, 'SSE on web-b');
  expectWholeLog(onB.frames, 'web-b');
  assert.equal(onB.frames.at(-1)?.event, 'check-done');
  const ok = await untilEnded(A, okId);
  assert.equal(ok.status, 'done');
  assert.equal(port25(ok)?.outcome, 'success', 'port 25 of the fixture answered');
  report.sse = onB.frames.map((f) => `${f.id}:${f.event}`);
  say(`check ${okId} (web-a) seen on web-b: ${onB.frames.length} events`, report.sse.join(' '));
  // Resume on web-a after half of what web-b saw: exactly the rest.
  const half = Math.floor(onB.frames.length / 2);
  const onA = await openSse(`${A}/api/checks/${okId}/events`, { 'last-event-id': String(onB.frames[half - 1].id) });
  await withTimeout(onA.done, 30_000, 'SSE resume on web-a');
  assert.deepEqual(onA.frames.map((f) => [f.id, f.event]), onB.frames.slice(half).map((f) => [f.id, f.event]), 'resume on web-a');
  say(`Last-Event-ID ${onB.frames[half - 1].id} on web-a: the remaining ${onA.frames.length} events`);

  // 3. Two vantages: one check per vantage, each run by its own worker; the fixture resets us-east.
  const two = await post(B, { domain: 'vantage.smoke.test', vantages: ['eu-west', 'us-east'] });
  assert.equal(two.status, 201, `two-vantage POST: ${JSON.stringify(two.body)}`);
  const group = two.body.vantages;
  assert.deepEqual(group.map((g) => g.vantage), ['eu-west', 'us-east']);
  const [west, east] = await Promise.all(group.map((g) => untilEnded(A, g.id)));
  assert.equal(west.status, 'done');
  assert.equal(east.status, 'done');
  assert.equal(west.target.vantage, 'eu-west');
  assert.equal(east.target.vantage, 'us-east');
  assert.equal(port25(west)?.outcome, 'success', 'eu-west reaches port 25');
  assert.notEqual(port25(east)?.outcome, 'success', 'us-east is reset by the fixture');
  const peers = compose('logs', '--no-color', 'smtp-vantage');
  assert.match(peers, /"connection":"172\.30\.53\.11"/, 'eu-west worker connected');
  assert.match(peers, /"connection":"172\.30\.53\.12"/, 'us-east worker connected');
  report.vantages = { 'eu-west': port25(west).outcome, 'us-east': port25(east).outcome };
  say('two vantages:', JSON.stringify(report.vantages), 'from worker addresses 172.30.53.11 and .12');

  // 4. SIGKILL the worker running a check: it still ends (taken back, or interrupted), never stuck.
  const slow = await post(A, { domain: 'slow.smoke.test' });
  assert.equal(slow.status, 201);
  const slowId = slow.body.id;
  const slowOnB = await openSse(`${B}/api/checks/${slowId}/events`);
  await withTimeout(slowOnB.until((f) => f.event !== 'check-started' && f.id !== undefined && f.id >= 2), 60_000, 'slow check under way');
  const worker = containerOf('worker-eu-west');
  const killedAt = Date.now();
  docker('kill', '-s', 'KILL', worker);
  say(`killed worker-eu-west (SIGKILL) after event ${slowOnB.frames.at(-1).id} (${slowOnB.frames.at(-1).event})`);
  await withTimeout(slowOnB.done, 180_000, 'killed check ends on web-b');
  const killed = await untilEnded(B, slowId);
  assert.ok(['done', 'interrupted'].includes(killed.status));
  expectWholeLog(slowOnB.frames, 'killed check on web-b');
  report.kill = { status: killed.status, reason: killed.reason ?? null, endedAfterMs: Date.now() - killedAt, last: slowOnB.frames.at(-1).event };
  say('killed check ended:', JSON.stringify(report.kill));
  // `docker kill` counts as a manual stop for the restart policy (a crash would be restarted).
  compose('start', 'worker-eu-west');
  await waitHealthy();
  say('worker-eu-west started again');

  // 4b. A crash rather than `docker kill`: SIGKILL to us-east's worker process (its host PID). The
  // restart policy brings the container back by itself; the check asked of us-east still ends.
  const crash = await post(B, { domain: 'slow.smoke.test', vantages: ['us-east'] });
  assert.equal(crash.status, 201);
  const crashId = crash.body.id;
  const crashOnA = await openSse(`${A}/api/checks/${crashId}/events`);
  await withTimeout(crashOnA.until((f) => f.id !== undefined && f.id >= 2), 60_000, 'us-east check under way');
  const usEast = containerOf('worker-us-east');
  const restartsBefore = Number(docker('inspect', '-f', '{{.RestartCount}}', usEast));
  process.kill(Number(docker('inspect', '-f', '{{.State.Pid}}', usEast)), 'SIGKILL');
  await withTimeout(crashOnA.done, 180_000, 'crashed check ends on web-a');
  const crashed = await untilEnded(A, crashId);
  assert.ok(['done', 'interrupted'].includes(crashed.status));
  expectWholeLog(crashOnA.frames, 'crashed check on web-a');
  await waitHealthy();
  const restartsAfter = Number(docker('inspect', '-f', '{{.RestartCount}}', usEast));
  assert.equal(restartsAfter, restartsBefore + 1, 'the restart policy restarted the crashed worker');
  report.crash = { status: crashed.status, reason: crashed.reason ?? null, restarts: restartsAfter };
  say('worker-us-east process SIGKILLed: check', JSON.stringify(report.crash), '— container restarted by its policy');

  // 5. Restart web-a mid-check: nothing lost, resume on the restarted web-a.
  const mid = await post(A, { domain: 'slow.smoke.test' });
  assert.equal(mid.status, 201);
  const midId = mid.body.id;
  const midOnB = await openSse(`${B}/api/checks/${midId}/events`);
  await withTimeout(midOnB.until((f) => f.id !== undefined && f.id >= 2), 60_000, 'check under way before restart');
  const seenBefore = midOnB.frames.at(-1).id;
  compose('restart', 'web-a');
  say(`restarted web-a (check ${midId} at event ${seenBefore})`);
  await waitHealthy();
  await withTimeout(midOnB.done, 120_000, 'check ends on web-b');
  const midA = await openSse(`${A}/api/checks/${midId}/events`, { 'last-event-id': String(seenBefore) });
  await withTimeout(midA.done, 30_000, 'resume on restarted web-a');
  assert.deepEqual(midA.frames.map((f) => [f.id, f.event]), midOnB.frames.filter((f) => f.id > seenBefore).map((f) => [f.id, f.event]));
  const midEnd = await untilEnded(A, midId);
  assert.equal(midEnd.status, 'done');
  for (const id of [okId, slowId, ...group.map((g) => g.id)]) assert.equal((await json(A, `/api/checks/${id}`)).status, 200, `${id} on web-a`);
  report.restart = { status: midEnd.status, events: midOnB.frames.length, resumedAfter: seenBefore, resumed: midA.frames.length };
  say('web-a restart:', JSON.stringify(report.restart));

  // Every name the stack asked its resolver was one of the test's (it refuses the rest anyway).
  const asked = [...compose('logs', '--no-color', 'resolver').matchAll(/info: \S+ (\S+) \S+ IN$/gm)].map((m) => m[1]);
  assert.ok(asked.length > 0, 'the resolver logged its queries');
  const foreign = asked.filter((n) => !/(^|\.)smoke\.test\.$|\.53\.30\.172\.in-addr\.arpa\.$/.test(n));
  assert.deepEqual([...new Set(foreign)], [], 'names outside the test zone');
  say(`resolver: ${asked.length} questions, all in smoke.test or the test subnet's reverse zone`);

  // 6. down, then up: the checks are in Postgres (its volume), not in the containers.
  const before = Object.fromEntries(
    await Promise.all([okId, midId, ...group.map((g) => g.id)].map(async (id) => [id, (await json(A, `/api/checks/${id}`)).body])),
  );
  compose('down');
  say('down');
  compose('up', '-d');
  say('up -d:', (await waitHealthy()).length, 'containers healthy');
  for (const [id, was] of Object.entries(before)) {
    const now = await json(B, `/api/checks/${id}`);
    assert.equal(now.status, 200, `${id} after down/up`);
    assert.equal(now.body.status, was.status);
    assert.deepEqual(now.body.result, was.result, `${id}: same result after down/up`);
  }
  const replay = await openSse(`${B}/api/checks/${okId}/events`);
  await withTimeout(replay.done, 30_000, 'replay after down/up');
  assert.deepEqual(replay.frames.map((f) => [f.id, f.event]), onB.frames.map((f) => [f.id, f.event]));
  say(`after down/up: ${Object.keys(before).length} checks unchanged, check ${okId} replays its ${replay.frames.length} events`);
  console.log(JSON.stringify({ smoke: 'passed', ...report }));
}

main().then(() => process.exit(0), (err) => {
  console.error('[smoke] FAILED:', err?.stack ?? err);
  process.exit(1);
});
