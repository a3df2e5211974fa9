// Package cloudbooks is the official Go client of the CloudBooks API.
//
// Make a client with an API key (by default from the CLOUDBOOKS_API_KEY environment
// variable), or log in with an email and password:
//
//	c := cloudbooks.NewClient(cloudbooks.WithAPIKey("sk_live_…"))
//	c, err := cloudbooks.Login(ctx, "you@example.com", "password")
//
// The API's resources are fields of the client: c.Users, c.Organizations (and
// c.Organizations.Members(orgID)), c.Projects and c.Auth. Every call takes a context.
//
// A Client is safe for concurrent use by several goroutines. It renews a login's access
// token by itself (once, under a lock, however many goroutines need it), sends an
// Idempotency-Key with every POST, and retries what may be retried (see WithMaxRetries).
// Errors of the API are *Error values; compare them with errors.Is and the sentinels
// (ErrNotFound, ErrRateLimited, …) or read them with errors.As.
package cloudbooks

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mathrand "math/rand"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Version is this SDK's version, sent in the User-Agent.
const Version = "0.1.0"

// DefaultBaseURL is the API's address when neither WithBaseURL nor CLOUDBOOKS_BASE_URL says.
const DefaultBaseURL = "https://api.cloudbooks.com/v1"

// Defaults of the retry policy (see WithMaxRetries, WithRetryBackoff, WithMaxRetryAfter).
const (
	DefaultMaxRetries    = 2
	DefaultBackoffBase   = 500 * time.Millisecond
	DefaultBackoffMax    = 8 * time.Second
	DefaultMaxRetryAfter = 60 * time.Second
	DefaultTimeout       = 30 * time.Second
)

// refreshLeeway: a login's access token is renewed this long before it expires, so a
// request does not race its expiry.
const refreshLeeway = 30 * time.Second

// Option configures a Client (NewClient, Login) or one call (every method takes
// ...Option). Options about the connection — WithBaseURL, WithHTTPClient — only apply to
// the client.
type Option func(*settings)

type settings struct {
	apiKey        string
	apiKeySet     bool
	baseURL       string
	httpClient    *http.Client
	timeout       time.Duration
	maxRetries    int
	backoffBase   time.Duration
	backoffMax    time.Duration
	maxRetryAfter time.Duration
	sleep         func(context.Context, time.Duration) error
	headers       http.Header
	idemKey       string
	noIdemKey     bool
	responseInto  *Response
}

// WithAPIKey sets the API key (default: the CLOUDBOOKS_API_KEY environment variable).
func WithAPIKey(key string) Option {
	return func(s *settings) { s.apiKey, s.apiKeySet = key, true }
}

// WithBaseURL sets the API's address, e.g. "http://127.0.0.1:8000/v1" (default: the
// CLOUDBOOKS_BASE_URL environment variable, else DefaultBaseURL). The client sends its
// credential to this origin only.
func WithBaseURL(u string) Option {
	return func(s *settings) { s.baseURL = u }
}

// WithHTTPClient sets the *http.Client used to send requests (its redirect policy is
// replaced: a redirect to another origin is never followed).
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) { s.httpClient = hc }
}

// WithTimeout bounds each attempt of a request (default DefaultTimeout; 0: no bound but
// the context's). A timed-out attempt is a *ConnectionError and may be retried.
func WithTimeout(d time.Duration) Option {
	return func(s *settings) { s.timeout = d }
}

// WithMaxRetries sets how many times a request is retried (default DefaultMaxRetries; 0
// turns retries off). Retried: GET, HEAD, OPTIONS, PUT and DELETE, and POSTs that carry an
// Idempotency-Key (all of them, unless WithoutIdempotencyKey); PATCH is not retried. They
// are retried after a connection error, a 429, or a 500, 502, 503 or 504.
func WithMaxRetries(n int) Option {
	return func(s *settings) {
		if n < 0 {
			n = 0
		}
		s.maxRetries = n
	}
}

// WithRetryBackoff sets the exponential backoff between retries: attempt n waits between
// half and all of min(max, base·2ⁿ) (equal jitter).
func WithRetryBackoff(base, max time.Duration) Option {
	return func(s *settings) { s.backoffBase, s.backoffMax = base, max }
}

// WithMaxRetryAfter is the longest Retry-After the client waits for on its own (default
// DefaultMaxRetryAfter); a longer one returns the error at once (e.g. an hourly budget spent).
func WithMaxRetryAfter(d time.Duration) Option {
	return func(s *settings) { s.maxRetryAfter = d }
}

// WithSleep replaces how the client waits between attempts (tests record the delays).
// It should return ctx.Err() if the context ends first.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(s *settings) { s.sleep = sleep }
}

// WithHeader adds a header to requests (to every request of a client, or to one call).
func WithHeader(key, value string) Option {
	return func(s *settings) {
		s.headers = s.headers.Clone()
		if s.headers == nil {
			s.headers = http.Header{}
		}
		s.headers.Set(key, value)
	}
}

// WithIdempotencyKey sets a call's Idempotency-Key (POST) instead of a generated one.
func WithIdempotencyKey(key string) Option {
	return func(s *settings) { s.idemKey, s.noIdemKey = key, false }
}

// WithoutIdempotencyKey sends a POST without an Idempotency-Key; it is then never retried.
func WithoutIdempotencyKey() Option {
	return func(s *settings) { s.idemKey, s.noIdemKey = "", true }
}

// WithResponseInto stores the metadata of a call's answer (request id, rate limit,
// replay flag) in *r once the call is answered, errors included.
func WithResponseInto(r *Response) Option {
	return func(s *settings) { s.responseInto = r }
}

// Client talks to the CloudBooks API. Make one with NewClient or Login; it is safe for
// concurrent use.
type Client struct {
	Users         *UsersService
	Organizations *OrganizationsService
	Projects      *ProjectsService
	Auth          *AuthService

	cfg     settings
	base    *url.URL
	baseErr error
	http    *http.Client

	mu      sync.Mutex // guards session, user, last
	session *session
	user    *User
	last    *Response

	refreshMu sync.Mutex // one renewal at a time

	randMu sync.Mutex
	rand   *mathrand.Rand
}

type session struct {
	access, refresh string
	expiresAt       time.Time
	refreshAt       time.Time
}

// Tokens are a login's current tokens.
type Tokens struct {
	AccessToken  string
	RefreshToken string
	ExpiresAt    time.Time // of the access token
}

type tokenResponse struct {
	Token     string `json:"token"`
	Refresh   string `json:"refresh"`
	ExpiresIn int    `json:"expires_in"`
	User      *User  `json:"user"`
}

func newSession(t tokenResponse, now time.Time) *session {
	life := time.Duration(t.ExpiresIn) * time.Second
	leeway := refreshLeeway
	if life/2 < leeway {
		leeway = life / 2
	}
	return &session{
		access:    t.Token,
		refresh:   t.Refresh,
		expiresAt: now.Add(life),
		refreshAt: now.Add(life - leeway),
	}
}

// NewClient makes a client. Without WithAPIKey it uses the CLOUDBOOKS_API_KEY environment
// variable. An invalid base URL makes every call fail with an error saying so.
func NewClient(opts ...Option) *Client {
	s := settings{
		timeout:       DefaultTimeout,
		maxRetries:    DefaultMaxRetries,
		backoffBase:   DefaultBackoffBase,
		backoffMax:    DefaultBackoffMax,
		maxRetryAfter: DefaultMaxRetryAfter,
		sleep:         sleepContext,
	}
	for _, opt := range opts {
		opt(&s)
	}
	if !s.apiKeySet {
		s.apiKey = os.Getenv("CLOUDBOOKS_API_KEY")
	}
	if s.baseURL == "" {
		s.baseURL = os.Getenv("CLOUDBOOKS_BASE_URL")
	}
	if s.baseURL == "" {
		s.baseURL = DefaultBaseURL
	}
	c := &Client{cfg: s, rand: mathrand.New(mathrand.NewSource(time.Now().UnixNano()))}
	c.base, c.baseErr = url.Parse(strings.TrimRight(s.baseURL, "/"))
	if c.baseErr == nil && (c.base.Scheme != "http" && c.base.Scheme != "https" || c.base.Host == "") {
		c.baseErr = fmt.Errorf("cloudbooks: base URL %q is not an http(s) URL", s.baseURL)
	}
	hc := http.DefaultClient
	if s.httpClient != nil {
		hc = s.httpClient
	}
	copied := *hc
	copied.CheckRedirect = c.checkRedirect
	c.http = &copied

	c.Users = &UsersService{c}
	c.Organizations = &OrganizationsService{c}
	c.Projects = &ProjectsService{c}
	c.Auth = &AuthService{c}
	return c
}

// Login makes a client signed in with an email and password (POST /auth/login). It keeps
// the refresh token and renews the access token by itself. It never falls back on
// CLOUDBOOKS_API_KEY.
func Login(ctx context.Context, email, password string, opts ...Option) (*Client, error) {
	c := NewClient(append([]Option{WithAPIKey("")}, opts...)...)
	c.cfg.apiKey = ""
	if err := c.Auth.Login(ctx, email, password); err != nil {
		return nil, err
	}
	return c, nil
}

// User is the user a login returned (nil for an API-key client).
func (c *Client) User() *User {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.user
}

// Tokens are the login's current tokens (ok is false for an API-key client).
func (c *Client) Tokens() (t Tokens, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == nil {
		return Tokens{}, false
	}
	return Tokens{c.session.access, c.session.refresh, c.session.expiresAt}, true
}

// LastResponse is the metadata of the latest answer to an authenticated request of this
// client (nil before the first). With several goroutines, prefer WithResponseInto.
func (c *Client) LastResponse() *Response {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// BaseURL is the API address the client talks to.
func (c *Client) BaseURL() string { return c.cfg.baseURL }

// Do calls any endpoint: path is relative to the base URL ("projects") or an absolute URL
// of the same origin (a URL of another origin is refused with ErrForeignOrigin, never
// sent). body is JSON-encoded, except a []byte which is sent as it is (set its type with
// WithHeader("Content-Type", …)). out, if not nil, receives the decoded JSON answer.
func (c *Client) Do(ctx context.Context, method, path string, body, out any, opts ...Option) error {
	return c.do(ctx, strings.ToUpper(method), path, nil, body, out, opts, true)
}

func (c *Client) settingsFor(opts []Option) settings {
	s := c.cfg
	for _, opt := range opts {
		opt(&s)
	}
	return s
}

func (c *Client) origin() string { return c.base.Scheme + "://" + c.base.Host }

func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

// checkRedirect follows a redirect only within the base URL's origin: the credential
// never goes elsewhere.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if !sameOrigin(req.URL, c.base) {
		return http.ErrUseLastResponse
	}
	return nil
}

func (c *Client) resolve(path string, query url.Values) (string, error) {
	if c.baseErr != nil {
		return "", c.baseErr
	}
	var target string
	if strings.Contains(path, "://") {
		u, err := url.Parse(path)
		if err != nil {
			return "", fmt.Errorf("cloudbooks: %w", err)
		}
		if !sameOrigin(u, c.base) {
			return "", fmt.Errorf("%w: %s is not on %s", ErrForeignOrigin, u.Scheme+"://"+u.Host, c.origin())
		}
		target = u.String()
	} else {
		target = c.base.String() + "/" + strings.TrimLeft(path, "/")
	}
	if len(query) > 0 {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + query.Encode()
	}
	return target, nil
}

var retryableMethods = map[string]bool{"GET": true, "HEAD": true, "OPTIONS": true, "PUT": true, "DELETE": true}

var retryableStatuses = map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true}

func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any, opts []Option, authenticated bool) error {
	s := c.settingsFor(opts)
	target, err := c.resolve(path, query)
	if err != nil {
		return err
	}
	var payload []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		payload = b
	default:
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("cloudbooks: encoding the request: %w", err)
		}
	}
	idemKey := ""
	if method == http.MethodPost && !s.noIdemKey {
		idemKey = s.idemKey
		if idemKey == "" {
			idemKey = newUUID()
		}
	}
	// A POST may be retried only because its key makes the server answer a repeat
	// with the first answer instead of doing the write twice.
	retryable := retryableMethods[method] || idemKey != ""
	renewed := false
	for attempt := 0; ; {
		bearer := ""
		if authenticated {
			if bearer, err = c.bearer(ctx, s); err != nil {
				return err
			}
		}
		resp, respBody, err := c.send(ctx, s, method, target, payload, idemKey, bearer)
		if err != nil {
			if ctx.Err() != nil { // the caller gave up: no retry
				return &ConnectionError{Err: ctx.Err()}
			}
			if retryable && attempt < s.maxRetries {
				if err := s.sleep(ctx, c.backoff(s, attempt)); err != nil {
					return &ConnectionError{Err: err}
				}
				attempt++
				continue
			}
			return &ConnectionError{Err: err}
		}
		meta := newResponse(resp, attempt+1)
		if s.responseInto != nil {
			*s.responseInto = *meta
		}
		if authenticated {
			c.mu.Lock()
			c.last = meta
			c.mu.Unlock()
		}
		if resp.StatusCode == http.StatusUnauthorized && authenticated && !renewed && c.hasSession() {
			// Expired or revoked before our clock said so: renew once, send once more.
			renewed = true
			if err := c.refresh(ctx, bearer); err != nil {
				return err
			}
			continue
		}
		if retryableStatuses[resp.StatusCode] && retryable && attempt < s.maxRetries {
			if delay, ok := c.retryDelay(s, attempt, resp); ok {
				if err := s.sleep(ctx, delay); err != nil {
					return &ConnectionError{Err: err}
				}
				attempt++
				continue
			}
		}
		if resp.StatusCode >= 300 {
			e := errorFromResponse(resp, respBody)
			if resp.StatusCode < 400 {
				e.Message = "a redirect to " + resp.Header.Get("Location") + " was not followed: it leaves " + c.origin()
			}
			return e
		}
		if out != nil && len(bytes.TrimSpace(respBody)) > 0 {
			if err := json.Unmarshal(respBody, out); err != nil {
				return fmt.Errorf("cloudbooks: decoding the answer to %s %s (request %s): %w", method, path, meta.RequestID, err)
			}
		}
		return nil
	}
}

// send makes one attempt and reads the whole answer (within the per-attempt timeout).
func (c *Client) send(ctx context.Context, s settings, method, target string, payload []byte, idemKey, bearer string) (*http.Response, []byte, error) {
	if s.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	var reader io.Reader
	if payload != nil {
		reader = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, reader)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", "cloudbooks-go/"+Version+" "+runtime.Version())
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	for key, values := range s.headers {
		req.Header[key] = append([]string(nil), values...)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	return resp, body, nil
}

func (c *Client) hasSession() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.session != nil
}

// bearer is the credential for the next request, renewing a login's token when it is due.
func (c *Client) bearer(ctx context.Context, s settings) (string, error) {
	c.mu.Lock()
	sess := c.session
	c.mu.Unlock()
	if sess == nil {
		return s.apiKey, nil
	}
	if time.Now().After(sess.refreshAt) {
		if err := c.refresh(ctx, sess.access); err != nil {
			if time.Now().Before(sess.expiresAt) {
				// Renewal is early by design: the token still works, so the call goes on
				// and a later one tries again.
				return sess.access, nil
			}
			return "", err
		}
		c.mu.Lock()
		sess = c.session
		c.mu.Unlock()
		if sess == nil {
			return "", &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "logged out", Details: map[string]any{}}
		}
	}
	return sess.access, nil
}

// refresh renews the login's tokens, once however many goroutines ask: a caller that saw
// the access token stale finds, once it holds the lock, that another has already renewed
// it, and returns. stale == "" renews unconditionally.
func (c *Client) refresh(ctx context.Context, stale string) error {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	c.mu.Lock()
	sess := c.session
	c.mu.Unlock()
	if sess == nil {
		return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "this client has no login to renew", Details: map[string]any{}}
	}
	if stale != "" && sess.access != stale {
		return nil
	}
	var tokens tokenResponse
	// Never retried: a refresh token is used up by the first attempt that reaches the
	// server, and presenting it again revokes the whole login.
	err := c.do(ctx, http.MethodPost, "auth/refresh", nil, map[string]string{"refresh": sess.refresh}, &tokens, []Option{WithMaxRetries(0)}, false)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.session = newSession(tokens, time.Now())
	c.mu.Unlock()
	return nil
}

func (c *Client) backoff(s settings, attempt int) time.Duration {
	ceiling := s.backoffBase << uint(attempt)
	if ceiling > s.backoffMax || ceiling <= 0 {
		ceiling = s.backoffMax
	}
	half := ceiling / 2
	c.randMu.Lock()
	defer c.randMu.Unlock()
	return half + time.Duration(c.rand.Int63n(int64(half)+1))
}

// retryDelay honours Retry-After up to the ceiling; beyond it, ok is false: give up now.
func (c *Client) retryDelay(s settings, attempt int, resp *http.Response) (time.Duration, bool) {
	if after := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); after > 0 {
		return after, after <= s.maxRetryAfter
	}
	return c.backoff(s, attempt), true
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newUUID is a random (version 4) UUID, for Idempotency-Keys.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("cloudbooks: no randomness: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
