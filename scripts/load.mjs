// `npm run load`: the load and durability run of issue 5 against the production server on loopback.
// Starts a load lab (fixture mail servers and DNS on 127.70.150.0–127.70.155.255, some hostile) and
// the standalone server, drives many concurrent checks plus SSE viewers of each, then SIGKILLs the
// server mid-load and restarts it on the same data directory. Bounded in requests and time.
//   npm run load -- [--checks 400] [--concurrency 300] [--viewers 3] [--crash 150] [--rate N]
//                   [--greeting-ms 6000] [--max-seconds 300] [--json] [--no-runner-thread]
//                   [--runner-nice N] [--probing N] [--client-nice N] [--floor]
//                   [--server-node-flag F]…   more Node flags for the server after its own (an A/B)
//   --floor: first the same load (measured phase) against a minimal Node HTTP server that only
//   answers the driver (tests/fixtures/floor-server.mjs), then mxray: the report gives mxray's
//   latencies as ratios to that floor, measured in the same run on the same machine.
//   npm run load -- --scaled …   scaled mode, one worker then two (scripts/load-scaled.mjs)
// The lab's well-run servers pause before their greeting (6 s by default, Postfix postscreen's
// greet wait), so a check lasts as long as a real one across the internet, not a loopback blink.
// Needs a production build (`npx next build`; built here if missing) and root for ports 25/465/587.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Compiles a TypeScript driver in tests/fixtures (load-run or bench-run, with the fixtures and
 * engine code it uses) into one module and imports it.
 */
export async function loadDriver(name = 'load-run') {
  // Inside node_modules, so the bundle's package imports resolve from the repository.
  const outdir = resolve(root, 'node_modules/.cache/mxray-load');
  await build({
    absWorkingDir: root,
    entryPoints: ['tests/fixtures/reflect-metadata-shim.ts', 'tests/fixtures/load-lab-main.ts', `tests/fixtures/${name}.ts`],
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    // Server modules load on Node here, as under vitest: the guard's empty variant (vitest.config.ts).
    alias: { 'server-only': './node_modules/server-only/empty.js' },
    logLevel: 'warning',
  });
  // The bundle's package imports are evaluated before its own code: the Reflect shim that
  // @peculiar/x509 needs must already be in place, so it is imported first, on its own.
  await import(pathToFileURL(resolve(outdir, 'reflect-metadata-shim.mjs')).href);
  return import(pathToFileURL(resolve(outdir, `${name}.mjs`)).href);
}

/** The lab's own process: its bundle and the shim it preloads (both built by loadDriver). */
export function labProcess() {
  const outdir = resolve(root, 'node_modules/.cache/mxray-load');
  return { entry: resolve(outdir, 'load-lab-main.mjs'), preload: pathToFileURL(resolve(outdir, 'reflect-metadata-shim.mjs')).href };
}

export function ensureProductionBuild() {
  if (existsSync(resolve(root, '.next/standalone/server.js'))) return;
  console.error('No production build yet: running `npx next build` once…');
  const b = spawnSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

export function formatReport(r) {
  const l = r.load;
  const c = r.crash;
  const refused = Object.entries(l.refused).map(([k, v]) => `${v}×${k}`).join(', ') || 'none';
  return [
    'Load (measured phase)',
    `  checks            ${l.accepted} accepted of ${l.requested} (refused: ${refused})`,
    `  held concurrency  ${l.heldConcurrency} checks open at once on the server (its records); health sampled ${l.healthSampledMax}; ${l.inFlightPeak} between POST answer and final event (client's view)`,
    `  throughput        ${l.checksPerSecond} checks/s over ${l.wallSeconds} s`,
    `  POST answered     p50 ${l.postMs.p50} ms, p95 ${l.postMs.p95} ms (max ${l.postMs.max})`,
    `  POST→first event  p50 ${l.firstEventMs.p50} ms, p95 ${l.firstEventMs.p95} ms (max ${l.firstEventMs.max})`,
    `  POST→final result p50 ${l.finalMs.p50} ms, p95 ${l.finalMs.p95} ms (max ${l.finalMs.max})`,
    `  SSE viewers       ${l.viewers.opened} opened, ${l.viewers.completed} saw the end, ${l.viewers.errors} errors, ${l.viewers.disagreeing} checks whose viewers disagreed`,
    `  server RSS        ${l.serverRssMb.start} MB at start, ${l.serverRssMb.peak} MB peak`,
    `  CPU               server ${l.cpuSeconds.server} s (main thread ${l.cpuSeconds.serverMainThread} s), load driver + fixture servers ${l.cpuSeconds.driverAndFixtures} s (${l.wallSeconds} s wall, ${cpus().length} CPUs)`,
    `  CPU per check     server ${perCheck(l.cpuSeconds.server, l.accepted)} ms, main thread (HTTP, SSE) ${perCheck(l.cpuSeconds.serverMainThread, l.accepted)} ms (${perCheck(l.cpuSeconds.serverMainThreadViewing, l.accepted)} ms until every viewer saw the end, without the driver's verification reads)`,
    `  runner threads    engine (probing) ${l.cpuSeconds.engineThread} s = ${perCheck(l.cpuSeconds.engineThread, l.accepted)} ms per check, store writer ${l.cpuSeconds.writerThread} s = ${perCheck(l.cpuSeconds.writerThread, l.accepted)} ms per check`,
    `  nothing lost      ${l.done} done + ${l.interrupted} interrupted = ${l.done + l.interrupted} of ${l.accepted} (lost: ${l.lost})`,
    `  errors            ${l.errors.length === 0 ? 'none' : l.errors.join('; ')}`,
    'Crash (SIGKILL mid-load, restart on the same DATA_DIR)',
    `  checks            ${c.started} started, ${c.doneBeforeKill} done and ${c.inFlightAtKill} in flight at the kill`,
    `  after restart     ${c.intactAfterRestart} stored results intact (${c.changedAfterRestart} changed), ${c.interruptedAfterRestart} in-flight marked interrupted, ${c.finishedJustBeforeKill} finished just before the kill, ${c.lost} lost`,
    `  earlier results   ${c.loadResultsIntact} of the measured phase's results identical after the restart`,
    `  errors            ${c.errors.length === 0 ? 'none' : c.errors.join('; ')}`,
    ...(r.floor ? formatFloor(r.floor, l) : []),
  ].join('\n');
}

/** The floor's lines: its own figures, and mxray's as multiples of them. */
function formatFloor(f, l) {
  const times = (ours, floor) => (floor > 0 ? `${Math.round((ours / floor) * 10) / 10}×` : 'n/a');
  return [
    'Floor (the same measured load against a Node HTTP server that only answers it)',
    `  checks            ${f.accepted} accepted; SSE viewers ${f.viewers.opened} opened, ${f.viewers.completed} saw the end, ${f.viewers.errors} errors`,
    `  POST answered     p50 ${f.postMs.p50} ms, p95 ${f.postMs.p95} ms (max ${f.postMs.max}); mxray's p95 is ${times(l.postMs.p95, f.postMs.p95)} the floor's`,
    `  POST→first event  p50 ${f.firstEventMs.p50} ms, p95 ${f.firstEventMs.p95} ms (max ${f.firstEventMs.max}); mxray's p95 is ${times(l.firstEventMs.p95, f.firstEventMs.p95)} the floor's`,
    `  CPU               floor server ${f.cpuSeconds.server} s (main thread ${f.cpuSeconds.serverMainThread} s) = ${perCheck(f.cpuSeconds.serverMainThread, f.accepted)} ms per check on its main thread`,
    `  errors            ${f.errors.length === 0 ? 'none' : f.errors.join('; ')}`,
  ];
}

const perCheck = (seconds, n) => (n > 0 ? Math.round((seconds * 1000) / n) : NaN);

/** One load run against a fresh lab and server (shared with scripts/bench.mjs). */
export async function runLoadWith({ checks, concurrency, viewers, crash, rate = 0, greetingMs = 6_000, maxSeconds = 300, runnerThread = true, runnerNice, probing, clientNice, floor = false, serverNodeFlags = [] }) {
  ensureProductionBuild();
  const env = {
    // --no-runner-thread: checks on the web thread, as before the runner thread (a same-run comparison)
    ...(runnerThread ? {} : { CHECK_RUNNER_THREAD: 'false' }),
    // --runner-nice N: the engine thread's CHECK_RUNNER_NICE instead of the default (a comparison)
    ...(runnerThread && runnerNice !== undefined ? { CHECK_RUNNER_NICE: String(runnerNice) } : {}),
    // --probing N: the server probes N checks at once (MAX_CONCURRENT_CHECKS); the others wait in
    // its queue, open and watched, and count as held. Another load model than the default, where
    // every check in flight probes at once.
    ...(probing !== undefined ? { MAX_CONCURRENT_CHECKS: String(probing), CHECK_QUEUE_SIZE: String(concurrency + 50) } : {}),
  };
  const { runLoad, runFloor } = await loadDriver('load-run');
  const log = (line) => console.error(`· ${line}`);
  // --floor: the floor first, on an idle machine, with the same measured load (BENCHMARKS.md).
  const floorReport = floor ? await runFloor({ root, checks, concurrency, viewersPerCheck: viewers, ...(rate > 0 ? { ratePerSecond: rate } : {}), maxSeconds, log }) : undefined;
  const report = await runLoad({
    root,
    checks,
    concurrency,
    viewersPerCheck: viewers,
    crashChecks: crash,
    ...(rate > 0 ? { ratePerSecond: rate } : {}),
    maxSeconds,
    ...(Object.keys(env).length > 0 ? { env } : {}),
    // --server-node-flag: after SERVER_NODE_FLAGS, so a later value of the same flag wins
    ...(serverNodeFlags.length > 0 ? { serverExecArgv: serverNodeFlags } : {}),
    // The lab in its own process: its TLS and floods stay out of the driver's timings.
    labProcess: labProcess(),
    // --client-nice N: the driver and the lab at nice N, the server not (clients and mail servers
    // are other machines in production); needs --crash 0. Not the default: runs stay comparable.
    ...(clientNice !== undefined ? { clientNice } : {}),
    lab: { block: 70, base: 150, suffix: 'load.test', hostsPerKind: 4, greetingDelayMs: greetingMs, hostileShare: 0.2 },
    log,
  });
  return floorReport ? { ...report, floor: floorReport } : report;
}

export async function main(argv = process.argv.slice(2)) {
  // Scaled mode (Postgres, Redis, BullMQ workers): its own run and options, scripts/load-scaled.mjs.
  if (argv.includes('--scaled')) return (await import('./load-scaled.mjs')).main(argv, { ensureProductionBuild, loadDriver });
  const { values } = parseArgs({
    args: argv,
    options: {
      checks: { type: 'string', default: '400' },
      concurrency: { type: 'string', default: '300' },
      viewers: { type: 'string', default: '3' },
      crash: { type: 'string', default: '150' },
      rate: { type: 'string', default: '0' },
      'greeting-ms': { type: 'string', default: '6000' },
      'max-seconds': { type: 'string', default: '300' },
      json: { type: 'boolean', default: false },
      'no-runner-thread': { type: 'boolean', default: false },
      'runner-nice': { type: 'string' },
      probing: { type: 'string' },
      'client-nice': { type: 'string' },
      floor: { type: 'boolean', default: false },
      'server-node-flag': { type: 'string', multiple: true, default: [] },
    },
  });
  const n = (k) => {
    const v = Number(values[k]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${k} must be a whole number`);
    return v;
  };
  // Bounds, so a typo cannot turn this into a flood.
  const checks = Math.min(n('checks'), 2000);
  const concurrency = Math.min(Math.max(1, n('concurrency')), 1000);
  const viewers = Math.min(n('viewers'), 10);
  const crash = Math.min(n('crash'), 1000);
  const maxSeconds = Math.min(Math.max(10, n('max-seconds')), 900);
  const rate = n('rate');
  const greetingMs = Math.min(n('greeting-ms'), 20_000);
  const runnerNice = values['runner-nice'] === undefined ? undefined : Math.min(n('runner-nice'), 19);
  const probing = values.probing === undefined ? undefined : Math.min(Math.max(1, n('probing')), concurrency + 50);
  const clientNice = values['client-nice'] === undefined ? undefined : Math.min(n('client-nice'), 19);
  if (clientNice !== undefined && crash > 0) throw new Error('--client-nice needs --crash 0 (a restarted server would inherit the level)');
  const report = await runLoadWith({ checks, concurrency, viewers, crash, rate, greetingMs, maxSeconds, runnerThread: !values['no-runner-thread'], runnerNice, probing, clientNice, floor: values.floor, serverNodeFlags: values['server-node-flag'] });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  const ok = report.load.lost === 0 && report.crash.lost === 0 && report.crash.changedAfterRestart === 0;
  return { report, ok };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { ok } = await main();
  process.exit(ok ? 0 : 1);
}
