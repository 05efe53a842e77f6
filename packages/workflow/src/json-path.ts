/**
 * The two JSONPath operations the redrive needs on recorded state: read and write a reference path such as
 * `$.prepare.items` (dotted field names only — the definition uses nothing else).
 */

const segments = (path: string): string[] => {
  if (path === '$') return [];
  if (!/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) throw new Error(`unsupported reference path ${path}`);
  return path.slice(2).split('.');
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at `path` in `doc`, or `undefined`. */
export const getPath = (doc: unknown, path: string): unknown =>
  segments(path).reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), doc);

/** A copy of `doc` with `value` at `path` (intermediate objects created, as ResultPath does). */
export const setPath = (doc: unknown, path: string, value: unknown): unknown => {
  const keys = segments(path);
  const put = (node: unknown, i: number): unknown => {
    if (i === keys.length) return value;
    const key = keys[i] as string;
    const base = isObject(node) ? node : {};
    return { ...base, [key]: put(base[key], i + 1) };
  };
  return put(doc, 0);
};
