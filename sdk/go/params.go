package cloudbooks

// String returns a pointer to s, for the optional fields of params:
//
//	&cloudbooks.ProjectUpdateParams{Description: cloudbooks.String("")}
//
// A nil field is left out of the request (unchanged); a pointer to "" sets it to empty.
func String(s string) *string { return &s }

// StringValue is *p, or "" when p is nil.
func StringValue(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// UserUpdateParams changes the fields that are set (PATCH /users/me). A new Password
// needs the CurrentPassword.
type UserUpdateParams struct {
	Name            *string `json:"name,omitempty"`
	Email           *string `json:"email,omitempty"`
	Password        *string `json:"password,omitempty"`
	CurrentPassword *string `json:"current_password,omitempty"`
}

// UserReplaceParams replaces the caller's account (PUT /users/me): Name and Email are required.
type UserReplaceParams struct {
	Name            string  `json:"name"`
	Email           string  `json:"email"`
	Password        *string `json:"password,omitempty"`
	CurrentPassword *string `json:"current_password,omitempty"`
}

// OrganizationListParams pages the caller's organizations. Limit is the page size (1-100;
// 0 means the server's default, 20).
type OrganizationListParams struct {
	Limit int
}

// OrganizationCreateParams creates an organization; Slug is derived from Name when nil.
type OrganizationCreateParams struct {
	Name        string  `json:"name"`
	Slug        *string `json:"slug,omitempty"`
	Description *string `json:"description,omitempty"`
}

// OrganizationUpdateParams changes the fields that are set (PATCH).
type OrganizationUpdateParams struct {
	Name        *string `json:"name,omitempty"`
	Slug        *string `json:"slug,omitempty"`
	Description *string `json:"description,omitempty"`
}

// OrganizationReplaceParams replaces an organization (PUT): Name is required.
type OrganizationReplaceParams struct {
	Name        string  `json:"name"`
	Slug        *string `json:"slug,omitempty"`
	Description *string `json:"description,omitempty"`
}

// MemberListParams pages an organization's members.
type MemberListParams struct {
	Limit int
}

// MemberCreateParams adds an existing user by email; Role defaults to RoleMember.
type MemberCreateParams struct {
	Email string `json:"email"`
	Role  string `json:"role,omitempty"`
}

// MemberUpdateParams changes a member's role.
type MemberUpdateParams struct {
	Role *string `json:"role,omitempty"`
}

// ProjectListParams pages the caller's projects, of one Organization when it is set.
type ProjectListParams struct {
	Organization string
	Limit        int
}

// ProjectCreateParams creates a project in an organization the caller belongs to.
type ProjectCreateParams struct {
	Organization string  `json:"organization"`
	Name         string  `json:"name"`
	Description  *string `json:"description,omitempty"`
}

// ProjectUpdateParams changes the fields that are set (PATCH). A project cannot move to
// another organization.
type ProjectUpdateParams struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
}

// ProjectReplaceParams replaces a project (PUT): Organization (its own) and Name are required.
type ProjectReplaceParams struct {
	Organization string  `json:"organization"`
	Name         string  `json:"name"`
	Description  *string `json:"description,omitempty"`
}
