/**
 * The journal: applies fills and transfers to positions and cash exactly once, without transactions.
 *
 * Protocol for an entry E (a fill or a transfer) touching items T1..Tn (positions, cash):
 *  1. E is recorded by a conditional create under its id (done before, by recordFill / applyTransfer).
 *  2. If E.appliedAt is set, E is done: only step 5 (cleanup) runs again.
 *  3. For each Ti: read it (version v, pending ids); if E's id is in `pending`, Ti already has E: skip.
 *     Otherwise write the new state with version v+1 and `pending` + E's id, conditional on version = v
 *     (or on absence when Ti is new); on a failed condition re-read and retry, a bounded number of times.
 *  4. Mark E applied (`appliedAt`, conditional on it being unset).
 *  5. Remove E's id from each Ti's `pending` (conditional on version; bumps it). The version this call wrote
 *     in step 3 is tried first without reading Ti again; a failed condition (someone wrote Ti since) falls
 *     back to read → conditional write.
 * A crash between any two writes leaves E either unapplied, partly applied with the marker on each item it
 * reached, or applied with leftover markers; re-running applyFill/applyTransfer finishes it and no item can
 * see E twice, because the marker and the effect are written by the same conditional put.
 */
import { D, str } from '@ensemble/core';
import { LedgerContentionError } from '../errors.ts';
import { type Ctx, conditional, guard } from './context.ts';
import { type Effect, effectKey as keyOf, positionAfter } from './effects.ts';

export type { Effect, PositionState } from './effects.ts';

/** An item as this call wrote it: its version and `pending` (so step 5 need not read it again). */
interface Written {
  version: number;
  pending: string[];
}

const applyPosition = async (
  ctx: Ctx,
  entryId: string,
  e: Extract<Effect, { kind: 'position' }>,
): Promise<Written | null> => {
  const entity = ctx.svc.entities.position;
  const key = { bookId: e.bookId, symbol: e.symbol };
  for (let attempt = 1; attempt <= ctx.maxAttempts; attempt++) {
    const { data: cur } = await guard('readPosition', () =>
      entity.get(key).go({ originalErr: true, consistent: true }),
    );
    if (cur?.pending.includes(entryId)) return null;
    const state = { ...positionAfter(entryId, e, cur), updatedAt: ctx.now() };
    const after: Written = cur
      ? { version: cur.version + 1, pending: [...cur.pending, entryId] }
      : { version: 1, pending: [entryId] };
    const written = cur
      ? await conditional('writePosition', () =>
          entity
            .patch(key)
            .set({ ...state, ...after })
            .where(({ version }, { eq }) => eq(version, cur.version))
            .go({ originalErr: true }),
        )
      : await conditional('writePosition', () =>
          entity.create({ ...key, ...state, ...after }).go({ originalErr: true }),
        );
    if (written) return after;
  }
  throw new LedgerContentionError(keyOf(e), ctx.maxAttempts);
};

const applyCash = async (
  ctx: Ctx,
  entryId: string,
  e: Extract<Effect, { kind: 'cash' }>,
): Promise<Written | null> => {
  const entity = ctx.svc.entities.cash;
  const key = { bookId: e.bookId };
  for (let attempt = 1; attempt <= ctx.maxAttempts; attempt++) {
    const { data: cur } = await guard('readCash', () =>
      entity.get(key).go({ originalErr: true, consistent: true }),
    );
    if (cur?.pending.includes(entryId)) return null;
    const amount = str(e.apply(new D(cur?.amount ?? '0')));
    const updatedAt = ctx.now();
    const after: Written = cur
      ? { version: cur.version + 1, pending: [...cur.pending, entryId] }
      : { version: 1, pending: [entryId] };
    const written = cur
      ? await conditional('writeCash', () =>
          entity
            .patch(key)
            .set({ amount, updatedAt, ...after })
            .where(({ version }, { eq }) => eq(version, cur.version))
            .go({ originalErr: true }),
        )
      : await conditional('writeCash', () =>
          entity.create({ ...key, amount, updatedAt, ...after }).go({ originalErr: true }),
        );
    if (written) return after;
  }
  throw new LedgerContentionError(keyOf(e), ctx.maxAttempts);
};

/** Conditionally on `cur.version`, drop `entryId` from `cur.pending` (bumping the version). */
const writePruned = (ctx: Ctx, entryId: string, e: Effect, cur: Written): Promise<boolean> => {
  const set = { version: cur.version + 1, pending: cur.pending.filter((id) => id !== entryId) };
  return conditional('prunePending', () =>
    e.kind === 'position'
      ? ctx.svc.entities.position
          .patch({ bookId: e.bookId, symbol: e.symbol })
          .set(set)
          .where(({ version }, { eq }) => eq(version, cur.version))
          .go({ originalErr: true })
      : ctx.svc.entities.cash
          .patch({ bookId: e.bookId })
          .set(set)
          .where(({ version }, { eq }) => eq(version, cur.version))
          .go({ originalErr: true }),
  );
};

/**
 * Remove `entryId` from an item's `pending` marker once the entry is marked applied: first as `written` (the
 * item as this call left it, when it did), then by reading it.
 */
const prune = async (ctx: Ctx, entryId: string, e: Effect, written: Written | null): Promise<void> => {
  if (written && (await writePruned(ctx, entryId, e, written))) return;
  for (let attempt = 1; attempt <= ctx.maxAttempts; attempt++) {
    const cur =
      e.kind === 'position'
        ? (
            await guard('readPosition', () =>
              ctx.svc.entities.position
                .get({ bookId: e.bookId, symbol: e.symbol })
                .go({ originalErr: true, consistent: true }),
            )
          ).data
        : (
            await guard('readCash', () =>
              ctx.svc.entities.cash.get({ bookId: e.bookId }).go({ originalErr: true, consistent: true }),
            )
          ).data;
    if (!cur?.pending.includes(entryId)) return;
    if (await writePruned(ctx, entryId, e, cur)) return;
  }
  throw new LedgerContentionError(keyOf(e), ctx.maxAttempts);
};

/**
 * Apply an entry's effects exactly once (steps 2–5 above). `isApplied` says whether the entry is already
 * marked; `markApplied` marks it (conditional on not being marked). Returns whether this call applied it.
 */
export const applyEntry = async (
  ctx: Ctx,
  entryId: string,
  effects: readonly Effect[],
  isApplied: boolean,
  markApplied: () => Promise<unknown>,
): Promise<'applied' | 'already-applied'> => {
  const written: (Written | null)[] = effects.map(() => null);
  if (!isApplied) {
    for (const [i, e] of effects.entries()) {
      written[i] =
        e.kind === 'position' ? await applyPosition(ctx, entryId, e) : await applyCash(ctx, entryId, e);
    }
    // A concurrent applier may have marked it first; either way it is marked now.
    await conditional('markApplied', markApplied);
  }
  for (const [i, e] of effects.entries()) await prune(ctx, entryId, e, written[i] ?? null);
  return isApplied ? 'already-applied' : 'applied';
};
