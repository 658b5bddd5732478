/**
 * Which port probe carries the open relay test: the first port 25 probe of each address, so an
 * address listed under several MX names is tested once, through the same per-target limit as the
 * probe itself. In host mode the server is not known to be anyone's MX, so the test is recorded as
 * "not tested" unless the check asked for it (CheckInput.relayTest).
 */
import { targetKey } from '@/lib/probe/net/target-gate';
import type { CheckInput } from '@/lib/probe/schema';
import type { RelayPlan } from '@/lib/probe/smtp/relay-test';
import { DEFAULT_RELAY_TEST_ADDRESS } from './relay-verdict';

export function planRelayTests(
  plan: readonly { host: string; address: string; port: number }[],
  target: Pick<CheckInput, 'mode' | 'domain' | 'relayTest'>,
  testAddress: string = DEFAULT_RELAY_TEST_ADDRESS,
): Map<number, RelayPlan> {
  const plans = new Map<number, RelayPlan>();
  const seen = new Set<string>();
  plan.forEach((item, index) => {
    if (item.port !== 25) return;
    const key = targetKey(item.address);
    if (seen.has(key)) return;
    seen.add(key);
    if (target.mode === 'host' && !target.relayTest) plans.set(index, { test: false, reason: 'host-mode' });
    // The bypasses name a domain the server serves: the checked domain, or the server itself.
    else plans.set(index, { test: true, testAddress, ownDomain: target.domain });
  });
  return plans;
}
