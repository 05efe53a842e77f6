/**
 * One bounded memo for pure functions of one key: what the calendar's conversions and the simulated broker's
 * valuations remember. A key computed once is answered from the map afterwards; the map is emptied when it
 * reaches `limit` keys (the keys a run asks for are few; the bound only guards a process that lives long). A
 * computation that throws remembers nothing.
 */
export const remembered = <K, V>(compute: (key: K) => V, limit = 100_000): ((key: K) => V) => {
  const known = new Map<K, V>();
  return (key) => {
    const hit = known.get(key);
    if (hit !== undefined || known.has(key)) return hit as V;
    const value = compute(key);
    if (known.size >= limit) known.clear();
    known.set(key, value);
    return value;
  };
};

/**
 * A memo for pure functions of an object (by identity, held weakly: forgotten with the object) and a second
 * key: a report's daily returns by equity and flows series, the simulated broker's market values by close
 * and quantity.
 */
export const rememberedFor = <O extends object, K, V>(
  compute: (object: O, key: K) => V,
): ((object: O, key: K) => V) => {
  const known = new WeakMap<O, Map<K, V>>();
  return (object, key) => {
    let byKey = known.get(object);
    if (byKey === undefined) known.set(object, (byKey = new Map()));
    const hit = byKey.get(key);
    if (hit !== undefined || byKey.has(key)) return hit as V;
    const value = compute(object, key);
    byKey.set(key, value);
    return value;
  };
};
