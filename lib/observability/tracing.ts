/**
 * OpenTelemetry tracing, set up once from instrumentation.ts when an OTLP endpoint is configured
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), off otherwise. The SDK is
 * imported only then, so a process without tracing (and the CLI, which never comes here) pays
 * nothing for it.
 *
 * With a tracer provider registered, Next emits its own span for each HTTP request and route; the
 * check spans (check-tracing.ts) hang under the request that started the check. The exporter sends
 * OTLP/HTTP with JSON bodies and reads the standard variables itself (OTEL_EXPORTER_OTLP_HEADERS,
 * _TIMEOUT, _COMPRESSION); the batch processor reads OTEL_BSP_*, the sampler OTEL_TRACES_SAMPLER(_ARG),
 * the resource OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
 */
const g = globalThis as unknown as { __mxrayTracing?: { shutdown(): Promise<void> } };

export interface TracingConfig {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  OTEL_SDK_DISABLED: boolean;
  MXRAY_VANTAGE: string;
}

export function tracingWanted(config: TracingConfig): boolean {
  return !config.OTEL_SDK_DISABLED && Boolean(config.OTEL_EXPORTER_OTLP_ENDPOINT || config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

export function tracingEnabled(): boolean {
  return g.__mxrayTracing !== undefined;
}

/** Registers the global tracer provider (once); true when tracing is on. */
export async function startTracing(config: TracingConfig, role: string): Promise<boolean> {
  if (g.__mxrayTracing) return true;
  if (!tracingWanted(config)) return false;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  // Ours first, then what the environment says (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) wins.
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': 'mxray', 'mxray.role': role, 'mxray.vantage': config.MXRAY_VANTAGE }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  // Sets the AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  g.__mxrayTracing = provider;
  return true;
}

/** Flushes buffered spans; called during graceful shutdown. */
export async function stopTracing(): Promise<void> {
  const provider = g.__mxrayTracing;
  if (!provider) return;
  g.__mxrayTracing = undefined;
  await provider.shutdown();
}
