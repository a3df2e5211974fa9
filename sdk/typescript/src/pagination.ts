/** A page of a cursor-paginated list, as the API returns it. */
export interface Page<T> {
  /** The items of this page. */
  results: T[];
  /** The URL of the next page; null on the last page. */
  next: string | null;
  /** The URL of the previous page; null on the first page. */
  previous: string | null;
}

/** Fetches one page, given its query (cursor, limit, filters). */
export type PageFetcher<T> = (query: Record<string, string>) => Promise<{
  results: T[];
  next?: string | null;
  previous?: string | null;
}>;

/**
 * A lazy list: `for await (const item of list)` yields every item of every page, newest
 * first, fetching the next page only when the iteration reaches it. Nothing is requested
 * before the iteration starts. Each iteration starts again from the first page.
 *
 * The next page is requested on the list's own path (on the client's base URL) with the
 * query of the `next` link, so a link naming another host never receives the credential.
 */
export class PageIterator<T> implements AsyncIterable<T> {
  /** Pages fetched so far, by every iteration of this list. */
  pagesFetched = 0;

  /** Made by the resources' `list()` methods, from a function that fetches one page. */
  constructor(
    private readonly fetchPage: PageFetcher<T>,
    private readonly query: Record<string, string>,
  ) {}

  /** Iterates page by page instead of item by item. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let query: Record<string, string> | null = { ...this.query };
    while (query !== null) {
      const page = await this.fetchPage(query);
      this.pagesFetched += 1;
      const next = page.next ?? null;
      yield { results: page.results, next, previous: page.previous ?? null };
      query = next === null ? null : Object.fromEntries(new URL(next).searchParams);
    }
  }

  /** Iterates every item of every page. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.results;
  }

  /** Every item of every page, in one array (fetches the whole list). */
  async toArray(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) items.push(item);
    return items;
  }
}
