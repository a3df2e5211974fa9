package cloudbooks

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Iter walks a paginated list lazily: it fetches the first page on the first call to Next
// and each following page only when the previous one is used up.
//
//	it := c.Projects.List(ctx, &cloudbooks.ProjectListParams{Limit: 50})
//	for it.Next() {
//		p := it.Current()
//		…
//	}
//	if err := it.Err(); err != nil { … }
//
// An Iter is for one goroutine.
type Iter[T any] struct {
	ctx   context.Context
	c     *Client
	path  string
	query url.Values
	opts  []Option

	buf   []T
	cur   T
	err   error
	done  bool
	pages int
}

func newIter[T any](ctx context.Context, c *Client, path string, query url.Values, opts []Option) *Iter[T] {
	return &Iter[T]{ctx: ctx, c: c, path: path, query: query, opts: opts}
}

// Next advances to the next item, fetching a page if needed; false at the end or on an
// error (see Err).
func (it *Iter[T]) Next() bool {
	for len(it.buf) == 0 {
		if it.err != nil || it.done {
			return false
		}
		it.fetch()
	}
	it.cur, it.buf = it.buf[0], it.buf[1:]
	return true
}

// Current is the item Next moved to.
func (it *Iter[T]) Current() T { return it.cur }

// Err is the error that ended the iteration, or nil.
func (it *Iter[T]) Err() error { return it.err }

// PagesFetched is how many pages have been requested so far.
func (it *Iter[T]) PagesFetched() int { return it.pages }

func (it *Iter[T]) fetch() {
	var page struct {
		Next    *string `json:"next"`
		Results []T     `json:"results"`
	}
	it.pages++
	if it.err = it.c.do(it.ctx, http.MethodGet, it.path, it.query, nil, &page, it.opts, true); it.err != nil {
		return
	}
	it.buf = page.Results
	if page.Next == nil || *page.Next == "" {
		it.done = true
		return
	}
	// Only the query of the next link is used (its cursor, limit and filters), on the
	// list's own path at the base URL: a link naming another host — a proxy's rewrite, or
	// worse — never receives the credential.
	next, err := url.Parse(*page.Next)
	if err != nil {
		it.err = err
		return
	}
	it.query = next.Query()
}

func pageQuery(limit int) url.Values {
	q := url.Values{}
	if limit != 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return q
}
