package cloudbooks

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// User is the authenticated caller (Users.Me).
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Plan      string    `json:"plan"` // "free", "pro" or "enterprise"
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PublicUser is another user, as someone sharing an organization with them sees them.
type PublicUser struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// Organization roles.
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// Organization is an organization the caller belongs to.
type Organization struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Slug        string    `json:"slug"`
	Description string    `json:"description"`
	Role        string    `json:"role"` // the caller's role: RoleOwner, RoleAdmin or RoleMember
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Member is a user's membership of an organization, addressed by the user's id.
type Member struct {
	User      PublicUser `json:"user"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"created_at"` // when they joined
	UpdatedAt time.Time  `json:"updated_at"`
}

// Project belongs to one organization.
type Project struct {
	ID           string    `json:"id"`
	Organization string    `json:"organization"` // the organization's id
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	CreatedBy    *string   `json:"created_by"` // the creator's user id; nil once that account is gone
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Credential types of Whoami.
const (
	CredentialAccessToken = "access_token"
	CredentialAPIKey      = "api_key"
)

// Credential is the credential a request was made with (Auth.Whoami).
type Credential struct {
	Type      string     `json:"type"`  // CredentialAccessToken or CredentialAPIKey
	ID        string     `json:"id"`    // the API key's id, or the login's id
	Scope     string     `json:"scope"` // "read_write" or "read_only"
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"` // nil: never

	// APIKey holds the fields only an API key has; nil for an access token.
	APIKey *APIKeyDetails `json:"-"`
}

// APIKeyDetails are the fields of a Credential of type CredentialAPIKey.
type APIKeyDetails struct {
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// WhoamiRateLimit is the budget after the whoami request. Limit, Remaining and Reset are
// nil on unlimited plans.
type WhoamiRateLimit struct {
	Plan      string `json:"plan"`
	Limit     *int   `json:"limit"`
	Remaining *int   `json:"remaining"`
	Reset     *int64 `json:"reset"` // Unix seconds
}

// Whoami says who the caller is and with what credential (Auth.Whoami).
type Whoami struct {
	User       User            `json:"user"`
	Credential Credential      `json:"credential"`
	RateLimit  WhoamiRateLimit `json:"rate_limit"`
}

// RateLimit is the caller's hourly budget as a response reported it (X-RateLimit-*).
type RateLimit struct {
	Limit     int       // requests allowed this hour
	Remaining int       // requests left
	Reset     time.Time // when the budget renews
}

// rateLimitFromHeader is nil when the headers are absent (unlimited plans, anonymous calls).
func rateLimitFromHeader(h http.Header) *RateLimit {
	limit, err1 := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	remaining, err2 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	reset, err3 := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil
	}
	return &RateLimit{Limit: limit, Remaining: remaining, Reset: time.Unix(reset, 0)}
}

// Response describes one HTTP answer of the API: pass WithResponseInto(&r) to a call to
// get it, or read Client.LastResponse.
type Response struct {
	StatusCode int
	Header     http.Header
	RequestID  string     // X-Request-Id
	RateLimit  *RateLimit // nil on unlimited plans and for unauthenticated calls
	// Replayed is true when the answer is a saved one for a repeated Idempotency-Key.
	Replayed bool
	// Attempts is how many times the request was sent (1 without retries).
	Attempts int
}

func newResponse(resp *http.Response, attempts int) *Response {
	return &Response{
		StatusCode: resp.StatusCode,
		Header:     resp.Header,
		RequestID:  resp.Header.Get("X-Request-Id"),
		RateLimit:  rateLimitFromHeader(resp.Header),
		Replayed:   resp.Header.Get("Idempotent-Replayed") == "true",
		Attempts:   attempts,
	}
}

// UnmarshalJSON fills APIKey for a credential of type CredentialAPIKey.
func (c *Credential) UnmarshalJSON(data []byte) error {
	type plain Credential // without this method
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*c = Credential(p)
	if c.Type == CredentialAPIKey {
		var details APIKeyDetails
		if err := json.Unmarshal(data, &details); err != nil {
			return err
		}
		c.APIKey = &details
	}
	return nil
}
