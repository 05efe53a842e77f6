/**
 * Bounded concurrency for independent I/O (a ledger write per book, say): `forEachLimit` runs `fn` over
 * `items` with at most `limit` calls in flight. On the first failure it starts no further call, waits for
 * the calls in flight to settle (so nothing is still writing when it returns) and rethrows that failure.
 */
export const forEachLimit = async <T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> => {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer: ${limit}`);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
};
