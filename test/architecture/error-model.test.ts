/**
 * The one error model, checked over the source and the state machine: every error class extends core's
 * `EnsembleError` and takes its name from core's catalog (one class per name), and the names the ASL
 * definition's Retry/Catch list are exactly the catalog's (retryable ones retried, nothing else).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ErrorCatalog, ErrorNames, errorTraits, RetryableErrorNames } from '@ensemble/core';
import { buildDefinition, placeholderArns } from '@ensemble/workflow';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** Source files of every package (tests and test scaffolding excluded). */
const sources = (): { path: string; text: string }[] => {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'testing') walk(p);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) {
        out.push({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') });
      }
    }
  };
  for (const pkg of readdirSync(join(ROOT, 'packages'))) walk(join(ROOT, 'packages', pkg, 'src'));
  return out;
};

/**
 * Classes that extend `Error` directly, and why: the base itself, and the fake Alpaca server's HttpError
 * is its control flow for an HTTP error reply (it never leaves the fake), not an error of Ensemble.
 */
const NOT_ENSEMBLE_ERRORS = new Set([
  'packages/core/src/errors.ts:EnsembleError',
  'packages/alpaca/src/fake/orders.ts:HttpError',
]);

/** Every `[key, name]` of the catalog. */
const catalog = Object.entries(ErrorCatalog).map(([key, e]) => [key, e.name] as const);

/** Every error name an ASL Retry or Catch lists, anywhere in the definition. */
const aslNames = (node: unknown, out = new Set<string>()): Set<string> => {
  if (Array.isArray(node)) for (const n of node) aslNames(n, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'ErrorEquals' && Array.isArray(v)) for (const n of v) out.add(String(n));
      else aslNames(v, out);
    }
  }
  return out;
};

describe('the error model', () => {
  const files = sources();

  it('every error class extends EnsembleError and names itself from the catalog, one class per name', () => {
    const classes = files.flatMap(({ path, text }) =>
      [...text.matchAll(/class (\w+) extends (\w+)[^{]*\{([\s\S]*?)\n\}/g)].map((m) => ({
        at: `${path}:${m[1]}`,
        base: m[2]!,
        body: m[3]!,
      })),
    );
    const errorClasses = classes.filter(
      (c) => /Error$|^SimulatedCrash$/.test(c.base) || /Error\b/.test(c.at),
    );
    // Nothing extends Error directly except the documented exceptions.
    const direct = errorClasses.filter((c) => c.base === 'Error').map((c) => c.at);
    expect(direct.filter((at) => !NOT_ENSEMBLE_ERRORS.has(at))).toEqual([]);
    // Every Ensemble error class sets its name from ErrorNames; a name belongs to one class.
    const named = errorClasses.filter((c) => c.base === 'EnsembleError');
    const owners = new Map<string, string>();
    for (const c of named) {
      const key = /override readonly name = ErrorNames\.(\w+);/.exec(c.body)?.[1];
      expect(key, `${c.at} must set its name from ErrorNames`).toBeDefined();
      expect(Object.hasOwn(ErrorCatalog, key!), `${c.at}: ErrorNames.${key} is not in the catalog`).toBe(
        true,
      );
      expect(owners.get(key!), `ErrorNames.${key} is the name of two classes`).toBeUndefined();
      owners.set(key!, c.at);
    }
    expect(named.length).toBeGreaterThan(30);
  });

  it('no package keeps a catalog or a base class of its own, or classifies errors by pattern', () => {
    for (const { path, text } of files) {
      if (path === 'packages/core/src/errors.ts') continue;
      expect(text, path).not.toMatch(/abstract class \w+ extends (Error|EnsembleError)/);
      expect(text, path).not.toMatch(/export const \w+ErrorNames = \{/);
      expect(text, path).not.toMatch(/\/rail\|killswitch/);
    }
  });

  it('names are unique and the traits are consistent', () => {
    const names = catalog.map(([, n]) => n);
    expect(new Set(names).size).toBe(names.length);
    for (const [key, name] of catalog) {
      expect(ErrorNames[key as keyof typeof ErrorNames]).toBe(name);
      const t = errorTraits(name)!;
      expect(t.retryable && t.blocking, `${name} cannot be both retryable and blocking`).toBe(false);
    }
  });

  it('the state machine lists exactly the catalog: its retryable names retried, nothing unknown', () => {
    const definition = buildDefinition({ functionArns: placeholderArns() });
    const listed = [...aslNames(definition)];
    const ours = listed.filter((n) => !n.startsWith('States.') && !n.startsWith('Lambda.'));
    // Every name the definition lists exists in the catalog, and is retryable there.
    for (const n of ours) expect(errorTraits(n)?.retryable, `${n} in a Retry`).toBe(true);
    // Every retryable name of the catalog is retried.
    expect(new Set(ours)).toEqual(new Set(RetryableErrorNames));
    expect(RetryableErrorNames.length).toBeGreaterThan(0);
  });
});
