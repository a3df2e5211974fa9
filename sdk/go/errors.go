package cloudbooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors, for errors.Is. An *Error matches the sentinel of its HTTP status; a
// *ConnectionError matches ErrConnection.
//
//	if errors.Is(err, cloudbooks.ErrNotFound) { ... }
var (
	ErrInvalidRequest       = errors.New("cloudbooks: invalid request")          // 400, 422
	ErrUnauthorized         = errors.New("cloudbooks: unauthorized")             // 401
	ErrForbidden            = errors.New("cloudbooks: forbidden")                // 403
	ErrNotFound             = errors.New("cloudbooks: not found")                // 404
	ErrMethodNotAllowed     = errors.New("cloudbooks: method not allowed")       // 405
	ErrConflict             = errors.New("cloudbooks: conflict")                 // 409
	ErrPayloadTooLarge      = errors.New("cloudbooks: payload too large")        // 413
	ErrUnsupportedMediaType = errors.New("cloudbooks: unsupported media type")   // 415
	ErrRateLimited          = errors.New("cloudbooks: rate limit exceeded")      // 429
	ErrInternal             = errors.New("cloudbooks: internal error")           // 500
	ErrServiceUnavailable   = errors.New("cloudbooks: service unavailable")      // 503
	ErrServer               = errors.New("cloudbooks: server error")             // any 5xx
	ErrConnection           = errors.New("cloudbooks: connection error")         // no answer
	ErrForeignOrigin        = errors.New("cloudbooks: URL outside the base URL") // refused, never sent
)

// Error is an error answer of the API: its HTTP status and the error envelope
// {"error": {"code", "message", "details", "request_id"}}.
//
// Use errors.As to read it, and errors.Is with the sentinels (ErrNotFound, …) to branch on
// the kind. Branch on Status and Code, never on Message (its wording may change).
type Error struct {
	Status    int            // HTTP status, e.g. 404
	Code      string         // stable code, e.g. "not_found"
	Message   string         // a sentence for people
	Details   map[string]any // what the error is about; empty when there is nothing to add
	RequestID string         // the request's id (X-Request-Id): quote it to support

	// RetryAfter is how long the server asked to wait (Retry-After), 0 when it did not say.
	RetryAfter time.Duration
	// RateLimit is the budget the response reported (429s and other metered answers), or nil.
	RateLimit *RateLimit
	// Header is the response's header.
	Header http.Header
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	s := fmt.Sprintf("cloudbooks: %d %s: %s", e.Status, e.Code, msg)
	if e.RequestID != "" {
		s += " (request " + e.RequestID + ")"
	}
	return s
}

// Is reports whether the error is of the kind a sentinel names, by HTTP status.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidRequest:
		return e.Status == http.StatusBadRequest || e.Status == http.StatusUnprocessableEntity
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrMethodNotAllowed:
		return e.Status == http.StatusMethodNotAllowed
	case ErrConflict:
		return e.Status == http.StatusConflict
	case ErrPayloadTooLarge:
		return e.Status == http.StatusRequestEntityTooLarge
	case ErrUnsupportedMediaType:
		return e.Status == http.StatusUnsupportedMediaType
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case ErrInternal:
		return e.Status == http.StatusInternalServerError
	case ErrServiceUnavailable:
		return e.Status == http.StatusServiceUnavailable
	case ErrServer:
		return e.Status >= 500
	}
	return false
}

// DetailString is Details[key] when it is a string ("" otherwise), e.g. DetailString("field").
func (e *Error) DetailString(key string) string {
	s, _ := e.Details[key].(string)
	return s
}

// ConnectionError is a request that got no HTTP answer: the connection was refused or
// broken, the per-request timeout passed, or the call's context ended. It wraps the cause (errors.Is works through it,
// e.g. with context.DeadlineExceeded) and matches ErrConnection.
type ConnectionError struct {
	Err error
}

func (e *ConnectionError) Error() string {
	return "cloudbooks: could not reach the API: " + e.Err.Error()
}

func (e *ConnectionError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrConnection) true.
func (e *ConnectionError) Is(target error) bool { return target == ErrConnection }

// Timeout reports whether the request timed out.
func (e *ConnectionError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.Err, &t) && t.Timeout()
}

var codeByStatus = map[int]string{
	400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
	405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
	415: "unsupported_media_type", 422: "invalid_request", 429: "rate_limit_exceeded",
	500: "internal_error", 502: "bad_gateway", 503: "service_unavailable", 504: "gateway_timeout",
}

// errorFromResponse reads the envelope; a body that is not one (a proxy's HTML page) still
// gives an *Error with the status, a code derived from it and the request id header.
func errorFromResponse(resp *http.Response, body []byte) *Error {
	e := &Error{
		Status:     resp.StatusCode,
		Header:     resp.Header,
		RequestID:  resp.Header.Get("X-Request-Id"),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		RateLimit:  rateLimitFromHeader(resp.Header),
	}
	var envelope struct {
		Error struct {
			Code      string         `json:"code"`
			Message   string         `json:"message"`
			Details   map[string]any `json:"details"`
			RequestID string         `json:"request_id"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &envelope) == nil && envelope.Error.Code != "" {
		e.Code = envelope.Error.Code
		e.Message = envelope.Error.Message
		e.Details = envelope.Error.Details
		if envelope.Error.RequestID != "" {
			e.RequestID = envelope.Error.RequestID
		}
	} else {
		e.Code = codeByStatus[resp.StatusCode]
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			e.Code = "redirect_not_followed"
		}
		e.Message = strings.TrimSpace(http.StatusText(resp.StatusCode))
	}
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	return e
}

// parseRetryAfter reads delta-seconds or an HTTP date; 0 when absent or unreadable.
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(value, 64); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if when, err := http.ParseTime(value); err == nil {
		if d := when.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
