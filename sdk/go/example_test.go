package cloudbooks_test

// Examples for `go doc`. They have no "// Output:" lines, so `go test` compiles them but
// does not run them (they need a server); the scenario tests run the same calls.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	cloudbooks "github.com/cloudbooks/go-sdk"
)

func ExampleNewClient() {
	// The key defaults to $CLOUDBOOKS_API_KEY, the base URL to $CLOUDBOOKS_BASE_URL.
	c := cloudbooks.NewClient(
		cloudbooks.WithAPIKey("sk_live_…"),
		cloudbooks.WithBaseURL("http://127.0.0.1:8000/v1"),
		cloudbooks.WithMaxRetries(3),
		cloudbooks.WithTimeout(10*time.Second),
	)
	me, err := c.Users.Me(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(me.Email)
}

func ExampleLogin() {
	ctx := context.Background()
	c, err := cloudbooks.Login(ctx, "demo@cloudbooks.test", "password", cloudbooks.WithBaseURL("http://127.0.0.1:8000/v1"))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Auth.Logout(ctx) // revokes the login's tokens
	fmt.Println("signed in as", c.User().Email)
}

func ExampleAuthService_Whoami() {
	c := cloudbooks.NewClient()
	w, err := c.Auth.Whoami(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	if key := w.Credential.APIKey; key != nil {
		fmt.Println("API key", key.Name, key.Prefix, w.Credential.Scope)
	}
	if w.RateLimit.Remaining != nil {
		fmt.Println(*w.RateLimit.Remaining, "requests left this hour")
	}
}

func ExampleUsersService_Me() {
	c := cloudbooks.NewClient()
	ctx := context.Background()
	me, err := c.Users.Me(ctx)
	if err != nil {
		log.Fatal(err)
	}
	// PATCH: only the fields that are set change.
	me, err = c.Users.Update(ctx, &cloudbooks.UserUpdateParams{Name: cloudbooks.String("Olive Oyl")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(me.Name, me.Plan)
}

func ExampleOrganizationsService_Create() {
	c := cloudbooks.NewClient()
	ctx := context.Background()
	org, err := c.Organizations.Create(ctx, &cloudbooks.OrganizationCreateParams{Name: "Acme"})
	if err != nil {
		log.Fatal(err)
	}
	org, err = c.Organizations.Update(ctx, org.ID, &cloudbooks.OrganizationUpdateParams{
		Description: cloudbooks.String("Widgets and gadgets"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(org.Slug, org.Role)
}

func ExampleOrganizationsService_Members() {
	c := cloudbooks.NewClient()
	ctx := context.Background()
	members := c.Organizations.Members("<organization id>")
	if _, err := members.Create(ctx, &cloudbooks.MemberCreateParams{Email: "pablo@example.com", Role: cloudbooks.RoleAdmin}); err != nil {
		log.Fatal(err)
	}
	it := members.List(ctx, nil)
	for it.Next() {
		m := it.Current()
		fmt.Println(m.User.Email, m.Role)
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
}

func ExampleProjectsService_List() {
	c := cloudbooks.NewClient()
	ctx := context.Background()
	// Pages are fetched as the loop needs them.
	it := c.Projects.List(ctx, &cloudbooks.ProjectListParams{Organization: "<organization id>", Limit: 50})
	for it.Next() {
		p := it.Current()
		fmt.Println(p.Name, p.CreatedAt)
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
}

func ExampleProjectsService_Create() {
	c := cloudbooks.NewClient()
	ctx := context.Background()
	// Every POST carries an Idempotency-Key (generated, or this one), reused on retries:
	// a create retried after a lost answer makes one project, not two.
	p, err := c.Projects.Create(ctx,
		&cloudbooks.ProjectCreateParams{Organization: "<organization id>", Name: "Q3 close"},
		cloudbooks.WithIdempotencyKey("q3-close-2026"),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.ID)
}

func ExampleError() {
	c := cloudbooks.NewClient()
	_, err := c.Projects.Get(context.Background(), "1b1bd3a5-4a0e-4a55-9d63-d6a3a3d4f7ab")
	var apiErr *cloudbooks.Error
	switch {
	case errors.Is(err, cloudbooks.ErrNotFound):
		fmt.Println("no such project")
	case errors.Is(err, cloudbooks.ErrRateLimited) && errors.As(err, &apiErr):
		fmt.Println("over budget; retry in", apiErr.RetryAfter)
	case errors.As(err, &apiErr):
		fmt.Println(apiErr.Status, apiErr.Code, apiErr.Message, apiErr.Details, apiErr.RequestID)
	case errors.Is(err, cloudbooks.ErrConnection):
		fmt.Println("could not reach the API:", err)
	}
}
