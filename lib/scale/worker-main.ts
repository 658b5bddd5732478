/**
 * `npm run worker`: a probe worker of scaled mode. It takes checks from its vantage's BullMQ queue
 * (VANTAGE), runs them with the same engine and runner as embedded mode, persists every event in
 * the shared store and announces it on Redis for the web instances' viewers.
 *
 * A job whose worker died (SIGKILL, a frozen machine) stops being renewed; after WORKER_LOCK_MS
 * another worker takes it back once. If the dead worker had already logged events, the check
 * cannot be replayed into the same log, so it ends 'interrupted' (reason 'worker-lost'); if it had
 * not started, it runs here. A second loss fails the job, and the check ends 'interrupted' too.
 * Never stuck 'running'.
 *
 * SIGTERM drains: no new jobs; running checks get WORKER_DRAIN_MS to finish, then are interrupted.
 */
import { randomUUID } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import { getEnv, validateEnvOrExit } from '@/lib/env';
import { logger as rootLogger } from '@/lib/log';
import { createEngine, engineConfigFromEnv } from '@/lib/probe/create-engine';
import { createRunner } from '@/lib/checks/runner';
import { describeStore, openCheckStore } from '@/lib/store/open-store';
import { markShuttingDown } from '@/lib/checks/readiness';
import { checkObservers, observedStore, routeMetrics, startObservability, stopTracing } from '@/lib/observability/process-observability';
import { CheckJobSchema, createClientSlots, createVantageRegistry, queueName, stallSettings } from './check-queue';
import { createRedisEventHub } from './redis-event-hub';
import { redisConnection } from './redis-connection';
import { endLostCheck } from './lost-check';

async function main(): Promise<void> {
  validateEnvOrExit();
  const env = getEnv();
  const logger = rootLogger.child({ component: 'worker', vantage: env.MXRAY_VANTAGE });
  if (!env.REDIS_URL) {
    logger.fatal({}, 'REDIS_URL is required: a worker takes its checks from the Redis queue');
    process.exit(1);
  }
  await startObservability(env, 'worker', logger);
  const vantage = env.MXRAY_VANTAGE;
  const workerId = randomUUID();
  const prefix = env.REDIS_PREFIX;
  const pub = redisConnection(env.REDIS_URL, `mxray-worker-${vantage}`);
  const store = observedStore(await openCheckStore(env));
  const where = describeStore(env);
  const hub = createRedisEventHub({ pub, prefix, onError: (err) => logger.warn({ err }, 'event fan-out failed') });
  const concurrency = env.WORKER_CONCURRENCY ?? env.MAX_CONCURRENT_CHECKS;
  const slots = createClientSlots({
    redis: pub,
    prefix,
    max: env.MAX_RUNNING_PER_CLIENT,
    holdMs: env.limits.checkBudgetMs * 3,
  });
  const engine = createEngine({ ...engineConfigFromEnv(env), logger: rootLogger.child({ component: 'engine', vantage }) });
  const runner = createRunner({
    engine,
    store,
    logger,
    maxConcurrent: concurrency,
    queueSize: 0,
    dedupeWindowMs: 0,
    maxStoredBytes: env.CHECK_MAX_STORED_BYTES,
    observers: checkObservers(),
    hub,
    markStaleOnStart: false,
    vantage,
  });

  // Metrics (METRICS_PORT): running checks and readiness of this worker, labelled role=worker.
  routeMetrics()?.bindRunner(() => runner.stats());
  let stopping = false;
  routeMetrics()?.bindReadiness(() => !stopping && runner.accepting());

  const lost = (checkId: string, clientKey: string) => endLostCheck({ store, hub, slots, logger }, checkId, clientKey);

  async function processJob(job: Job): Promise<string> {
    const data = CheckJobSchema.parse(job.data);
    const { checkId, clientKey } = data;
    const record = await store.getCheck(checkId);
    if (!record || record.status !== 'running') {
      await slots.release(clientKey, checkId);
      return record?.status ?? 'unknown';
    }
    if (job.stalledCounter > 0 || job.attemptsStarted > 1) {
      // Taken back from a worker that died: rerun only a check that had logged nothing yet.
      const logged = await store.listEvents(checkId, 0);
      if (logged.length > 0) {
        await lost(checkId, clientKey);
        return 'interrupted';
      }
      logger.info({ checkId }, 'rerunning a check whose worker died before it started');
    }
    // The check becomes this worker's (its lease, renewed while this process lives): if the worker
    // dies, the store's sweep of dead instances also ends it, whichever comes first.
    if (!(await store.claimCheck(checkId))) {
      await slots.release(clientKey, checkId);
      return 'not-running';
    }
    try {
      const end = await runner.adopt({
        id: checkId,
        target: data.target,
        clientKey,
        ...(data.carrier ? { carrier: data.carrier } : {}),
      });
      return end.status;
    } finally {
      await slots.release(clientKey, checkId).catch((err: unknown) => logger.warn({ err, checkId }, 'could not free the client slot'));
    }
  }

  const stall = stallSettings(env.WORKER_LOCK_MS);
  const worker = new Worker(queueName(vantage), processJob, {
    connection: redisConnection(env.REDIS_URL, `mxray-worker-${vantage}-blocking`),
    prefix,
    concurrency,
    lockDuration: stall.lockMs,
    stalledInterval: stall.stalledIntervalMs,
    maxStalledCount: 1,
    autorun: false,
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const parsed = CheckJobSchema.safeParse(job.data);
    if (!parsed.success) return;
    logger.warn({ checkId: parsed.data.checkId, err }, 'check job failed');
    void lost(parsed.data.checkId, parsed.data.clientKey).catch((e: unknown) => logger.error({ err: e }, 'could not end a failed check'));
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));

  const registry = createVantageRegistry({ redis: pub, prefix });
  const announce = () => registry.announce(vantage, workerId, concurrency).catch((err: unknown) => logger.warn({ err }, 'could not announce the vantage'));
  await announce();
  const heartbeat = setInterval(announce, Math.floor(registry.ttlMs / 3));
  heartbeat.unref();

  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    markShuttingDown();
    logger.info({ signal, ...runner.stats() }, 'worker draining');
    clearInterval(heartbeat);
    await registry.withdraw(vantage, workerId, concurrency).catch(() => {});
    // No new jobs from here; close() resolves once the running ones have returned.
    const closed = worker.close();
    await runner.shutdown(env.WORKER_DRAIN_MS);
    await closed;
    await store.close();
    await stopTracing();
    pub.disconnect();
    logger.info({}, 'worker stopped');
    process.exit(signal === 'SIGINT' ? 130 : 0);
  };
  process.once('SIGTERM', (s) => void stop(s));
  process.once('SIGINT', (s) => void stop(s));

  logger.info({ vantage, concurrency, store: where, prefix, workerId }, 'worker ready');
  void worker.run();
}

main().catch((err: unknown) => {
  rootLogger.fatal({ err }, 'worker failed to start');
  process.exit(1);
});
