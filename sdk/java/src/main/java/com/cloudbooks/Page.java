package com.cloudbooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One page of a cursor-paginated list, newest first. {@link #autoPagingIterable()} goes on
 * through the following pages, fetching each only when the iteration reaches it.
 *
 * <p>The next page is asked for on the list's own path at the client's base URL, with the
 * query of the server's {@code next} link (cursor, limit, filters): the credential never
 * goes to a host a link names.
 */
public final class Page<T> {
    private final List<T> data;
    private final String nextQuery;
    private final Function<String, Page<T>> fetch;

    Page(List<T> data, String nextQuery, Function<String, Page<T>> fetch) {
        this.data = Collections.unmodifiableList(data);
        this.nextQuery = nextQuery;
        this.fetch = fetch;
    }

    /** Fetches a page: {@code query} is the query string (no {@code ?}), or "" for the first. */
    static <T> Page<T> fetch(CloudBooks client, String path, String query, Function<JsonNode, T> parse,
                             RequestOptions options) {
        String target = query.isEmpty() ? path : path + "?" + query;
        JsonNode body = client.request("GET", target, null, options);
        List<T> items = new ArrayList<>();
        for (JsonNode item : body.path("results")) {
            items.add(parse.apply(item));
        }
        JsonNode next = body.path("next");
        String nextQuery = next.isTextual() && !next.asText().isEmpty()
                ? Optional.ofNullable(URI.create(next.asText()).getRawQuery()).orElse("")
                : null;
        return new Page<>(items, nextQuery, q -> fetch(client, path, q, parse, options));
    }

    /** The items of this page. */
    public List<T> data() {
        return data;
    }

    /** Whether the server has a next page. */
    public boolean hasMore() {
        return nextQuery != null;
    }

    /** The next page (one request), or empty at the end. */
    public Optional<Page<T>> nextPage() {
        return hasMore() ? Optional.of(fetch.apply(nextQuery)) : Optional.empty();
    }

    /** Every item from this page on; each further page is fetched when the iteration needs it. */
    public Iterable<T> autoPagingIterable() {
        return () -> new Iterator<>() {
            private Page<T> page = Page.this;
            private Iterator<T> items = page.data.iterator();

            @Override
            public boolean hasNext() {
                while (!items.hasNext()) {
                    if (!page.hasMore()) {
                        return false;
                    }
                    page = page.nextPage().orElseThrow();
                    items = page.data.iterator();
                }
                return true;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return items.next();
            }
        };
    }

    /** {@link #autoPagingIterable()} as a sequential, lazy stream. */
    public Stream<T> autoPagingStream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(autoPagingIterable().iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }
}
