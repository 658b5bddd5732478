// `npm run bench`: issue 5's benchmark, in one run on loopback fixtures (127.70.200.0/22 for the
// engine, 127.70.150.0–127.70.155.255 for the load). Prints:
//   (1) one port probe vs a minimal hand-written node:tls client doing the same exchange (ratio),
//   (2) a full check of 2 MX × 2 addresses × 4 ports vs its slowest single port (ratio),
//  (2b) the same check with the TLS matrix vs without it (ratio, same run),
//   (3) the server figures from the load script (npm run load), without its crash phase,
//   (4) store + read of the worst fixture check for storage (127.112.1.0/24): stored bytes vs the
//       engine's raw output, and the ms a read of the check, of its event log and of the API body cost.
//   (5) the CLI as a whole process: `mxray check` of the fixture domain vs `node -e 0` + the check's
//       in-process time (ratio), and `mxray --version` vs `node -e 0`.
//   (6) the store engines side by side: the same checks written (create, events, finish; 20 at once)
//       and read back (check + event log) on SQLite and on PostgreSQL (a fresh database on the test
//       server, TESTING.md), with PostgreSQL's ratio to SQLite from the same run.
// Targets: (1) ≤ 1.2×, (2) ≤ 1.5×, (2b) ≤ 1.5×, held concurrency ≥ 200 checks with peak RSS ≤ 400 MB, (5) ≤ 1.3× and ≤ 1.5×.
//   npm run bench -- [--iterations 200] [--rtt-ms 50] [--load-checks 400] [--load-concurrency 300] [--skip-load] [--skip-engine] [--skip-storage] [--store-checks 300] [--skip-store-engines] [--cli-only] [--matrix-only] [--json]
// --cli-only: (5) alone, with --iterations whole-process runs of each command.
// --matrix-only: (2b) alone, with --iterations interleaved checks of each kind.
// Not a test: times depend on the machine; CI asserts none of them. Needs root (ports 25/465/587/2525)
// and, for (3), a production build (built if missing).
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadDriver, runLoadWith } from './load.mjs';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '200' },
    'rtt-ms': { type: 'string', default: '50' },
    'load-checks': { type: 'string', default: '400' },
    'load-concurrency': { type: 'string', default: '300' },
    'skip-load': { type: 'boolean', default: false },
    'store-checks': { type: 'string', default: '300' },
    'skip-store-engines': { type: 'boolean', default: false },
    'skip-engine': { type: 'boolean', default: false },
    'skip-storage': { type: 'boolean', default: false },
    'cli-only': { type: 'boolean', default: false },
    'matrix-only': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const int = (k, max) => {
  const v = Number(values[k]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a whole number ≥ 1`);
  return Math.min(v, max);
};

const mark = (ok) => (ok ? 'meets target' : 'MISSES target');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${loadavg()[0].toFixed(2)} at start, Node ${process.version}`;

const { runBench } = await loadDriver('bench-run');
const matrixOnly = values['matrix-only'];
const cliOnly = values['cli-only'] || matrixOnly;
const engine = values['skip-engine']
  ? undefined
  : await runBench({ iterations: int('iterations', 5_000), rttMs: int('rtt-ms', 1_000), cliOnly: values['cli-only'], matrixOnly, log: (l) => console.error(`· ${l}`) });
const skipStorage = cliOnly || values['skip-storage'];
const { runStorageBench } = skipStorage ? {} : await loadDriver('bench-storage');
const storage = skipStorage ? undefined : await runStorageBench({ log: (l) => console.error(`· ${l}`) });
const { runStoreEngineBench } = await loadDriver('bench-store-engines');
const engines = values['skip-store-engines'] || cliOnly
  ? undefined
  : await runStoreEngineBench({ checks: int('store-checks', 20_000), log: (l) => console.error(`· ${l}`) });
const load = values['skip-load'] || cliOnly
  ? undefined
  : await runLoadWith({ checks: int('load-checks', 2_000), concurrency: int('load-concurrency', 1_000), viewers: 3, crash: 0 });

if (values.json) {
  console.log(JSON.stringify({ machine, engine, load: load?.load, storage, engines }, null, 2));
} else {
  const lines = [`mxray benchmark — ${machine}`];
  if (engine?.probe && engine.check) {
  const p = engine.probe;
  const c = engine.check;
  lines.push(
    '',
    `(1) one port probe, connect → greeting → EHLO → STARTTLS → EHLO → QUIT (median of ${p.iterations}, interleaved)`,
    `    mxray probePort      ${p.engine.median} ms (p95 ${p.engine.p95}, min ${p.engine.min})`,
    `    hand-written client  ${p.handWritten.median} ms (p95 ${p.handWritten.p95}, min ${p.handWritten.min})`,
    `    ratio                ${p.ratio}× — ${mark(p.ratio <= 1.2)} (≤ 1.2×)`,
    `    in CPU time          ${p.cpu.engine.median} ms vs ${p.cpu.handWritten.median} ms, ${p.cpu.ratio}× (client and fixture server, this process)`,
    '',
    `(2) full check, 2 MX × 2 addresses × 4 ports = ${c.probes} probes, DNS included, every packet delayed to a ${c.rttMs} ms round trip (median of ${c.iterations})`,
    `    full check           ${c.full.median} ms (p95 ${c.full.p95})`,
    `    slowest single port  ${c.slowestSinglePort.timing.median} ms (${c.slowestSinglePort.address} port ${c.slowestSinglePort.port})`,
    `    ratio                ${c.ratio}× — ${mark(c.ratio <= 1.5)} (≤ 1.5×)`,
    `    on plain loopback    ${c.loopback.full.median} ms vs ${c.loopback.slowestSinglePort.timing.median} ms, ${c.loopback.ratio}× (no latency to overlap: 16 probes' CPU on one thread)`,
  );
  }
  if (engine?.matrix) {
  const m = engine.matrix;
  lines.push(
    '',
    `(2b) the TLS matrix: the same check with and without it, ${m.rttMs} ms round trip, interleaved (median of ${m.iterations}), ${m.handshakesPerPort} extra handshakes per port, ${m.concurrency} at once per port`,
    `    without matrix       ${m.off.median} ms (p95 ${m.off.p95}), per-target bound ${m.maxPerTarget} (PROBE_MAX_PER_TARGET default)`,
    `    with matrix          ${m.on.median} ms (p95 ${m.on.p95})`,
    `    ratio                ${m.ratio}× — ${mark(m.ratio <= 1.5)} (≤ 1.5×)`,
    `    no per-target bound  ${m.onUngated.median} ms vs ${m.offUngated.median} ms, ${m.ratioUngated}×`,
  );
  }
  if (engine?.cli) {
  const k = engine.cli;
  lines.push(
    '',
    `(5) the CLI as a whole process, bin/mxray.cjs check ${k.domain} --json (16 probes on loopback, median of ${k.iterations}, interleaved)`,
    `    whole process        ${k.check.median} ms (p95 ${k.check.p95})`,
    `    node -e 0            ${k.emptyNode.median} ms`,
    `    check in-process     ${k.inProcessCheck.median} ms (the result's durationMs, same runs)`,
    `    ratio                ${k.checkRatio}× — ${mark(k.checkRatio <= 1.3)} (≤ 1.3× of node start + check)`,
    `    mxray --version      ${k.version.median} ms, ${k.versionRatio}× node -e 0 — ${mark(k.versionRatio <= 1.5)} (≤ 1.5×)`,
    `  in CPU time (user + system of each process, same runs; the check's own CPU from a process that loaded the CLI first)`,
    `    whole process        ${k.cpu.check.median} ms (p95 ${k.cpu.check.p95})`,
    `    node -e 0            ${k.cpu.emptyNode.median} ms`,
    `    check in-process     ${k.cpu.inProcessCheck.median} ms`,
    `    ratio                ${k.cpu.checkRatio}× (≤ 1.3×: ${k.cpu.checkRatio <= 1.3 ? 'within' : 'over'})`,
    `    mxray --version      ${k.cpu.version.median} ms, ${k.cpu.versionRatio}× node -e 0 (≤ 1.5×: ${k.cpu.versionRatio <= 1.5 ? 'within' : 'over'})`,
  );
  }
  if (load) {
    const l = load.load;
    lines.push(
      '',
      `(3) server under load (npm run load: ${l.accepted} checks, 3 SSE viewers each, 1 in 5 hostile)`,
      `    held concurrency     ${l.heldConcurrency} checks open at once (server's records) — ${mark(l.heldConcurrency >= 200)} (≥ 200)`,
      `    peak RSS             ${l.serverRssMb.peak} MB — ${mark(l.serverRssMb.peak <= 400)} (≤ 400 MB)`,
      `    throughput           ${l.checksPerSecond} checks/s`,
      `    POST→first event     p50 ${l.firstEventMs.p50} ms, p95 ${l.firstEventMs.p95} ms`,
      `    POST→final result    p50 ${l.finalMs.p50} ms, p95 ${l.finalMs.p95} ms`,
      `    CPU                  server ${l.cpuSeconds.server} s, load driver + fixtures ${l.cpuSeconds.driverAndFixtures} s over ${l.wallSeconds} s`,
      `    errors / lost        ${l.errors.length} / ${l.lost}${l.errors.length ? ` (${l.errors.slice(0, 3).join('; ')})` : ''}`,
    );
  }
  const st = storage;
  const mb = (b) => (b / 1024 / 1024).toFixed(2);
  if (st) lines.push(
    '',
    `(4) store + read of the worst fixture check (10 MX names on 4 addresses, 200-line greetings, control-character EHLO; ${st.probes} probes, ${st.events} events)`,
    `    engine output        ${mb(st.rawBytes)} MB of events and result (stored as such before the budget)`,
    `    stored               ${mb(st.storedBytes)} MB (events + result) — ${mark(st.storedBytes <= 2 * 1024 * 1024)} (≤ 2 MB); file + WAL ${mb(st.fileBytes)} MB`,
    `    store writes         ${st.storeMs} ms for the whole check`,
    `    read the check       median ${st.readCheckMs.median} ms (max ${st.readCheckMs.max}) — GET /api/checks/:id, badge, page`,
    `    read the event log   median ${st.readEventsMs.median} ms (max ${st.readEventsMs.max}) — an SSE replay`,
    `    serialise the body   median ${st.serialiseMs.median} ms (max ${st.serialiseMs.max}) (median of ${st.iterations})`,
  );
  if (engines) {
    const fig = (f) =>
      `write ${f.writeMs.median} ms/check (p95 ${f.writeMs.p95}), ${f.writeChecksPerSec} checks/s; read ${f.readMs.median} ms (p95 ${f.readMs.p95}), ${f.readChecksPerSec} checks/s`;
    const pg = engines.postgres;
    lines.push(
      '',
      `(6) store engines, same workload: ${engines.checks} checks of ${engines.eventsPerCheck} events, ${engines.concurrency} at once; write = create + events + finish, read = check + event log`,
      `    SQLite (file, WAL)   ${fig(engines.sqlite)}`,
      `    PostgreSQL           ${'skipped' in pg ? `skipped: ${pg.skipped}` : fig(pg)}`,
      ...(engines.ratio ? [`    ratio PG ÷ SQLite    write ${engines.ratio.writeMedian}×, read ${engines.ratio.readMedian}× (median time per check)`] : []),
    );
  }
  console.log(lines.join('\n'));
}
