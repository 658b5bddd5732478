/**
 * The process-wide services the route handlers use: the runner (with its store and engine), the
 * query service (the read side pages and routes ask, lib/checks/check-queries.ts), the rate
 * limiter and the trust-proxy setting. Routes reach them through withServices
 * (lib/http/with-services.ts), pages through getCheckQueries/loadCheckViewFromServices; neither
 * holds the store. Created lazily from the validated environment on first
 * use and cached on globalThis, so Next's dev reloads do not open a second database or run a second
 * runner. The engine and the env are imported dynamically: tests set their own services with
 * setServicesForTests and never load the real engine.
 */
import 'server-only';
import type { ProbeLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import type { Monitoring } from '@/lib/monitors/monitoring';
import { timeStoreInto, type StoreOpRecorder } from '@/lib/observability/timed-store';
import { describeStore, openCheckStore, sqliteFile } from '@/lib/store/open-store';
import { createTokenBucketLimiter, type RateLimiter } from './rate-limit';
import { markShuttingDown, isShuttingDown } from './readiness';
import { createRunner, type Runner } from './runner';
import { createCheckQueries, type CheckQueries } from './check-queries';
import type { ViewerLimiter } from './viewer-limits';

export interface AppServices {
  runner: Runner;
  /** what pages and routes read beyond one check (history, latest, events, health) */
  queries: CheckQueries;
  /** the store under runner and queries: process wiring only (shutdown, retention, tests), never app/ */
  store: CheckStore;
  rateLimiter: RateLimiter;
  /** TRUST_PROXY: X-Forwarded-For comes from our own reverse proxy */
  trustProxy: boolean;
  /** CLIENT_IPV6_PREFIX: IPv6 clients are keyed by this prefix (default 56) */
  ipv6Prefix?: number;
  /** SSE viewer caps; absent: unbounded (tests that do not exercise them) */
  viewers?: ViewerLimiter;
  /** SSE_MAX_UNSENT_BYTES */
  sseMaxUnsentBytes?: number;
  logger: ProbeLogger;
  /** monitors, their scheduler and webhook checks; absent: monitor routes answer 503 */
  monitoring?: Monitoring;
  /** scaled mode: readiness asks Redis too */
  pingRedis?: () => Promise<void>;
}

const g = globalThis as unknown as {
  __mxrayServices?: Promise<AppServices>;
  __mxrayServicesForTests?: AppServices;
  __mxraySignalsHandled?: boolean;
};

/** Tests (and only tests) put their own runner, store and limiter behind the routes; queries default to the store's. */
export function setServicesForTests(services: (Omit<AppServices, 'queries'> & { queries?: CheckQueries }) | undefined): void {
  g.__mxrayServicesForTests = services && { ...services, queries: services.queries ?? createCheckQueries(services.store) };
}

/** How long the services wait for the check threads to load at start (warm) before going on without. */
const WARM_WAIT_MS = 10_000;

/** Settles when `work` does or after `ms`, whichever is first; never rejects. */
async function within(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export function getServices(): Promise<AppServices> {
  if (g.__mxrayServicesForTests) return Promise.resolve(g.__mxrayServicesForTests);
  if (!g.__mxrayServices) {
    const created = createServices();
    g.__mxrayServices = created;
    // A failed start (bad env, unreadable database) is retried on the next request, not cached.
    created.catch(async (err: unknown) => {
      if (g.__mxrayServices === created) g.__mxrayServices = undefined;
      const { logger } = await import('@/lib/log');
      logger.error({ err }, 'could not start the check service');
    });
  }
  return g.__mxrayServices;
}

export async function getRunner(): Promise<Runner> {
  return (await getServices()).runner;
}

/** Monitor operations, for server components (routes get them from withServices); undefined when unavailable. */
export async function getMonitoring(): Promise<Monitoring | undefined> {
  return (await getServices()).monitoring;
}

/** The query service, for server components (routes get it from withServices). */
export async function getCheckQueries(): Promise<CheckQueries> {
  return (await getServices()).queries;
}

async function createServices(): Promise<AppServices> {
  const [{ getEnv, assertEhloNameConfigured }, { createEngine, engineConfigFromEnv }, { logger: rootLogger }, observability] = await Promise.all([
    import('@/lib/env'),
    import('@/lib/probe/create-engine'),
    import('@/lib/log'),
    import('@/lib/observability/process-observability'),
  ]);
  const env = getEnv();
  assertEhloNameConfigured(env);
  const logger = rootLogger.child({ component: 'checks' });
  const opened = await openCheckStore(env);
  const store = observability.observedStore(opened);
  const engine = createEngine({ ...engineConfigFromEnv(env), logger: rootLogger.child({ component: 'engine' }) });
  // Scaled mode (REDIS_URL): this instance validates, enqueues and relays; workers probe.
  const scaled = env.REDIS_URL ? await (await import('@/lib/scale/scaled-services')).createScaledServices(env, { store, engine, logger }) : undefined;
  const observers = observability.checkObservers();
  const metrics = observability.routeMetrics();
  // The thread's store writes are timed there and recorded into this process's histogram.
  const onStoreOp = metrics ? timeStoreInto(metrics) : undefined;
  const executor = scaled ? undefined : await runnerThread(env, observers.length > 0, logger, onStoreOp);
  const runner =
    scaled?.runner ??
    createRunner({
      engine,
      store,
      logger,
      maxConcurrent: env.MAX_CONCURRENT_CHECKS,
      queueSize: env.CHECK_QUEUE_SIZE,
      dedupeWindowMs: env.DEDUPE_WINDOW_SECONDS * 1000,
      maxPerClient: env.MAX_RUNNING_PER_CLIENT,
      maxStoredBytes: env.CHECK_MAX_STORED_BYTES,
      observers,
      vantage: env.MXRAY_VANTAGE,
      ...(executor ? { executor } : {}),
    });
  // The engine and store-writer threads load now, with the services, not inside the first checks:
  // loading their bundles is ~1 s of CPU, which a burst of checks arriving at once would share.
  // The services (and so /api/health, the first request that needs them) wait until both have
  // loaded: a burst that arrives as soon as the server answers otherwise shares the two cores with
  // that start-up (BENCHMARKS.md, "Fifth round, lane l"). Bounded: a thread that hangs while
  // loading does not hold the server back; a check then waits for it as before.
  if (executor?.warm) await within(WARM_WAIT_MS, executor.warm());
  metrics?.bindRunner(() => runner.stats());
  metrics?.bindReadiness(() => !isShuttingDown() && runner.accepting());
  const rateLimiter =
    scaled?.rateLimiter ?? createTokenBucketLimiter({ perMinute: env.RATE_LIMIT_PER_MINUTE, burst: env.RATE_LIMIT_BURST });
  const { createViewerLimiter } = await import('./viewer-limits');
  const viewers = createViewerLimiter({
    perCheck: env.SSE_MAX_VIEWERS_PER_CHECK,
    perClient: env.SSE_MAX_VIEWERS_PER_CLIENT,
    total: env.SSE_MAX_VIEWERS,
  });
  const { startRetention } = await import('./retention');
  const stopRetention = startRetention({ store, logger, retentionDays: env.RETENTION_DAYS });
  const stopSweep = store.engine === 'postgres' ? startOwnerSweep(store, logger) : () => {};
  const { createMonitoring } = await import('@/lib/monitors/monitoring');
  const monitoring = createMonitoring({
    env,
    store: opened,
    runner,
    logger: rootLogger.child({ component: 'monitors' }),
    sharedStore: store.engine === 'postgres',
    // Scaled mode: BullMQ job schedulers instead of every instance polling the database.
    ...(scaled && store.engine === 'postgres' ? { bullmq: (await import('@/lib/scale/bullmq-monitor-scheduler')).bullmqMonitorSchedulerFor(env) } : {}),
  });
  void monitoring.scheduler.start().catch((err: unknown) => logger.error({ err }, 'monitor scheduler failed to start'));
  handleSignals(
    runner,
    store,
    logger,
    () => {
      stopRetention();
      stopSweep();
      void monitoring.scheduler.stop();
    },
    async () => {
      await scaled?.close();
      await observability.stopTracing();
    },
  );
  logger.info(
    { store: describeStore(env), owner: store.owner, scaled: Boolean(scaled), maxConcurrent: env.MAX_CONCURRENT_CHECKS, queueSize: env.CHECK_QUEUE_SIZE },
    'check runner ready',
  );
  return {
    runner,
    queries: createCheckQueries(store),
    store,
    rateLimiter,
    trustProxy: env.TRUST_PROXY,
    ipv6Prefix: env.CLIENT_IPV6_PREFIX,
    viewers,
    sseMaxUnsentBytes: env.SSE_MAX_UNSENT_BYTES,
    logger,
    monitoring,
    ...(scaled ? { pingRedis: scaled.pingRedis } : {}),
  };
}

/**
 * Embedded production server: checks run in an engine thread and their writes in a store-writer
 * thread (lib/checks/thread-executor.ts), so probes and event writes never hold up HTTP handling.
 * Their bundles are built by `npm run build` (dist/worker/runner-thread.mjs and store-writer.mjs;
 * worker/ beside server.js in the Docker image). `next dev`, an in-memory database, or a missing
 * bundle run checks inline, as before.
 */
async function runnerThread(
  env: { DATA_DIR: string; DATABASE_URL?: string | undefined; CHECK_MAX_STORED_BYTES?: number; NODE_ENV?: string; CHECK_RUNNER_THREAD?: boolean; CHECK_RUNNER_NICE?: number },
  observe: boolean,
  logger: ProbeLogger,
  onStoreOp?: StoreOpRecorder,
) {
  if (env.CHECK_RUNNER_THREAD === false || env.DATABASE_URL || env.DATA_DIR === ':memory:' || env.NODE_ENV !== 'production') return undefined;
  const [{ existsSync }, path, { createRequire }, { createThreadExecutor }] = await Promise.all([
    import('node:fs'),
    import('node:path'),
    import('node:module'),
    import('./thread-executor'),
  ]);
  // Docker image: worker/ beside server.js (the working directory); a checkout: dist/worker, two
  // levels up from .next/standalone.
  const dir = ['worker', '../../dist/worker', 'dist/worker']
    .map((d) => path.resolve(process.cwd(), d))
    .find((d) => existsSync(path.join(d, 'runner-thread.mjs')) && existsSync(path.join(d, 'store-writer.mjs')));
  const file = dir && path.join(dir, 'runner-thread.mjs');
  // The thread must load the very SQLite this server loaded (from beside server.js), not a second
  // copy from wherever its bundle lives: two copies in one process corrupt the file (sqlite-store.ts).
  let nativeBinding: string | undefined;
  try {
    const pkg = createRequire(path.resolve(process.cwd(), 'server.js')).resolve('better-sqlite3/package.json');
    nativeBinding = path.join(path.dirname(pkg), 'build/Release/better_sqlite3.node');
  } catch {
    nativeBinding = undefined;
  }
  if (!file || !nativeBinding || !existsSync(nativeBinding)) {
    logger.warn({ bundle: file ?? null, nativeBinding: nativeBinding ?? null }, 'no check runner thread (bundle or SQLite addon not found): checks run on the web thread');
    return undefined;
  }
  return createThreadExecutor({
    file,
    writerFile: path.join(dir!, 'store-writer.mjs'),
    config: {
      file: sqliteFile(env),
      nativeBinding,
      observe,
      timeStore: onStoreOp !== undefined,
      ...(env.CHECK_RUNNER_NICE !== undefined ? { nice: env.CHECK_RUNNER_NICE } : {}),
      ...(env.CHECK_MAX_STORED_BYTES !== undefined ? { maxStoredBytes: env.CHECK_MAX_STORED_BYTES } : {}),
    },
    logger,
    ...(onStoreOp ? { onStoreOp } : {}),
  });
}

/**
 * Scaled mode: an instance that died (SIGKILL, lost host) leaves its running checks behind; once
 * their lease expired, whichever instance sweeps first marks them interrupted, so none stays
 * 'running' for ever. The runner's start-up pass is the first sweep; this repeats it.
 */
function startOwnerSweep(store: CheckStore, logger: ProbeLogger, everyMs = 30_000): () => void {
  const timer = setInterval(() => {
    store
      .markRunningInterrupted('owner-lost')
      .then((n) => {
        if (n > 0) logger.warn({ count: n }, 'checks of an instance that is gone marked interrupted');
      })
      .catch((err: unknown) => logger.error({ err }, 'sweep of dead instances\' checks failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * On SIGTERM/SIGINT: stop taking checks, give running ones a grace period, interrupt the rest,
 * close the database. Next's own server also handles these signals: it stops accepting
 * connections and waits for open responses, which include our SSE streams; they end as the
 * checks end, then Next exits. When nothing else handles the signal, we exit ourselves.
 */
function handleSignals(
  runner: Runner,
  store: CheckStore,
  logger: ProbeLogger,
  stopRetention: () => void,
  flushTraces: () => Promise<void>,
): void {
  if (g.__mxraySignalsHandled) return;
  g.__mxraySignalsHandled = true;
  const onSignal = (signal: NodeJS.Signals) => {
    // Readiness first (load balancers stop sending), then drain.
    markShuttingDown();
    logger.info({ signal, ...runner.stats() }, 'shutting down the check runner');
    stopRetention();
    void runner
      .shutdown()
      .then(() => store.close())
      .then(() => flushTraces())
      .catch((err: unknown) => logger.error({ err }, 'check runner shutdown failed'))
      .finally(() => {
        if (process.listenerCount(signal) === 0) process.exit(signal === 'SIGINT' ? 130 : 143);
      });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
