// `npm run load -- --scaled`: the scaled-mode load run of issue 11 (tests/fixtures/scaled-load-run.ts).
// Real PostgreSQL and Redis (scripts/setup-system.sh starts them; TEST_DATABASE_URL / TEST_REDIS_URL
// point elsewhere), a fresh database and Redis key prefix, web instance(s) and BullMQ workers as
// separate processes, a loopback load lab on 127.131.10.0–127.131.15.255. Two phases in one run: one
// worker, then two; prints held concurrency and checks per second of each and their ratio, with
// POST and POST→first-event percentiles.
//   npm run load -- --scaled [--checks 300] [--concurrency 150] [--viewers 3] [--worker-concurrency 40]
//                            [--webs 1] [--greeting-ms 2000] [--hostile 0] [--max-seconds 400] [--json]
// Needs a production build (`npm run build`; built here if missing) and root for ports 25/465/587.
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export function formatScaledReport(r) {
  const phase = (name, p) => {
    const refused = Object.entries(p.refused).map(([k, v]) => `${v}×${k}`).join(', ') || 'none';
    return [
      `${name}`,
      `  checks            ${p.accepted} accepted of ${p.requested} (refused: ${refused})`,
      `  held concurrency  ${p.heldConcurrency} checks running on the workers at once (queue peak ${p.queuedPeak} waiting)`,
      `  throughput        ${p.checksPerSecond} checks/s over ${p.wallSeconds} s`,
      `  POST answered     p50 ${p.postMs.p50} ms, p95 ${p.postMs.p95} ms (max ${p.postMs.max})`,
      `  POST→first event  p50 ${p.firstEventMs.p50} ms, p95 ${p.firstEventMs.p95} ms (max ${p.firstEventMs.max}; includes the wait in the queue)`,
      `  POST→final result p50 ${p.finalMs.p50} ms, p95 ${p.finalMs.p95} ms (max ${p.finalMs.max})`,
      `  SSE viewers       ${p.viewers.opened} opened, ${p.viewers.completed} saw the end, ${p.viewers.errors} errors, ${p.viewers.disagreeing} checks whose viewers disagreed`,
      `  CPU               web ${p.cpuSeconds.web} s, workers ${p.cpuSeconds.workers} s, driver + fixtures ${p.cpuSeconds.driverAndFixtures} s (${cpus().length} CPUs)`,
      `  nothing lost      ${p.done} done + ${p.interrupted} interrupted of ${p.accepted} (lost: ${p.lost})`,
      `  errors            ${p.errors.length === 0 ? 'none' : p.errors.join('; ')}`,
    ];
  };
  return [
    `Scaled mode: ${r.webInstances} web instance(s), WORKER_CONCURRENCY ${r.workerConcurrency}, Postgres + Redis + BullMQ`,
    ...phase('One worker', r.oneWorker),
    ...phase('Two workers', r.twoWorkers),
    `Two workers / one: held concurrency ×${r.ratio.heldConcurrency}, checks per second ×${r.ratio.checksPerSecond}`,
  ].join('\n');
}

/**
 * `tools`: load.mjs's build check and driver loader. load.mjs passes its own when it hands a
 * `--scaled` run over (importing it back from here would wait on its unfinished top-level await).
 */
export async function main(argv = process.argv.slice(2), tools = undefined) {
  const { ensureProductionBuild, loadDriver } = tools ?? (await import('./load.mjs'));
  const { values } = parseArgs({
    args: argv,
    options: {
      scaled: { type: 'boolean', default: true },
      checks: { type: 'string', default: '300' },
      concurrency: { type: 'string', default: '150' },
      viewers: { type: 'string', default: '3' },
      'worker-concurrency': { type: 'string', default: '40' },
      webs: { type: 'string', default: '1' },
      'greeting-ms': { type: 'string', default: '2000' },
      hostile: { type: 'string', default: '0' },
      'max-seconds': { type: 'string', default: '400' },
      json: { type: 'boolean', default: false },
    },
  });
  const n = (k) => {
    const v = Number(values[k]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${k} must be a whole number`);
    return v;
  };
  const hostile = Number(values.hostile);
  if (!(hostile >= 0 && hostile <= 1)) throw new Error('--hostile must be a share between 0 and 1');
  ensureProductionBuild();
  const { runScaledLoad } = await loadDriver('scaled-load-run');
  const load0 = loadavg();
  // Bounds, so a typo cannot turn this into a flood.
  const report = await runScaledLoad({
    root,
    checksPerPhase: Math.min(Math.max(1, n('checks')), 2000),
    concurrency: Math.min(Math.max(1, n('concurrency')), 1000),
    viewersPerCheck: Math.min(n('viewers'), 10),
    workerConcurrency: Math.min(Math.max(1, n('worker-concurrency')), 500),
    webInstances: Math.min(Math.max(1, n('webs')), 2),
    maxSeconds: Math.min(Math.max(10, n('max-seconds')), 900),
    lab: { block: 131, base: 10, suffix: 'scaled-load.test', hostsPerKind: 4, greetingDelayMs: Math.min(n('greeting-ms'), 20_000), hostileShare: hostile },
    log: (line) => console.error(`· ${line}`),
  });
  const load1 = loadavg();
  const withLoad = { ...report, loadAverage: { before: load0.map((x) => Math.round(x * 100) / 100), after: load1.map((x) => Math.round(x * 100) / 100) } };
  console.log(values.json ? JSON.stringify(withLoad, null, 2) : `${formatScaledReport(report)}\nLoad average before ${withLoad.loadAverage.before.join(' ')}, after ${withLoad.loadAverage.after.join(' ')}`);
  const ok = report.oneWorker.lost === 0 && report.twoWorkers.lost === 0;
  return { report, ok };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { ok } = await main();
  process.exit(ok ? 0 : 1);
}
