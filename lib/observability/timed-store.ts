/**
 * The check store with each operation's latency recorded (mxray_store_operation_duration_seconds).
 * A Proxy rather than a hand-written wrapper: any operation a store gains later is timed too, and
 * the label is the method's name (a closed set fixed by the code, never data).
 */
import type { CheckStore } from '@/lib/store/check-store';
import type { MxrayMetrics } from './metrics';

const READ = /^(get|list|find|ping|count|load)/;

/** Where a timed operation goes: the process's histogram, or (the runner thread) a message to it. */
export type StoreOpRecorder = (labels: { operation: string; kind: 'read' | 'write'; outcome: 'ok' | 'error' }, seconds: number) => void;

/** Operations recorded into the process's mxray_store_operation_duration_seconds. */
export const timeStoreInto =
  (metrics: MxrayMetrics): StoreOpRecorder =>
  (labels, seconds) =>
    metrics.storeDuration.observe(labels, seconds);

export function timeStore(store: CheckStore, sink: MxrayMetrics | StoreOpRecorder): CheckStore {
  const record = typeof sink === 'function' ? sink : timeStoreInto(sink);
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'close') return value;
      const kind = READ.test(prop) ? 'read' : 'write';
      return (...args: unknown[]) => {
        const started = performance.now();
        const end = ({ outcome }: { outcome: 'ok' | 'error' }) => record({ operation: prop, kind, outcome }, (performance.now() - started) / 1000);
        let pending: unknown;
        try {
          pending = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (err) {
          end({ outcome: 'error' });
          throw err;
        }
        if (!(pending instanceof Promise)) {
          end({ outcome: 'ok' });
          return pending;
        }
        return pending.then(
          (v: unknown) => {
            end({ outcome: 'ok' });
            return v;
          },
          (err: unknown) => {
            end({ outcome: 'error' });
            throw err;
          },
        );
      };
    },
  });
}
