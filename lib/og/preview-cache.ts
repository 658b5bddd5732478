/**
 * Rendered previews of finished checks, kept in memory: a finished check never changes, so its
 * image is rendered once per process, however often chat services fetch it. Bounded (LRU by
 * insertion refresh) so a crawler walking many permalinks cannot grow it without limit.
 */
export function createPreviewCache(max: number) {
  const map = new Map<string, ArrayBuffer>();
  return {
    get(key: string): ArrayBuffer | undefined {
      const hit = map.get(key);
      if (hit) {
        map.delete(key);
        map.set(key, hit);
      }
      return hit;
    },
    set(key: string, value: ArrayBuffer): void {
      map.delete(key);
      map.set(key, value);
      while (map.size > max) map.delete(map.keys().next().value!);
    },
    get size() {
      return map.size;
    },
  };
}

/** One process-wide cache: ~40 KB per PNG, 200 entries at most. */
export const previewCache = createPreviewCache(200);
