import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '@/lib/env';

describe('observability configuration', () => {
  it('has metrics and tracing off by default, on loopback, vantage "default"', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ METRICS_PORT: 0, METRICS_HOST: '127.0.0.1', MXRAY_VANTAGE: 'default', OTEL_SDK_DISABLED: false });
    expect(env.METRICS_TOKEN).toBeUndefined();
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  });

  it('refuses a short metrics token, a vantage that is not a short name, an endpoint that is not a URL', () => {
    expect(() => loadEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadEnv({ MXRAY_VANTAGE: 'eu west {1}' })).toThrow(/MXRAY_VANTAGE/);
    expect(() => loadEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(EnvError);
    expect(() => loadEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
    expect(() => loadEnv({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });

  it('reads a full observability setup', () => {
    const env = loadEnv({
      METRICS_PORT: '9464',
      METRICS_HOST: '0.0.0.0',
      METRICS_TOKEN: 'a-long-enough-secret',
      MXRAY_VANTAGE: 'eu-west-1',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    expect(env).toMatchObject({ METRICS_PORT: 9464, METRICS_HOST: '0.0.0.0', MXRAY_VANTAGE: 'eu-west-1', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' });
  });
});
