/**
 * The table's access patterns as ElectroDB index declarations, each key layout stated once: the entities
 * compose these instead of repeating `{ field, composite, casing }` blocks. Fields and index names are the
 * table's ({@link GSI}); ids are case-sensitive, so keys keep their casing. Changing a layout here changes
 * the keys written for every entity that uses it.
 */
import { GSI } from '../table.ts';

/** One key of an index: its field and the attributes composed into it, in order. */
const key = <const F extends string, const C extends readonly string[]>(field: F, composite: C) =>
  ({ field, composite, casing: 'none' }) as const;

/** The primary index: `pk` from `pk`, `sk` from `sk` (after the entity, or the collection, prefix). */
export const primary = <const P extends readonly string[], const S extends readonly string[]>(pk: P, sk: S) =>
  ({ pk: key('pk', pk), sk: key('sk', sk) }) as const;

/** The primary index of a member of the `book` collection (Position, Cash): one partition per book. */
export const bookMember = <const S extends readonly string[]>(sk: S) =>
  ({ collection: 'book', ...primary(['bookId'], sk) }) as const;

/** A pattern on `gsi1`. */
export const onGsi1 = <const P extends readonly string[], const S extends readonly string[]>(pk: P, sk: S) =>
  ({ index: GSI.gsi1.name, pk: key(GSI.gsi1.pk, pk), sk: key(GSI.gsi1.sk, sk) }) as const;

/** A pattern on `gsi2`. */
export const onGsi2 = <const P extends readonly string[], const S extends readonly string[]>(pk: P, sk: S) =>
  ({ index: GSI.gsi2.name, pk: key(GSI.gsi2.pk, pk), sk: key(GSI.gsi2.sk, sk) }) as const;

/** `byRun`: a run's records on `gsi1`, one partition per run, in the `runTimeline` collection. */
export const byRun = <const S extends readonly string[]>(sk: S) =>
  ({ collection: 'runTimeline', ...onGsi1(['runId'], sk) }) as const;

/** `byBookDay`: a book's records by trading day on `gsi2` (`id` orders the records of one day). */
export const byBookDay = <const I extends string>(id: I) => onGsi2(['bookId'], ['tradingDay', id]);

/** `byStrategyDay`: a strategy's per-run records by trading day, then run, on `gsi2`. */
export const byStrategyDay = () => onGsi2(['strategyId'], ['tradingDay', 'runId']);

/** Every item of an entity in one `gsi2` partition, ordered by `sk` (`byDay`, `all`). */
export const allOnGsi2 = <const S extends readonly string[]>(sk: S) => onGsi2([], sk);
