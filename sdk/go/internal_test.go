package cloudbooks

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestRetryAfterIsReadAsSecondsOrAnHTTPDate(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	for value, want := range map[string]time.Duration{
		"":     0,
		"1":    time.Second,
		"2.5":  2500 * time.Millisecond,
		"-3":   0,
		"soon": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):     0,
	} {
		if got := parseRetryAfter(value, now); got != want {
			t.Errorf("Retry-After %q: %v, want %v", value, got, want)
		}
	}
}

func TestEachStatusMatchesItsSentinelOnly(t *testing.T) {
	sentinels := map[int]error{
		400: ErrInvalidRequest, 422: ErrInvalidRequest, 401: ErrUnauthorized, 403: ErrForbidden,
		404: ErrNotFound, 405: ErrMethodNotAllowed, 409: ErrConflict, 413: ErrPayloadTooLarge,
		415: ErrUnsupportedMediaType, 429: ErrRateLimited, 500: ErrInternal, 503: ErrServiceUnavailable,
	}
	all := []error{ErrInvalidRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrMethodNotAllowed,
		ErrConflict, ErrPayloadTooLarge, ErrUnsupportedMediaType, ErrRateLimited, ErrInternal,
		ErrServiceUnavailable, ErrConnection}
	for status, want := range sentinels {
		var err error = &Error{Status: status}
		for _, sentinel := range all {
			if got := errors.Is(err, sentinel); got != (sentinel == want) {
				t.Errorf("%d is %v: %v", status, sentinel, got)
			}
		}
		if errors.Is(err, ErrServer) != (status >= 500) {
			t.Errorf("%d and ErrServer", status)
		}
	}
	if !errors.Is(&ConnectionError{Err: errors.New("refused")}, ErrConnection) {
		t.Error("a ConnectionError is not ErrConnection")
	}
}

func TestAnAnswerThatIsNotAnEnvelopeStillGivesAnError(t *testing.T) {
	resp := &http.Response{StatusCode: 502, Header: http.Header{"X-Request-Id": {"req_1"}}}
	e := errorFromResponse(resp, []byte("<html>Bad Gateway</html>"))
	if e.Code != "bad_gateway" || e.Message == "" || e.RequestID != "req_1" || e.Details == nil {
		t.Fatalf("%#v", e)
	}
}

func TestBackoffGrowsWithJitterUpToItsCeiling(t *testing.T) {
	c := NewClient(WithBaseURL("http://127.0.0.1:1/v1"))
	s := c.settingsFor([]Option{WithRetryBackoff(time.Second, 4*time.Second)})
	for attempt, ceiling := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second} {
		for i := 0; i < 50; i++ {
			if d := c.backoff(s, attempt); d < ceiling/2 || d > ceiling {
				t.Fatalf("attempt %d waits %v, not within [%v, %v]", attempt, d, ceiling/2, ceiling)
			}
		}
	}
}

func TestOnlyTheBaseURLsOriginGetsTheCredential(t *testing.T) {
	c := NewClient(WithBaseURL("http://127.0.0.1:8000/v1/"))
	for path, want := range map[string]string{
		"users/me":                        "http://127.0.0.1:8000/v1/users/me",
		"/projects":                       "http://127.0.0.1:8000/v1/projects",
		"http://127.0.0.1:8000/v1/x?a=1":  "http://127.0.0.1:8000/v1/x?a=1",
		"http://127.0.0.1:8001/v1/x":      "",
		"https://127.0.0.1:8000/v1/x":     "",
		"http://localhost:8000/v1/x":      "",
		"http://127.0.0.1:8000@evil/v1/x": "",
	} {
		got, err := c.resolve(path, url.Values{})
		if want == "" {
			if !errors.Is(err, ErrForeignOrigin) {
				t.Errorf("%s: %q, %v; want ErrForeignOrigin", path, got, err)
			}
		} else if got != want || err != nil {
			t.Errorf("%s: %q, %v; want %q", path, got, err, want)
		}
	}
	if err := NewClient(WithBaseURL("127.0.0.1:8000")).Do(context.Background(), "GET", "users/me", nil, nil); err == nil {
		t.Error("a base URL without a scheme was accepted")
	}
}
