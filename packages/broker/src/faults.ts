/**
 * Test knobs of the simulated broker, set at run time on `SimBroker.faults`: make calls fail, crash after
 * an order was accepted, fill orders partially or only after some polls. Knobs live in the broker instance
 * (not in the store) and each is consumed as it fires; `times` defaults to 1 (`Infinity` = until cleared).
 */
import { BrokerUnavailableError, RateLimitedError } from '@ensemble/core';

/** The operations of the Broker port (names of its methods). */
export type SimOperation =
  | 'getAccount'
  | 'listPositions'
  | 'submitOrder'
  | 'getOrderByClientId'
  | 'listOpenOrders'
  | 'cancelOrder'
  | 'getClock'
  | 'getCalendar'
  | 'getAssets'
  | 'getCorporateActions';

/** How an injected failure looks: `BrokerUnavailable` or `RateLimited`. */
export type SimFaultKind = 'unavailable' | 'rate-limited';

/** A partial-fill knob: the next `times` orders (on `symbol`, when given) fill only `fraction`. */
export interface PartialFillRule {
  /** Fraction in (0, 1) of the order's qty or notional that fills; the rest stays open. */
  readonly fraction: string;
  /** @default 1 */
  readonly times?: number;
  readonly symbol?: string;
}

/** A delayed-fill knob: the next `times` orders stay `accepted` for `polls` polls before filling. */
export interface DelayedFillRule {
  readonly polls: number;
  /** @default 1 */
  readonly times?: number;
  readonly symbol?: string;
}

/** The knobs. */
export interface SimFaults {
  /** The next `times` calls of `operation` throw before doing anything. */
  failNext(operation: SimOperation, times?: number, kind?: SimFaultKind): void;
  /** The next `times` accepted submits are committed (and filled, if due), then throw `BrokerUnavailable`. */
  crashAfterAccept(times?: number): void;
  partialFill(rule: PartialFillRule): void;
  delayFill(rule: DelayedFillRule): void;
  /** Removes every knob. */
  clear(): void;
}

interface Counted<T> {
  rule: T;
  left: number;
}

/** How a new order will fill, and which knobs to consume once it is accepted. */
export interface FillPlan {
  readonly polls: number;
  readonly fraction: string;
  readonly consume: () => void;
}

/** The knobs plus the hooks the broker calls. */
export interface FaultState extends SimFaults {
  /** Throws the next injected failure of `operation`, if any. */
  beforeCall(operation: SimOperation): void;
  /** True (and consumes one) when the submit just accepted must crash. */
  takeCrashAfterAccept(): boolean;
  /** The fill plan of a new order on `symbol`, given the broker's defaults. */
  fillPlan(symbol: string, defaults: { polls: number; fraction: string }): FillPlan;
}

const count = (times: number | undefined): number => {
  const n = times ?? 1;
  if (!(n >= 1)) throw new RangeError(`times must be ≥ 1, got ${n}`);
  return n;
};

/** New, empty knobs. */
export const createFaultState = (): FaultState => {
  const failures = new Map<SimOperation, { kind: SimFaultKind; left: number }[]>();
  let crashes = 0;
  let partial: Counted<PartialFillRule>[] = [];
  let delayed: Counted<DelayedFillRule>[] = [];
  const matching = <T extends { symbol?: string }>(list: Counted<T>[], symbol: string) =>
    list.find((c) => c.left > 0 && (c.rule.symbol === undefined || c.rule.symbol === symbol));
  return {
    failNext(operation, times, kind = 'unavailable') {
      const list = failures.get(operation) ?? [];
      list.push({ kind, left: count(times) });
      failures.set(operation, list);
    },
    crashAfterAccept(times) {
      crashes += count(times);
    },
    partialFill(rule) {
      if (!/^0\.\d+$/.test(rule.fraction) || /^0\.0*$/.test(rule.fraction)) {
        throw new RangeError(`fraction must be a decimal in (0, 1), got ${rule.fraction}`);
      }
      partial.push({ rule, left: count(rule.times) });
    },
    delayFill(rule) {
      if (!Number.isInteger(rule.polls) || rule.polls < 0)
        throw new RangeError(`polls must be ≥ 0: ${rule.polls}`);
      delayed.push({ rule, left: count(rule.times) });
    },
    clear() {
      failures.clear();
      crashes = 0;
      partial = [];
      delayed = [];
    },
    beforeCall(operation) {
      const next = failures.get(operation)?.find((f) => f.left > 0);
      if (!next) return;
      next.left -= 1;
      if (next.kind === 'rate-limited') throw new RateLimitedError(operation, 1000);
      throw new BrokerUnavailableError(operation, 'injected failure', { status: 503 });
    },
    takeCrashAfterAccept() {
      if (crashes <= 0) return false;
      crashes -= 1;
      return true;
    },
    fillPlan(symbol, defaults) {
      const p = matching(partial, symbol);
      const d = matching(delayed, symbol);
      return {
        polls: d ? d.rule.polls : defaults.polls,
        fraction: p ? p.rule.fraction : defaults.fraction,
        consume: () => {
          if (p) p.left -= 1;
          if (d) d.left -= 1;
        },
      };
    },
  };
};
