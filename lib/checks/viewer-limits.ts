/**
 * Caps on live-event viewers (SSE streams): per check, per client and overall. Each open stream
 * holds a socket, a subscription and a share of the heartbeat; without a bound, one client could
 * open thousands on one check. Per-check and per-client refusals are the client's doing (429);
 * the overall cap is the server's limit (503).
 */

export interface ViewerCaps {
  perCheck: number;
  perClient: number;
  total: number;
}

export type ViewerGrant =
  | { ok: true; release: () => void }
  | { ok: false; scope: 'check' | 'client' | 'total'; limit: number };

export interface ViewerLimiter {
  acquire(checkId: string, clientKey: string): ViewerGrant;
  stats(): { total: number; checks: number; clients: number };
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}

export function createViewerLimiter(caps: ViewerCaps): ViewerLimiter {
  const byCheck = new Map<string, number>();
  const byClient = new Map<string, number>();
  let total = 0;
  return {
    acquire(checkId, clientKey) {
      if (total >= caps.total) return { ok: false, scope: 'total', limit: caps.total };
      if ((byCheck.get(checkId) ?? 0) >= caps.perCheck) return { ok: false, scope: 'check', limit: caps.perCheck };
      if ((byClient.get(clientKey) ?? 0) >= caps.perClient) return { ok: false, scope: 'client', limit: caps.perClient };
      total++;
      bump(byCheck, checkId, 1);
      bump(byClient, clientKey, 1);
      let released = false;
      return {
        ok: true,
        release: () => {
          if (released) return;
          released = true;
          total--;
          bump(byCheck, checkId, -1);
          bump(byClient, clientKey, -1);
        },
      };
    },
    stats: () => ({ total, checks: byCheck.size, clients: byClient.size }),
  };
}
