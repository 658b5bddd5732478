/**
 * The check store with each operation's latency recorded (mxray_store_operation_duration_seconds).
 * A Proxy rather than a hand-written wrapper: any operation a store gains later is timed too, and
 * the label is the method's name (a closed set fixed by the code, never data).
 */
import type { CheckStore } from '@/lib/store/check-store';
import type { MxrayMetrics } from './metrics';

const READ = /^(get|list|find|ping|count|load)/;

export function timeStore(store: CheckStore, metrics: MxrayMetrics): CheckStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'close') return value;
      const kind = READ.test(prop) ? 'read' : 'write';
      return (...args: unknown[]) => {
        const end = metrics.storeDuration.startTimer({ operation: prop, kind });
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
