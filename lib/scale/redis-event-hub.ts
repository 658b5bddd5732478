/**
 * The event fan-out between processes in scaled mode: a worker persists each event in the store
 * (which gives it its seq), then publishes it on the check's Redis channel; every web instance with
 * a viewer on that check is subscribed to the channel and hands the event to replay-then-tail,
 * which drops duplicates by seq. The store stays the record: Redis pub/sub only tells instances
 * that something is new, and what a lost message would have carried is read back from the store
 * (see `resync`, called after the subscriber connection comes back).
 *
 * Order: one check runs on one worker, which publishes on one connection; Redis delivers the
 * messages of one connection in the order they were sent.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { CheckEventSchema } from '@/lib/probe/schema';
import type { CheckEnd, EventHub, HubListener } from '@/lib/checks/event-hub';
import { createEventHub } from '@/lib/checks/event-hub';

const MessageSchema = z.union([
  z.object({ seq: z.number().int().positive(), event: CheckEventSchema }),
  z.object({
    end: z.union([
      z.object({ status: z.literal('done') }),
      z.object({ status: z.literal('interrupted'), reason: z.string() }),
    ]),
  }),
]);

export interface RedisEventHub extends EventHub {
  close(): Promise<void>;
}

export interface RedisEventHubOptions {
  /** publishes; may be shared with other (non-subscribed) uses */
  pub: Redis;
  /** a connection of its own: a subscribed ioredis connection takes no other command */
  sub?: Redis;
  /** key prefix (REDIS_PREFIX) */
  prefix: string;
  onError?: (err: unknown) => void;
  /** a listened check after the subscriber connection came back: messages may have been lost */
  onResync?: (id: string) => void;
}

export function channelOf(prefix: string, id: string): string {
  return `${prefix}:events:${id}`;
}

export function createRedisEventHub(opts: RedisEventHubOptions): RedisEventHub {
  const { pub, sub, prefix } = opts;
  const onError = opts.onError ?? (() => {});
  const local = createEventHub(onError);
  const channelPrefix = `${prefix}:events:`;
  /** resync callbacks of the listeners, per check */
  const resyncs = new Map<string, Set<() => void>>();
  /** checks subscribed to (the promise settles once Redis acknowledged it) */
  const subscriptions = new Map<string, Promise<void>>();
  let everReady = false;

  if (sub) {
    sub.on('message', (channel: string, raw: string) => {
      if (!channel.startsWith(channelPrefix)) return;
      const id = channel.slice(channelPrefix.length);
      let msg: z.infer<typeof MessageSchema>;
      try {
        msg = MessageSchema.parse(JSON.parse(raw));
      } catch (err) {
        onError(err);
        return;
      }
      if ('end' in msg) local.end(id, msg.end as CheckEnd);
      else local.publish(id, msg.seq, msg.event);
    });
    sub.on('ready', () => {
      // ioredis resubscribes by itself; what was published meanwhile is read back from the store.
      if (everReady) for (const [, set] of resyncs) for (const r of [...set]) r();
      everReady = true;
    });
    if (sub.status === 'ready') everReady = true;
  }

  return {
    listen(id: string, listener: HubListener) {
      if (!sub) throw new Error('this event hub only publishes');
      const off = local.listen(id, listener);
      let subscribed = subscriptions.get(id);
      if (!subscribed) {
        subscribed = sub.subscribe(channelOf(prefix, id)).then(() => undefined);
        subscriptions.set(id, subscribed);
      }
      // Until Redis has acknowledged the subscription, a published event may pass us by: once it
      // has, the listener reads back from the store whatever it might have missed.
      let open = true;
      subscribed.then(() => open && listener.resync?.(), onError);
      const resync = listener.resync?.bind(listener);
      if (resync) {
        let set = resyncs.get(id);
        if (!set) resyncs.set(id, (set = new Set()));
        set.add(resync);
      }
      return () => {
        if (!open) return;
        open = false;
        off();
        if (resync) {
          const set = resyncs.get(id);
          set?.delete(resync);
          if (set && set.size === 0) resyncs.delete(id);
        }
        if (local.listenerCount(id) === 0 && subscriptions.get(id) === subscribed) {
          subscriptions.delete(id);
          sub.unsubscribe(channelOf(prefix, id)).catch(onError);
        }
      };
    },
    publish(id, seq, event) {
      pub.publish(channelOf(prefix, id), JSON.stringify({ seq, event })).catch(onError);
    },
    end(id, end) {
      pub.publish(channelOf(prefix, id), JSON.stringify({ end })).catch(onError);
    },
    listenerCount(id) {
      return local.listenerCount(id);
    },
    async close() {
      if (sub) sub.disconnect();
    },
  };
}
