/** Read every page of a paginated ledger list: nothing is silently truncated. */
import type { Page, PageOptions } from '@ensemble/ledger';

export async function allPages<T>(list: (options: PageOptions) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await list({ limit: 200, cursor });
    items.push(...page.data);
    cursor = page.cursor;
  } while (cursor !== null);
  return items;
}
