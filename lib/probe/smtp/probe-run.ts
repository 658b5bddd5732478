/**
 * The state of one port probe while it runs: what has been gathered so far, the transcript, the
 * clock, the deadlines and every socket opened (so they are all closed however the probe ends).
 * A server's fault stops the probe with a ProbeStop carrying the outcome; whatever was gathered
 * before stays in the result.
 */
import type { Socket } from 'node:net';
import type {
  CheckEvent,
  Ehlo,
  Encryption,
  PortProbe,
  ProbeOutcome,
  ProbePhase,
  RelayTest,
  SmtpReply,
  TlsInfo,
} from '@/lib/probe/schema';
import { deadlineFor, type Deadline } from '@/lib/probe/net/deadline';
import type { ProbeLimits } from '@/lib/probe/types';
import type { ProbePortOptions } from '@/lib/probe/probe-port';
import { Transcript } from './transcript';

/** How long a socket may take to close cleanly (FIN, TLS close_notify) before it is destroyed. */
const CLOSE_GRACE_MS = 250;

/** Why a probe stopped, each kind of code in its own typed field (see PortProbeSchema). */
export type StopDetail = Pick<PortProbe, 'smtpCode' | 'foreignProtocol' | 'refusal' | 'systemError'> & { message?: string };

/** Thrown inside a probe to end it with an outcome; never escapes probePort. */
export class ProbeStop {
  constructor(
    readonly outcome: ProbeOutcome,
    readonly phase: ProbePhase,
    readonly detail: StopDetail = {},
  ) {}
}

type Timings = PortProbe['timings'];

/** The stop's detail as result fields, absent ones left out (exactOptionalPropertyTypes). */
function stopFields(d: StopDetail | undefined): Partial<PortProbe> {
  if (!d) return {};
  return {
    ...(d.smtpCode !== undefined ? { smtpCode: d.smtpCode } : {}),
    ...(d.foreignProtocol !== undefined ? { foreignProtocol: d.foreignProtocol } : {}),
    ...(d.refusal !== undefined ? { refusal: d.refusal } : {}),
    ...(d.systemError !== undefined ? { systemError: d.systemError } : {}),
    ...(d.message !== undefined ? { errorMessage: d.message } : {}),
  };
}

export class ProbeRun {
  readonly transcript: Transcript;
  readonly limits: ProbeLimits;
  phase: ProbePhase = 'policy';
  encryption: Encryption = 'unknown';
  timings: Omit<Timings, 'totalMs'> = {};
  greeting: SmtpReply | undefined;
  ehlo: Ehlo | undefined;
  starttlsReply: SmtpReply | undefined;
  tls: TlsInfo | undefined;
  ehloTls: Ehlo | undefined;
  relay: RelayTest | undefined;
  mailBeforeTls: PortProbe['mailBeforeTls'];

  private readonly t0: number;
  private readonly budgetAt: number;
  private readonly sockets: Socket[] = [];
  private readonly onAbort = () => this.destroyAll();

  constructor(readonly opts: ProbePortOptions) {
    this.limits = opts.limits;
    this.t0 = opts.clock.monotonic();
    this.budgetAt = this.t0 + opts.limits.probeBudgetMs;
    this.transcript = new Transcript(opts.limits.maxTranscriptEntries, () => this.elapsed());
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Monotonic ms now. */
  now = (): number => this.opts.clock.monotonic();

  /** ms since the probe began (transcript times, total). */
  elapsed(): number {
    return this.now() - this.t0;
  }

  /** ms since `start` (a value of now()), rounded for the result. */
  since(start: number): number {
    return Math.max(0, Math.round(this.now() - start));
  }

  /** A stage deadline, cut short by what is left of the probe's budget. */
  deadline(stageMs: number): Deadline {
    return deadlineFor(stageMs, this.budgetAt, this.now);
  }

  get key(): { host: string; address: string; port: PortProbe['port'] } {
    return { host: this.opts.host, address: this.opts.address, port: this.opts.port };
  }

  emit(event: CheckEvent): void {
    this.opts.onEvent?.(event);
  }

  note(text: string): void {
    this.transcript.add('i', text);
  }

  /** Ends the probe with this outcome, in the current phase unless another is given. */
  stop(outcome: ProbeOutcome, detail: StopDetail & { phase?: ProbePhase } = {}): never {
    const { phase, ...rest } = detail;
    throw new ProbeStop(outcome, phase ?? this.phase, rest);
  }

  /** Registers a socket so it is closed when the probe ends, and destroyed at once on abort. */
  track(socket: Socket): void {
    // Errors after we stopped listening (a reset while closing) are expected; never uncaught.
    socket.on('error', () => {});
    this.sockets.push(socket);
    if (this.opts.signal?.aborted) socket.destroy();
  }

  /** Closes every socket: gracefully, outermost (TLS) first, then destroyed after a short grace. */
  release(): void {
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    if (this.opts.signal?.aborted) return this.destroyAll();
    const live = this.sockets.filter((s) => !s.destroyed).reverse();
    for (const s of live) s.end();
    if (live.length > 0) {
      setTimeout(() => {
        for (const s of live) s.destroy();
      }, CLOSE_GRACE_MS).unref();
    }
  }

  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  result(stop: ProbeStop | undefined): PortProbe {
    const { host, address, family, port } = this.opts;
    return {
      host,
      address,
      family,
      port,
      outcome: stop?.outcome ?? 'success',
      phase: stop?.phase ?? 'done',
      ...stopFields(stop?.detail),
      timings: { ...this.timings, totalMs: this.since(this.t0) },
      ...(this.greeting ? { greeting: this.greeting } : {}),
      ...(this.ehlo ? { ehlo: this.ehlo } : {}),
      ...(this.starttlsReply ? { starttlsReply: this.starttlsReply } : {}),
      ...(this.tls ? { tls: this.tls } : {}),
      ...(this.ehloTls ? { ehloTls: this.ehloTls } : {}),
      ...(this.mailBeforeTls ? { mailBeforeTls: this.mailBeforeTls } : {}),
      encryption: this.encryption,
      transcript: this.transcript.entries,
      transcriptTruncated: this.transcript.truncated,
      ...this.relayResult(stop),
    };
  }

  /** The relay test's result, or why it did not run, on the probe that was asked to carry it. */
  private relayResult(stop: ProbeStop | undefined): { relay?: RelayTest } {
    const plan = this.opts.relay;
    if (!plan) return {};
    if (this.relay) return { relay: this.relay };
    if (!plan.test) return { relay: { status: 'not-tested', reason: plan.reason, tls: false, attempts: [] } };
    const reason = stop?.outcome === 'aborted' ? 'aborted' : 'not-reached';
    return { relay: { status: 'untested', reason, tls: false, attempts: [] } };
  }
}
