package cloudbooks

import (
	"context"
	"net/http"
	"net/url"
)

// ProjectsService is /projects: the projects of the caller's organizations.
type ProjectsService struct{ c *Client }

// List iterates over the projects, newest first, of one organization when
// params.Organization is set (GET /projects). An organization the caller does not belong
// to gives an empty list.
func (s *ProjectsService) List(ctx context.Context, params *ProjectListParams, opts ...Option) *Iter[*Project] {
	if params == nil {
		params = &ProjectListParams{}
	}
	q := pageQuery(params.Limit)
	if params.Organization != "" {
		q.Set("organization", params.Organization)
	}
	return newIter[*Project](ctx, s.c, "projects", q, opts)
}

// Create makes a project in an organization the caller belongs to (POST /projects).
func (s *ProjectsService) Create(ctx context.Context, params *ProjectCreateParams, opts ...Option) (*Project, error) {
	return s.send(ctx, http.MethodPost, "projects", params, opts)
}

// Get is one project (GET /projects/{id}).
func (s *ProjectsService) Get(ctx context.Context, id string, opts ...Option) (*Project, error) {
	return s.send(ctx, http.MethodGet, projectPath(id), nil, opts)
}

// Update changes the fields that are set (PATCH /projects/{id}).
func (s *ProjectsService) Update(ctx context.Context, id string, params *ProjectUpdateParams, opts ...Option) (*Project, error) {
	if params == nil {
		params = &ProjectUpdateParams{}
	}
	return s.send(ctx, http.MethodPatch, projectPath(id), params, opts)
}

// Replace replaces the project (PUT /projects/{id}).
func (s *ProjectsService) Replace(ctx context.Context, id string, params *ProjectReplaceParams, opts ...Option) (*Project, error) {
	return s.send(ctx, http.MethodPut, projectPath(id), params, opts)
}

// Delete deletes the project (DELETE /projects/{id}; admins and owners).
func (s *ProjectsService) Delete(ctx context.Context, id string, opts ...Option) error {
	return s.c.do(ctx, http.MethodDelete, projectPath(id), nil, nil, nil, opts, true)
}

func (s *ProjectsService) send(ctx context.Context, method, path string, body any, opts []Option) (*Project, error) {
	p := new(Project)
	if err := s.c.do(ctx, method, path, nil, body, p, opts, true); err != nil {
		return nil, err
	}
	return p, nil
}

func projectPath(id string) string { return "projects/" + url.PathEscape(id) }
