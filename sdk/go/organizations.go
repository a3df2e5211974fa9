package cloudbooks

import (
	"context"
	"net/http"
	"net/url"
)

// OrganizationsService is /organizations: those the caller belongs to.
type OrganizationsService struct{ c *Client }

// List iterates over the caller's organizations, newest first (GET /organizations).
func (s *OrganizationsService) List(ctx context.Context, params *OrganizationListParams, opts ...Option) *Iter[*Organization] {
	if params == nil {
		params = &OrganizationListParams{}
	}
	return newIter[*Organization](ctx, s.c, "organizations", pageQuery(params.Limit), opts)
}

// Create makes an organization; the caller becomes its owner (POST /organizations).
func (s *OrganizationsService) Create(ctx context.Context, params *OrganizationCreateParams, opts ...Option) (*Organization, error) {
	return s.send(ctx, http.MethodPost, "organizations", params, opts)
}

// Get is one organization (GET /organizations/{id}).
func (s *OrganizationsService) Get(ctx context.Context, id string, opts ...Option) (*Organization, error) {
	return s.send(ctx, http.MethodGet, orgPath(id), nil, opts)
}

// Update changes the fields that are set (PATCH /organizations/{id}; admins and owners).
func (s *OrganizationsService) Update(ctx context.Context, id string, params *OrganizationUpdateParams, opts ...Option) (*Organization, error) {
	if params == nil {
		params = &OrganizationUpdateParams{}
	}
	return s.send(ctx, http.MethodPatch, orgPath(id), params, opts)
}

// Replace replaces the organization (PUT /organizations/{id}; admins and owners).
func (s *OrganizationsService) Replace(ctx context.Context, id string, params *OrganizationReplaceParams, opts ...Option) (*Organization, error) {
	return s.send(ctx, http.MethodPut, orgPath(id), params, opts)
}

// Delete deletes the organization with its projects (DELETE /organizations/{id}; owners).
func (s *OrganizationsService) Delete(ctx context.Context, id string, opts ...Option) error {
	return s.c.do(ctx, http.MethodDelete, orgPath(id), nil, nil, nil, opts, true)
}

// Members is the members of one organization: c.Organizations.Members(id).List(ctx, nil).
func (s *OrganizationsService) Members(organizationID string) *MembersService {
	return &MembersService{c: s.c, path: orgPath(organizationID) + "/members"}
}

func (s *OrganizationsService) send(ctx context.Context, method, path string, body any, opts []Option) (*Organization, error) {
	o := new(Organization)
	if err := s.c.do(ctx, method, path, nil, body, o, opts, true); err != nil {
		return nil, err
	}
	return o, nil
}

func orgPath(id string) string { return "organizations/" + url.PathEscape(id) }

// MembersService is /organizations/{id}/members, addressed by user id.
type MembersService struct {
	c    *Client
	path string
}

// List iterates over the members, newest first.
func (s *MembersService) List(ctx context.Context, params *MemberListParams, opts ...Option) *Iter[*Member] {
	if params == nil {
		params = &MemberListParams{}
	}
	return newIter[*Member](ctx, s.c, s.path, pageQuery(params.Limit), opts)
}

// Create adds an existing user by email (admins and owners; only owners add owners).
func (s *MembersService) Create(ctx context.Context, params *MemberCreateParams, opts ...Option) (*Member, error) {
	return s.send(ctx, http.MethodPost, s.path, params, opts)
}

// Get is one member, by user id.
func (s *MembersService) Get(ctx context.Context, userID string, opts ...Option) (*Member, error) {
	return s.send(ctx, http.MethodGet, s.path+"/"+url.PathEscape(userID), nil, opts)
}

// Update changes a member's role; demoting the last owner is ErrConflict.
func (s *MembersService) Update(ctx context.Context, userID string, params *MemberUpdateParams, opts ...Option) (*Member, error) {
	if params == nil {
		params = &MemberUpdateParams{}
	}
	return s.send(ctx, http.MethodPatch, s.path+"/"+url.PathEscape(userID), params, opts)
}

// Delete removes a member, or leaves with the caller's own id (the last owner cannot:
// ErrConflict).
func (s *MembersService) Delete(ctx context.Context, userID string, opts ...Option) error {
	return s.c.do(ctx, http.MethodDelete, s.path+"/"+url.PathEscape(userID), nil, nil, nil, opts, true)
}

func (s *MembersService) send(ctx context.Context, method, path string, body any, opts []Option) (*Member, error) {
	m := new(Member)
	if err := s.c.do(ctx, method, path, nil, body, m, opts, true); err != nil {
		return nil, err
	}
	return m, nil
}
