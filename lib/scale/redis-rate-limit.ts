/**
 * The per-client token bucket of lib/checks/rate-limit.ts, shared by every web instance: the
 * bucket lives in Redis and one Lua script refills and takes in a single atomic step, so two
 * instances answering the same client at once cannot both spend its last token. Same semantics:
 * RATE_LIMIT_BURST tokens of capacity, refilled at RATE_LIMIT_PER_MINUTE; time is Redis's own
 * clock (TIME), so instances with skewed clocks agree. An idle bucket expires once it would be full.
 */
import type { Redis } from 'ioredis';
import type { RateDecision, RateLimiter } from '@/lib/checks/rate-limit';

// KEYS[1] bucket; ARGV: burst, tokens per ms. Returns {allowed 0/1, tokens×1000 after}.
const TAKE = `
local burst = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / perMs) + 1000)
return {allowed, math.floor(tokens * 1000)}
`;

export function createRedisRateLimiter(opts: { redis: Redis; prefix: string; perMinute: number; burst: number }): RateLimiter {
  const { redis, prefix, perMinute, burst } = opts;
  if (!(perMinute > 0) || !(burst >= 1)) throw new Error('rate limit needs perMinute > 0 and burst ≥ 1');
  const perMs = perMinute / 60_000;
  redis.defineCommand('mxrayTakeToken', { numberOfKeys: 1, lua: TAKE });
  const take = (redis as unknown as Record<string, (...args: unknown[]) => Promise<[number, number]>>).mxrayTakeToken!.bind(redis);
  return {
    async take(key: string): Promise<RateDecision> {
      const [allowed, milli] = await take(`${prefix}:rate:${key}`, String(burst), String(perMs));
      const tokens = milli / 1000;
      if (allowed === 1) return { allowed: true, remaining: Math.floor(tokens) };
      return { allowed: false, remaining: 0, retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
    },
  };
}
