/**
 * Applying a fill's or a transfer's effects in memory: every new position and cash balance is computed first
 * (core's book math may refuse, and then nothing changes), then all are written together with the entry's
 * applied mark, as one write. The exactly-once marker protocol of the DynamoDB journal exists because
 * DynamoDB writes items one at a time; here the whole entry is one step.
 */
import { dec, str } from '@ensemble/core';
import { type Effect, positionAfter } from '../repository/effects.ts';
import type { MemoryCtx } from './store.ts';
import { composite } from './table.ts';

/** Compute every effect of entry `entryId`, then write them and `mark` it applied (one write, `operation`). */
export const applyEffects = (
  m: MemoryCtx,
  operation: string,
  entryId: string,
  effects: readonly Effect[],
  mark: () => void,
): void => {
  const { positions, cash } = m.store;
  const writes: (() => void)[] = [];
  for (const e of effects) {
    if (e.kind === 'position') {
      const current = positions.get(composite(e.bookId, e.symbol)) ?? null;
      const next = positionAfter(entryId, e, current);
      writes.push(() => positions.put({ bookId: e.bookId, symbol: e.symbol, ...next, updatedAt: m.now() }));
    } else {
      const amount = str(e.apply(dec(cash.get(e.bookId)?.amount ?? '0')));
      writes.push(() => cash.put({ bookId: e.bookId, amount, updatedAt: m.now() }));
    }
  }
  m.write(operation);
  for (const w of writes) w();
  mark();
};
