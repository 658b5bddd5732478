/**
 * resolveTarget decisions next to those in resolve-target-decisions.test.ts: a Unicode display
 * name only for an A-label that decodes, `truncated` only when a cap left something out, the
 * check's shared question budget, and what a CNAME question that fails or answers nothing leaves.
 * In-memory resolver answering at once; the addresses are data only (nothing connects).
 */
import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { resolveTarget } from '@/lib/probe/dns/resolve-target';
import type { QuestionBudget } from '@/lib/probe/dns/lookup';
import { systemClock, type DnsResolver } from '@/lib/probe/types';

type Answer = unknown[] | string; // string = error code

function resolverFor(answers: Record<string, Answer>): { resolver: DnsResolver; asked: string[] } {
  const asked: string[] = [];
  const ask = <T>(key: string): Promise<T> => {
    asked.push(key);
    const a = answers[key] ?? 'ENOTFOUND';
    return typeof a === 'string' ? Promise.reject(Object.assign(new Error(key), { code: a })) : Promise.resolve(a as T);
  };
  const resolver: DnsResolver = {
    resolveMx: (n) => ask(`MX ${n}`),
    resolve4: (n) => ask(`A ${n}`),
    resolve6: (n) => ask(`AAAA ${n}`),
    reverse: (ip) => ask(`PTR ${ip}`),
    resolveCname: (n) => ask(`CNAME ${n}`),
    getServers: () => ['127.0.0.53'],
  };
  return { resolver, asked };
}

const policy = createAddressPolicy({ allowCidrs: ['127.133.0.0/16'] });
const resolve = (answers: Record<string, Answer>, budget?: QuestionBudget) =>
  resolveTarget({ domain: 'd.test', mode: 'domain', resolver: resolverFor(answers).resolver, policy, clock: systemClock, budget });

const oneMx = (exchange: string, more: Record<string, Answer> = {}): Record<string, Answer> => ({
  'MX d.test': [{ exchange, priority: 10 }],
  [`A ${exchange}`]: ['127.133.0.1'],
  'PTR 127.133.0.1': [exchange],
  ...more,
});

describe('display names', () => {
  it('an xn-- label that does not decode gets no display name', async () => {
    const r = await resolve(oneMx('xn--zz.d.test'));
    expect(r.hosts[0]!.name).toBe('xn--zz.d.test');
    expect(r.hosts[0]).not.toHaveProperty('displayName');
  });

  it('an A-label in capitals is shown decoded too', async () => {
    const r = await resolve({ 'MX d.test': 'ENODATA', 'A d.test': ['127.133.0.2'] });
    expect(r.hosts[0]).not.toHaveProperty('displayName');
    const idn = await resolveTarget({
      domain: 'xn--mnchen-3ya.test',
      mode: 'host',
      resolver: resolverFor({ 'A xn--mnchen-3ya.test': ['127.133.0.3'] }).resolver,
      policy,
      clock: systemClock,
    });
    expect(idn.hosts[0]!.displayName).toBe('münchen.test');
  });
});

describe('truncated', () => {
  it('is absent when no cap left anything out', async () => {
    const r = await resolve(oneMx('mx.d.test'));
    expect(r).not.toHaveProperty('truncated');
    expect(r.hosts[0]!.addresses[0]!.ptr!.forwardConfirmed).toBe(true);
  });

  it('counts into the check’s own budget when one is given, and reports its refusals', async () => {
    const budget: QuestionBudget = { max: 2, asked: 0, refused: 0 };
    const r = await resolve(oneMx('mx.d.test'), budget);
    expect(budget.asked).toBe(2);
    expect(budget.refused).toBeGreaterThan(0);
    expect(r.truncated).toEqual({ hosts: 0, addresses: 0, questions: 2, questionsRefused: budget.refused });
  });

  it('a budget with room left changes nothing and records what was asked', async () => {
    const budget: QuestionBudget = { max: 100, asked: 0, refused: 0 };
    const r = await resolve(oneMx('mx.d.test'), budget);
    expect(r).not.toHaveProperty('truncated');
    expect(budget.asked).toBeGreaterThanOrEqual(4);
    expect(budget.refused).toBe(0);
  });
});

describe('forward confirmation', () => {
  it('unknown when one PTR name does not exist and another could not be looked up', async () => {
    const r = await resolve(oneMx('mx.d.test', { 'PTR 127.133.0.1': ['gone.d.test', 'slow.d.test'], 'A gone.d.test': 'ENOTFOUND', 'A slow.d.test': 'ETIMEOUT' }));
    expect(r.hosts[0]!.addresses[0]!.ptr).toMatchObject({ names: ['gone.d.test', 'slow.d.test'], forwardConfirmed: null });
  });
});

describe('MX aliases', () => {
  it('a resolver without CNAME support is asked nothing about aliases: every counted question reached it', async () => {
    const { resolver, asked } = resolverFor(oneMx('mx.d.test'));
    delete resolver.resolveCname;
    const budget: QuestionBudget = { max: 100, asked: 0, refused: 0 };
    const r = await resolveTarget({ domain: 'd.test', mode: 'domain', resolver, policy, clock: systemClock, budget });
    expect(r.hosts[0]).not.toHaveProperty('cnameTarget');
    expect(budget.asked).toBe(asked.length);
  });

  it('a CNAME question that fails or answers nothing leaves no alias', async () => {
    for (const cname of ['ESERVFAIL', 'ETIMEOUT', 'ENODATA', []] as Answer[]) {
      const r = await resolve(oneMx('mx.d.test', { 'CNAME mx.d.test': cname }));
      expect(r.hosts[0]).not.toHaveProperty('cnameTarget');
      expect(r.hosts[0]!.name).toBe('mx.d.test');
    }
  });

  it('the host keeps its MX name (for probing and certificate matching) beside the alias', async () => {
    const r = await resolve(oneMx('mx.d.test', { 'CNAME mx.d.test': ['target.d.test.'] }));
    expect(r.hosts[0]).toMatchObject({ name: 'mx.d.test', cnameTarget: 'target.d.test', preference: 10 });
    expect(r.hosts[0]!.addresses.map((a) => a.address)).toEqual(['127.133.0.1']);
  });
});
