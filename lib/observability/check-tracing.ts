/**
 * Spans for checks, built from what the runner reports (CheckObserver), with @opentelemetry/api
 * only: the SDK and exporter are loaded by tracing.ts when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 *
 *   mxray.check                       child of the request that asked for it (trace context carried)
 *   ├─ mxray.dns                      from check start to the DNS result
 *   │  ├─ mxray.dns.mx                the MX question (domain mode)
 *   │  └─ mxray.dns.addresses         A/AAAA/PTR of the hosts
 *   └─ mxray.probe  × each port probe, its stages (connect, greeting, tls, ehlo, ehlo_tls) as events
 *
 * Probe spans are written when the probe ends, with the start its own total time gives; the stage
 * events carry the time the runner saw each stage's event.
 */
import { SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Context } from '@opentelemetry/api';
import type { CheckObserver } from '@/lib/checks/check-observer';
import type { CheckEvent, PortProbe } from '@/lib/probe/schema';
import { stopCodeLabel } from '@/lib/verdict/probe-view';
import { dnsQuestions } from './check-metrics';
import { captureTraceContext, restoreTraceContext } from './trace-context';

const TRACER = 'mxray';

/** ms since the epoch, sub-millisecond, monotonic within the process */
const nowMs = () => performance.timeOrigin + performance.now();

interface StageMark {
  name: string;
  at: number;
  attributes: Attributes;
}

interface Traced {
  span: Span;
  ctx: Context;
  dnsStart: number;
  stages: Map<string, StageMark[]>;
}

const probeKey = (e: { host: string; address: string; port: number }) => `${e.host}\u0000${e.address}\u0000${e.port}`;

function stageOf(event: CheckEvent): StageMark | undefined {
  const at = nowMs();
  switch (event.type) {
    case 'probe-connected':
      return { name: 'connect', at, attributes: { 'mxray.stage.ms': event.ms } };
    case 'probe-greeting':
      return { name: 'greeting', at, attributes: { 'mxray.stage.ms': event.ms, 'smtp.reply.code': event.greeting.code } };
    case 'probe-tls':
      return {
        name: 'tls',
        at,
        attributes: { 'mxray.stage.ms': event.ms, 'tls.trusted': event.trusted, ...(event.version ? { 'tls.protocol.version': event.version } : {}) },
      };
    case 'probe-ehlo':
      return { name: event.tls ? 'ehlo_tls' : 'ehlo', at, attributes: { 'mxray.stage.ms': event.ms } };
    default:
      return undefined;
  }
}

export function createTracingObserver(): CheckObserver {
  const tracer = trace.getTracer(TRACER);
  const checks = new Map<string, Traced>();

  return {
    accepted() {
      return captureTraceContext();
    },

    started(id, target, carrier) {
      const span = tracer.startSpan(
        'mxray.check',
        {
          kind: SpanKind.INTERNAL,
          // On nowMs's clock, as every span under it: left to itself the SDK times a span from
          // Date.now(), which drifts from performance's clock by a fraction of a millisecond, enough
          // for a probe that ends in the check's last turn to end "after" the check.
          startTime: nowMs(),
          attributes: { 'mxray.check.id': id, 'mxray.check.mode': target.mode, 'mxray.check.domain': target.domain },
        },
        restoreTraceContext(carrier),
      );
      checks.set(id, { span, ctx: trace.setSpan(restoreTraceContext(carrier), span), dnsStart: nowMs(), stages: new Map() });
    },

    event(id, event) {
      const t = checks.get(id);
      if (!t) return;
      if (event.type === 'check-started') {
        t.dnsStart = nowMs();
        return;
      }
      if (event.type === 'dns-done') {
        const end = nowMs();
        const { dns } = event;
        const questions = dnsQuestions(dns);
        const dnsSpan = tracer.startSpan(
          'mxray.dns',
          { startTime: t.dnsStart, attributes: { 'mxray.dns.mx_kind': dns.mxKind, 'mxray.dns.hosts': dns.hosts.length, 'mxray.dns.questions': questions.length } },
          t.ctx,
        );
        const dnsCtx = trace.setSpan(t.ctx, dnsSpan);
        let addressesStart = t.dnsStart;
        if (dns.mxKind !== 'host') {
          addressesStart = Math.min(end, t.dnsStart + dns.mx.ms);
          tracer
            .startSpan('mxray.dns.mx', { startTime: t.dnsStart, attributes: { 'dns.question.type': 'MX', 'mxray.dns.status': dns.mx.status } }, dnsCtx)
            .end(addressesStart);
        }
        if (dns.hosts.length > 0) {
          const failed = questions.filter((q) => q.type !== 'MX' && q.status !== 'ok').length;
          tracer
            .startSpan(
              'mxray.dns.addresses',
              { startTime: addressesStart, attributes: { 'mxray.dns.questions': questions.length - (dns.mxKind === 'host' ? 0 : 1), 'mxray.dns.not_ok': failed } },
              dnsCtx,
            )
            .end(end);
        }
        dnsSpan.end(end);
        return;
      }
      if (event.type === 'probe-done') {
        const p = event.probe;
        const end = nowMs();
        const key = probeKey(p);
        const marks = t.stages.get(key) ?? [];
        t.stages.delete(key);
        const start = end - p.timings.totalMs;
        const span = tracer.startSpan(
          'mxray.probe',
          {
            kind: SpanKind.CLIENT,
            startTime: start,
            attributes: {
              'server.address': p.host,
              'server.port': p.port,
              'network.peer.address': p.address,
              'network.type': p.family === 6 ? 'ipv6' : 'ipv4',
              'mxray.probe.outcome': p.outcome,
              'mxray.probe.phase': p.phase,
              'mxray.probe.encryption': p.encryption,
              ...errorType(p),
            },
          },
          t.ctx,
        );
        for (const m of marks) span.addEvent(m.name, m.attributes, Math.max(start, m.at));
        span.end(end);
        return;
      }
      const mark = stageOf(event);
      if (mark && 'host' in event) {
        const key = probeKey(event);
        const list = t.stages.get(key);
        if (list) list.push(mark);
        else t.stages.set(key, [mark]);
      }
    },

    ended(id, _target, end) {
      const t = checks.get(id);
      if (!t) return;
      checks.delete(id);
      const result = end.result;
      t.span.setAttributes({
        'mxray.check.status': end.status,
        ...(result ? { 'mxray.check.verdict': result.summary.verdict, 'mxray.check.incomplete': result.incomplete, 'mxray.check.probes': result.probes.length } : {}),
        ...(end.reason ? { 'mxray.check.reason': end.reason } : {}),
      });
      // A probed server's failure is a result, not an error of ours; only our own failure is.
      if (end.reason === 'engine-error') t.span.setStatus({ code: SpanStatusCode.ERROR, message: 'engine error' });
      t.span.end(nowMs());
    },
  };
}

/** OpenTelemetry's error.type: the code that ended a failed probe (reply code, protocol, range, errno). */
function errorType(p: PortProbe): Attributes {
  const code = stopCodeLabel(p);
  return code ? { 'error.type': code } : {};
}
