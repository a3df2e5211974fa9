package cloudbooks

import (
	"context"
	"net/http"
	"time"
)

// AuthService is /auth: log in, renew, log out, and who the caller is.
type AuthService struct{ c *Client }

// Login signs the client in with an email and password (POST /auth/login); from then on it
// uses the login's access token, renewed by itself, instead of any API key. Most programs
// call the package-level Login instead.
func (s *AuthService) Login(ctx context.Context, email, password string, opts ...Option) error {
	var t tokenResponse
	body := map[string]string{"email": email, "password": password}
	if err := s.c.do(ctx, http.MethodPost, "auth/login", nil, body, &t, opts, false); err != nil {
		return err
	}
	s.c.mu.Lock()
	s.c.session = newSession(t, time.Now())
	s.c.user = t.User
	s.c.mu.Unlock()
	return nil
}

// Refresh renews the login's access token now (POST /auth/refresh). The client does it by
// itself when the token is about to expire or is refused; this is for the impatient.
func (s *AuthService) Refresh(ctx context.Context) error {
	return s.c.refresh(ctx, "")
}

// Logout revokes the login's access and refresh tokens (POST /auth/logout) and forgets
// them. With an API key the server refuses it (ErrForbidden): revoke keys in the dashboard.
func (s *AuthService) Logout(ctx context.Context, opts ...Option) error {
	var body map[string]string
	if t, ok := s.c.Tokens(); ok {
		body = map[string]string{"refresh": t.RefreshToken}
	} else {
		body = map[string]string{}
	}
	if err := s.c.do(ctx, http.MethodPost, "auth/logout", nil, body, nil, opts, true); err != nil {
		return err
	}
	s.c.mu.Lock()
	s.c.session = nil
	s.c.mu.Unlock()
	return nil
}

// Whoami is the caller, the credential used and the rate-limit budget (GET /auth/whoami).
func (s *AuthService) Whoami(ctx context.Context, opts ...Option) (*Whoami, error) {
	w := new(Whoami)
	if err := s.c.do(ctx, http.MethodGet, "auth/whoami", nil, nil, w, opts, true); err != nil {
		return nil, err
	}
	return w, nil
}
