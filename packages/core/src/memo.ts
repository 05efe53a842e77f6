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
