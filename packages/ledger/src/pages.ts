/** Reading every page of a ledger list: nothing is silently truncated. */
import type { Page, PageOptions } from './types.ts';

/** Every item of a paged ledger list, in order, read `pageSize` items a request. */
export const allPages = async <T>(
  list: (options: PageOptions) => Promise<Page<T>>,
  pageSize = 100,
): Promise<T[]> => {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await list({ cursor, limit: pageSize });
    out.push(...page.data);
    cursor = page.cursor;
  } while (cursor !== null);
  return out;
};
