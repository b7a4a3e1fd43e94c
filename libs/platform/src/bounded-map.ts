/**
 * Remembers `key → value` in `map`, forgetting the oldest entry first once `max` are held (a Map
 * keeps insertion order). For the in-process memories that must stay bounded (verified tokens,
 * security subjects' identities).
 */
export function rememberBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (!map.has(key) && map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}
