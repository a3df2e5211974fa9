package cloudbooks

import (
	"context"
	"net/http"
	"net/url"
)

// UsersService is /users: the caller's account, and users who share an organization
// with the caller.
type UsersService struct{ c *Client }

// Me is the caller (GET /users/me).
func (s *UsersService) Me(ctx context.Context, opts ...Option) (*User, error) {
	u := new(User)
	if err := s.c.do(ctx, http.MethodGet, "users/me", nil, nil, u, opts, true); err != nil {
		return nil, err
	}
	return u, nil
}

// Update changes the caller's fields that are set (PATCH /users/me).
func (s *UsersService) Update(ctx context.Context, params *UserUpdateParams, opts ...Option) (*User, error) {
	if params == nil {
		params = &UserUpdateParams{}
	}
	u := new(User)
	if err := s.c.do(ctx, http.MethodPatch, "users/me", nil, params, u, opts, true); err != nil {
		return nil, err
	}
	return u, nil
}

// Replace replaces the caller's name and email (PUT /users/me).
func (s *UsersService) Replace(ctx context.Context, params *UserReplaceParams, opts ...Option) (*User, error) {
	u := new(User)
	if err := s.c.do(ctx, http.MethodPut, "users/me", nil, params, u, opts, true); err != nil {
		return nil, err
	}
	return u, nil
}

// Delete deletes the caller's account (DELETE /users/me); its keys and tokens stop working
// at once. ErrConflict while the caller is the only owner of an organization with other
// members (Details["organizations"] lists them).
func (s *UsersService) Delete(ctx context.Context, opts ...Option) error {
	return s.c.do(ctx, http.MethodDelete, "users/me", nil, nil, nil, opts, true)
}

// Get is the caller or a user sharing an organization with the caller (GET /users/{id});
// anyone else is ErrNotFound.
func (s *UsersService) Get(ctx context.Context, id string, opts ...Option) (*PublicUser, error) {
	u := new(PublicUser)
	if err := s.c.do(ctx, http.MethodGet, "users/"+url.PathEscape(id), nil, nil, u, opts, true); err != nil {
		return nil, err
	}
	return u, nil
}
