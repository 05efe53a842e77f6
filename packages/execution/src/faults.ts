/**
 * Fault injection: named points at every step boundary of `executePlan`. A {@link FaultInjector} is called
 * at each point and may throw {@link SimulatedCrash} to stand for the process dying there; re-running the
 * step with the same input must then complete the work exactly once. Production passes no injector.
 */
import { SimulatedCrash } from '@ensemble/core';
import { createRandom, type Random } from './random.ts';

/** Every point where `executePlan` calls the injector, in the order an order passes them. */
export const FaultPoints = [
  /** Before the rails are read for a new order. */
  'before-rails',
  /** After the symbol lease is taken, before anything else for the order. */
  'after-lease',
  /** Before the order is recorded as INTENT. */
  'before-intent',
  /** After INTENT is recorded, before the broker is asked. */
  'after-intent',
  /** Right before `submitOrder`. */
  'before-submit',
  /** After the broker accepted the order, before the ledger knows it was submitted. */
  'after-submit',
  /** After the ledger moved the order to SUBMITTED. */
  'after-submitted-status',
  /** Between two polls of an open order. */
  'mid-poll',
  /** Before an order is canceled at its deadline. */
  'before-cancel',
  /** After the cancel request, before its outcome is recorded. */
  'after-cancel',
  /** After a fill is recorded, before it is applied to the book. */
  'after-fill-record',
  /** Right before `applyFill`. */
  'before-apply',
  /** After `applyFill`, before the order's status and cumulative fill are updated. */
  'after-apply',
  /** After the order's status update. */
  'after-status',
  /** Before the symbol lease is released. */
  'before-release',
  /** Between two sells, after the first is terminal. */
  'mid-sells',
  /** After buys were sized and their intents recorded, before any buy is submitted. */
  'after-sizing',
  /** Between two buys, after the first is terminal. */
  'mid-buys',
] as const;
export type FaultPoint = (typeof FaultPoints)[number];

/** Where the injector is being asked. */
export interface FaultContext {
  readonly clientOrderId?: string;
}

/** Called at every {@link FaultPoint}; throws {@link SimulatedCrash} to crash there. */
export interface FaultInjector {
  at(point: FaultPoint, context: FaultContext): void;
}

/** An injector that never crashes. */
export const noFaults: FaultInjector = { at: () => {} };

/** Crash the `nth` time (1-based) `point` is reached, then never again. */
export const crashAt = (point: FaultPoint, nth = 1): FaultInjector & { fired(): boolean } => {
  let seen = 0;
  let fired = false;
  return {
    at: (p, context) => {
      if (p !== point || fired) return;
      if (++seen === nth) {
        fired = true;
        throw new SimulatedCrash(p, context);
      }
    },
    fired: () => fired,
  };
};

/** Options of {@link randomFaults}. */
export interface RandomFaultsOptions {
  /** Chance of a crash at each point reached. @default 0.05 */
  probability?: number;
  /** Stop crashing after this many crashes. @default Infinity */
  maxCrashes?: number;
  /** Only these points crash. @default every point */
  points?: readonly FaultPoint[];
}

/** A seeded injector crashing at random points (reproducible from `random`'s seed); counts its crashes. */
export const randomFaults = (
  random: Random | number,
  options: RandomFaultsOptions = {},
): FaultInjector & { crashes(): FaultPoint[] } => {
  const rnd = typeof random === 'number' ? createRandom(random) : random;
  const p = options.probability ?? 0.05;
  const max = options.maxCrashes ?? Number.POSITIVE_INFINITY;
  const allowed = new Set<FaultPoint>(options.points ?? FaultPoints);
  const crashes: FaultPoint[] = [];
  return {
    at: (point, context) => {
      if (!allowed.has(point) || crashes.length >= max) return;
      if (rnd.next() < p) {
        crashes.push(point);
        throw new SimulatedCrash(point, context);
      }
    },
    crashes: () => [...crashes],
  };
};
