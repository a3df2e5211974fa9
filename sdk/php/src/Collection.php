<?php

declare(strict_types=1);

namespace CloudBooks;

/**
 * A list from the API, iterated item by item over every page: `foreach ($list as $item)`.
 *
 * Lazy: no request is made until the iteration starts, and the next page (the answer's
 * `next` URL, as the server gave it) is fetched only when the current one is used up. Each
 * `foreach` starts again from the first page. A `next` URL on another origin than the
 * client's base URL is requested without the credential.
 *
 * @template T
 *
 * @implements \IteratorAggregate<int, T>
 */
final class Collection implements \IteratorAggregate
{
    private int $pagesFetched = 0;

    /**
     * @param array<string, mixed>  $query
     * @param \Closure(array<mixed>): T $parse
     * @param array<string, mixed>  $options request options (headers, timeout, …)
     */
    public function __construct(
        private readonly Client $client,
        private readonly string $path,
        private readonly array $query,
        private readonly \Closure $parse,
        private readonly array $options = [],
    ) {
    }

    /** @return \Generator<int, T> */
    public function getIterator(): \Generator
    {
        $path = $this->path;
        $query = $this->query;
        while (true) {
            $page = $this->client->request('GET', $path, ['query' => $query] + $this->options)->json();
            ++$this->pagesFetched;
            if (!is_array($page) || !is_array($page['results'] ?? null)) {
                throw new Exception\ApiException("The API's list answer has no 'results'");
            }
            foreach ($page['results'] as $item) {
                yield ($this->parse)(is_array($item) ? $item : []);
            }
            $next = $page['next'] ?? null;
            if (!is_string($next) || $next === '') {
                return;
            }
            // The next URL keeps the limit and filters, with an opaque cursor.
            $path = $next;
            $query = [];
        }
    }

    /**
     * Every item of every page.
     *
     * @return list<T>
     */
    public function toArray(): array
    {
        return iterator_to_array($this->getIterator(), false);
    }

    /** How many pages this list has fetched so far (over all its iterations). */
    public function getPagesFetched(): int
    {
        return $this->pagesFetched;
    }
}
