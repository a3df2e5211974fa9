package cloudbooks_test

// The conformance scenario (sdk/conformance/SCENARIO.md), step by step, against the live
// sdk-server. Tests run in this order; S34 (deleting Pablo's account) is the last one.

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cloudbooks "github.com/cloudbooks/go-sdk"
)

// --- Credentials -----------------------------------------------------------------------

func TestS01_LoginKnowsTheUserAndHoldsAnAccessToken(t *testing.T) {
	var resp cloudbooks.Response
	c := loginOlive(t, cloudbooks.WithResponseInto(&resp))
	if resp.StatusCode != 200 || resp.RequestID == "" || resp.RateLimit != nil {
		t.Fatalf("the login's answer: %+v (a login spends no budget: no rate-limit state)", resp)
	}
	if u := c.User(); u == nil || u.Email != server.Email {
		t.Fatalf("the login's user is %+v", c.User())
	}
	if tok, ok := c.Tokens(); !ok || tok.AccessToken == "" || tok.RefreshToken == "" || !tok.ExpiresAt.After(time.Now()) {
		t.Fatalf("no access token after login: %+v", tok)
	}
	me, err := c.Users.Me(ctxT(t))
	if err != nil || me.Email != server.Email {
		t.Fatalf("Users.Me = %+v, %v", me, err)
	}
}

func TestS02_APIKeyClientGetsOliveAndAnUnknownKeyIs401(t *testing.T) {
	me, err := olive().Users.Me(ctxT(t))
	if err != nil || me.Email != server.Email || me.Plan != "free" {
		t.Fatalf("Users.Me = %+v, %v", me, err)
	}
	stranger := cloudbooks.NewClient(cloudbooks.WithAPIKey("sk_live_"+strings.Repeat("A", 38)), cloudbooks.WithBaseURL(server.BaseURL))
	_, err = stranger.Users.Me(ctxT(t))
	apiError(t, err, 401, "unauthorized")
	if !errors.Is(err, cloudbooks.ErrUnauthorized) {
		t.Fatalf("errors.Is(ErrUnauthorized) is false for %v", err)
	}
}

func TestS03_WhoamiWithAKeyDescribesTheKeyTyped(t *testing.T) {
	w, err := olive().Auth.Whoami(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if w.User.Email != server.Email {
		t.Fatalf("user %+v", w.User)
	}
	cred := w.Credential
	if cred.Type != cloudbooks.CredentialAPIKey || cred.Scope != "read_write" || cred.ID == "" || cred.CreatedAt.IsZero() || cred.ExpiresAt != nil {
		t.Fatalf("credential %+v", cred)
	}
	if cred.APIKey == nil || cred.APIKey.Name == "" || cred.APIKey.Prefix == "" || !strings.HasPrefix(server.APIKey, cred.APIKey.Prefix) {
		t.Fatalf("api key details %+v", cred.APIKey)
	}
	rl := w.RateLimit
	if rl.Plan != "free" || rl.Limit == nil || *rl.Limit != 1000 || rl.Remaining == nil || rl.Reset == nil {
		t.Fatalf("rate limit %+v", rl)
	}
}

func TestS04_WhoamiWithALoginDescribesTheAccessToken(t *testing.T) {
	w, err := loginOlive(t).Auth.Whoami(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	cred := w.Credential
	if cred.Type != cloudbooks.CredentialAccessToken || cred.Scope != "read_write" || cred.APIKey != nil {
		t.Fatalf("credential %+v", cred)
	}
	if cred.ExpiresAt == nil || !cred.ExpiresAt.After(time.Now()) {
		t.Fatalf("expires_at %v is not in the future", cred.ExpiresAt)
	}
	pw, err := loginPablo(t).Auth.Whoami(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if pw.RateLimit.Plan != "pro" || pw.RateLimit.Limit == nil || *pw.RateLimit.Limit != 10000 {
		t.Fatalf("Pablo's rate limit %+v", pw.RateLimit)
	}
}

func TestS05_ReadOnlyKeyReadsButCannotWrite(t *testing.T) {
	ro := olive(cloudbooks.WithAPIKey(server.ReadOnlyKey))
	w, err := ro.Auth.Whoami(ctxT(t))
	if err != nil || w.Credential.Scope != "read_only" {
		t.Fatalf("whoami = %+v, %v", w, err)
	}
	it := ro.Organizations.List(ctxT(t), nil)
	for it.Next() {
	}
	if err := it.Err(); err != nil {
		t.Fatalf("a read with the read-only key failed: %v", err)
	}
	name := unique("Refused")
	_, err = ro.Organizations.Create(ctxT(t), &cloudbooks.OrganizationCreateParams{Name: name})
	apiError(t, err, 403, "forbidden")
	if !errors.Is(err, cloudbooks.ErrForbidden) {
		t.Fatal("errors.Is(ErrForbidden) is false")
	}
	all := olive().Organizations.List(ctxT(t), &cloudbooks.OrganizationListParams{Limit: 100})
	for all.Next() {
		if all.Current().Name == name {
			t.Fatal("the refused organization was created")
		}
	}
	if err := all.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestS06_ExplicitRefreshGivesANewAccessToken(t *testing.T) {
	c := loginOlive(t)
	before, _ := c.Tokens()
	if err := c.Auth.Refresh(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	after, _ := c.Tokens()
	if after.AccessToken == before.AccessToken || after.RefreshToken == before.RefreshToken {
		t.Fatal("the tokens did not change")
	}
	if _, err := c.Users.Me(ctxT(t)); err != nil {
		t.Fatal(err)
	}
}

func TestS07_AnExpiredAccessTokenIsRenewedTransparently(t *testing.T) {
	ct := &countingTransport{}
	c := loginOlive(t, cloudbooks.WithHTTPClient(&http.Client{Transport: ct}))
	before, _ := c.Tokens()
	me, err := c.Users.Me(ctxT(t), fault("expire-token;times=1"))
	if err != nil || me.Email != server.Email {
		t.Fatalf("Users.Me = %+v, %v", me, err)
	}
	after, _ := c.Tokens()
	if after.AccessToken == before.AccessToken {
		t.Fatal("the access token did not change")
	}
	if n := ct.count("/v1/auth/refresh"); n != 1 {
		t.Fatalf("%d refreshes, want 1", n)
	}
	if n := ct.count("/v1/users/me"); n != 2 {
		t.Fatalf("%d attempts, want 2", n)
	}
}

func TestS08_A401ThatRenewalCannotCureIsReturnedWithoutLooping(t *testing.T) {
	ct := &countingTransport{}
	c := loginOlive(t, cloudbooks.WithHTTPClient(&http.Client{Transport: ct}))
	_, err := c.Users.Me(ctxT(t), cloudbooks.WithHeader("CloudBooks-Test-Fault", "expire-token"))
	apiError(t, err, 401, "unauthorized")
	if r, m := ct.count("/v1/auth/refresh"), ct.count("/v1/users/me"); r != 1 || m != 2 {
		t.Fatalf("%d refreshes and %d attempts, want 1 and 2", r, m)
	}
}

func TestS09_LogoutRevokesBothTokens(t *testing.T) {
	c := loginOlive(t)
	tokens, _ := c.Tokens()
	if err := c.Auth.Logout(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Tokens(); ok {
		t.Fatal("the client still holds tokens")
	}
	withOldAccess := cloudbooks.NewClient(cloudbooks.WithAPIKey(tokens.AccessToken), cloudbooks.WithBaseURL(server.BaseURL))
	_, err := withOldAccess.Users.Me(ctxT(t))
	apiError(t, err, 401, "unauthorized")
	anon := cloudbooks.NewClient(cloudbooks.WithAPIKey(""), cloudbooks.WithBaseURL(server.BaseURL))
	err = anon.Do(ctxT(t), "POST", "auth/refresh", map[string]string{"refresh": tokens.RefreshToken}, nil)
	apiError(t, err, 401, "unauthorized")

	// An API key's logout is refused by the server, not ignored.
	err = olive().Auth.Logout(ctxT(t))
	apiError(t, err, 403, "forbidden")
}

// recorder is a second local listener (another port: another origin) that records the
// Authorization header of every request it gets.
type recorder struct {
	*httptest.Server
	mu    sync.Mutex
	auths []string
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.auths = append(r.auths, req.Header.Get("Authorization"))
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"next": null, "previous": null, "results": []}`)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.auths...)
}

func TestS10_ABearerTokenNeverLeavesItsHost(t *testing.T) {
	rec := newRecorder(t)
	for name, c := range map[string]*cloudbooks.Client{"api key": olive(), "login": loginOlive(t)} {
		// An absolute URL on another origin is refused, never sent.
		err := c.Do(ctxT(t), "GET", rec.URL+"/v1/users/me", nil, nil)
		if !errors.Is(err, cloudbooks.ErrForeignOrigin) {
			t.Fatalf("%s: a URL on another origin gave %v", name, err)
		}
	}

	// A redirect to another origin is not followed.
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, rec.URL+req.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	_, err := olive(cloudbooks.WithBaseURL(redirector.URL + "/v1")).Users.Me(ctxT(t))
	var apiErr *cloudbooks.Error
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusTemporaryRedirect || apiErr.Code != "redirect_not_followed" {
		t.Fatalf("the redirect gave %v", err)
	}

	// `next` links naming another origin: a proxy in front of the server rewrites them to
	// the recorder; the iterator still walks every page on the base URL.
	target, _ := url.Parse(server.BaseURL)
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	var front *httptest.Server
	proxy.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		resp.Body.Close()
		for _, origin := range []string{"http://" + target.Host, front.URL} {
			body = bytes.ReplaceAll(body, []byte(origin), []byte(rec.URL))
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	front = httptest.NewServer(proxy)
	defer front.Close()
	org := newOrg(t, olive())
	for i := 0; i < 3; i++ {
		newProject(t, olive(), org.ID)
	}
	for name, c := range map[string]*cloudbooks.Client{
		"api key": olive(cloudbooks.WithBaseURL(front.URL + "/v1")),
		"login":   login(t, server.Email, server.Password, cloudbooks.WithBaseURL(front.URL+"/v1")),
	} {
		it := c.Projects.List(ctxT(t), &cloudbooks.ProjectListParams{Organization: org.ID, Limit: 1})
		n := 0
		for it.Next() {
			n++
		}
		if it.Err() != nil || n != 3 || it.PagesFetched() != 3 {
			t.Fatalf("%s: %d items in %d pages, %v", name, n, it.PagesFetched(), it.Err())
		}
	}
	if seen := rec.seen(); len(seen) != 0 {
		t.Fatalf("the other origin got %d requests (Authorization %q)", len(seen), seen)
	}
}

// --- Every operation -------------------------------------------------------------------

func TestS11_TheCallerReadsUpdatesAndReplacesTheirAccount(t *testing.T) {
	c := olive()
	me, err := c.Users.Me(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	name := unique("Olive")
	updated, err := c.Users.Update(ctxT(t), &cloudbooks.UserUpdateParams{Name: cloudbooks.String(name)})
	if err != nil || updated.Name != name || updated.Email != me.Email {
		t.Fatalf("Users.Update = %+v, %v", updated, err)
	}
	again, err := c.Users.Me(ctxT(t))
	if err != nil || again.Name != name {
		t.Fatalf("Users.Me after the update = %+v, %v", again, err)
	}
	replaced, err := c.Users.Replace(ctxT(t), &cloudbooks.UserReplaceParams{Name: "Olive Oyl", Email: me.Email})
	if err != nil || replaced.Name != "Olive Oyl" || replaced.Email != me.Email {
		t.Fatalf("Users.Replace = %+v, %v", replaced, err)
	}
}

func TestS12_OrganizationsFromCreateToDelete(t *testing.T) {
	c := olive()
	ctx := ctxT(t)
	org, err := c.Organizations.Create(ctx, &cloudbooks.OrganizationCreateParams{Name: unique("Acme")})
	if err != nil || org.Role != cloudbooks.RoleOwner || org.Slug == "" {
		t.Fatalf("Organizations.Create = %+v, %v", org, err)
	}
	got, err := c.Organizations.Get(ctx, org.ID)
	if err != nil || *got != *org {
		t.Fatalf("Organizations.Get = %+v, %v; want %+v", got, err, org)
	}
	updated, err := c.Organizations.Update(ctx, org.ID, &cloudbooks.OrganizationUpdateParams{Description: cloudbooks.String("Widgets")})
	if err != nil || updated.Description != "Widgets" || updated.Name != org.Name {
		t.Fatalf("Organizations.Update = %+v, %v", updated, err)
	}
	newName := unique("Acme Ltd")
	replaced, err := c.Organizations.Replace(ctx, org.ID, &cloudbooks.OrganizationReplaceParams{Name: newName, Description: cloudbooks.String("Gadgets")})
	if err != nil || replaced.Name != newName || replaced.Description != "Gadgets" {
		t.Fatalf("Organizations.Replace = %+v, %v", replaced, err)
	}
	found := false
	it := c.Organizations.List(ctx, &cloudbooks.OrganizationListParams{Limit: 100})
	for it.Next() {
		found = found || it.Current().ID == org.ID
	}
	if it.Err() != nil || !found {
		t.Fatalf("Organizations.List: found %v, %v", found, it.Err())
	}
	if err := c.Organizations.Delete(ctx, org.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.Organizations.Get(ctx, org.ID)
	apiError(t, err, 404, "not_found")
}

func TestS13_MembersAreAddedReadPromotedAndRemoved(t *testing.T) {
	c := olive()
	ctx := ctxT(t)
	me, err := c.Users.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pablo := loginPablo(t).User()
	org := newOrg(t, c)
	members := c.Organizations.Members(org.ID)
	added, err := members.Create(ctx, &cloudbooks.MemberCreateParams{Email: server.ProEmail, Role: cloudbooks.RoleMember})
	if err != nil || added.User.ID != pablo.ID || added.Role != cloudbooks.RoleMember {
		t.Fatalf("Members.Create = %+v, %v", added, err)
	}
	roles := map[string]string{}
	it := members.List(ctx, nil)
	for it.Next() {
		roles[it.Current().User.ID] = it.Current().Role
	}
	if it.Err() != nil || len(roles) != 2 || roles[me.ID] != cloudbooks.RoleOwner || roles[pablo.ID] != cloudbooks.RoleMember {
		t.Fatalf("Members.List = %v, %v", roles, it.Err())
	}
	got, err := members.Get(ctx, pablo.ID)
	if err != nil || got.User.Email != server.ProEmail {
		t.Fatalf("Members.Get = %+v, %v", got, err)
	}
	promoted, err := members.Update(ctx, pablo.ID, &cloudbooks.MemberUpdateParams{Role: cloudbooks.String(cloudbooks.RoleAdmin)})
	if err != nil || promoted.Role != cloudbooks.RoleAdmin {
		t.Fatalf("Members.Update = %+v, %v", promoted, err)
	}
	user, err := c.Users.Get(ctx, pablo.ID)
	if err != nil || user.Email != server.ProEmail {
		t.Fatalf("Users.Get = %+v, %v", user, err)
	}
	if err := members.Delete(ctx, pablo.ID); err != nil {
		t.Fatal(err)
	}
	_, err = members.Get(ctx, pablo.ID)
	apiError(t, err, 404, "not_found")
}

func TestS14_ProjectsFromCreateToDelete(t *testing.T) {
	c := olive()
	ctx := ctxT(t)
	org := newOrg(t, c)
	p, err := c.Projects.Create(ctx, &cloudbooks.ProjectCreateParams{Organization: org.ID, Name: unique("Q3 close")})
	if err != nil || p.Organization != org.ID || p.CreatedBy == nil {
		t.Fatalf("Projects.Create = %+v, %v", p, err)
	}
	got, err := c.Projects.Get(ctx, p.ID)
	if err != nil || got.ID != p.ID || got.Name != p.Name {
		t.Fatalf("Projects.Get = %+v, %v", got, err)
	}
	updated, err := c.Projects.Update(ctx, p.ID, &cloudbooks.ProjectUpdateParams{Description: cloudbooks.String("Books")})
	if err != nil || updated.Description != "Books" || updated.Name != p.Name {
		t.Fatalf("Projects.Update = %+v, %v", updated, err)
	}
	newName := unique("Q4 close")
	replaced, err := c.Projects.Replace(ctx, p.ID, &cloudbooks.ProjectReplaceParams{Organization: org.ID, Name: newName})
	if err != nil || replaced.Name != newName {
		t.Fatalf("Projects.Replace = %+v, %v", replaced, err)
	}
	if n := projectsNamed(t, c, org.ID, newName); n != 1 {
		t.Fatalf("Projects.List has it %d times", n)
	}
	if err := c.Projects.Delete(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.Projects.Get(ctx, p.ID)
	apiError(t, err, 404, "not_found")
}

// --- Pagination ------------------------------------------------------------------------

func TestS15_TheIteratorWalksEveryPageLazily(t *testing.T) {
	c := olive()
	org := newOrg(t, c)
	var created []string
	for i := 0; i < 5; i++ {
		created = append(created, newProject(t, c, org.ID).ID)
	}
	it := c.Projects.List(ctxT(t), &cloudbooks.ProjectListParams{Organization: org.ID, Limit: 2})
	if it.PagesFetched() != 0 {
		t.Fatal("a page was fetched before the iteration began")
	}
	var seen []string
	wantPages := []int{1, 1, 2, 2, 3}
	for it.Next() {
		seen = append(seen, it.Current().ID)
		if got := it.PagesFetched(); got != wantPages[len(seen)-1] {
			t.Fatalf("after %d items, %d pages fetched; want %d", len(seen), got, wantPages[len(seen)-1])
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 5 || it.PagesFetched() != 3 {
		t.Fatalf("%d items in %d pages", len(seen), it.PagesFetched())
	}
	for i, id := range seen {
		if id != created[4-i] {
			t.Fatalf("not newest first: %v, created %v", seen, created)
		}
	}
}

func TestS16_ListingAnotherOrganizationsProjectsYieldsNothing(t *testing.T) {
	it := olive().Projects.List(ctxT(t), &cloudbooks.ProjectListParams{Organization: uuid()})
	if it.Next() || it.Err() != nil || it.PagesFetched() != 1 {
		t.Fatalf("items or error: %v, %d pages", it.Err(), it.PagesFetched())
	}
}

// --- Errors ----------------------------------------------------------------------------

func TestS17_InvalidRequestNamesTheField(t *testing.T) {
	_, err := olive().Projects.Create(ctxT(t), &cloudbooks.ProjectCreateParams{Organization: uuid(), Name: "Nope"})
	e := apiError(t, err, 400, "invalid_request")
	if e.DetailString("field") != "organization" || e.DetailString("issue") == "" || !errors.Is(err, cloudbooks.ErrInvalidRequest) {
		t.Fatalf("details %v", e.Details)
	}
	it := olive().Projects.List(ctxT(t), &cloudbooks.ProjectListParams{Limit: 500})
	if it.Next() {
		t.Fatal("an item with limit=500")
	}
	e = apiError(t, it.Err(), 400, "invalid_request")
	if e.DetailString("field") != "limit" || e.DetailString("issue") == "" {
		t.Fatalf("details %v", e.Details)
	}
}

func TestS18_AWrongKeyIsUnauthorized(t *testing.T) {
	c := cloudbooks.NewClient(cloudbooks.WithAPIKey("sk_live_"+strings.Repeat("x", 40)), cloudbooks.WithBaseURL(server.BaseURL))
	_, err := c.Projects.Get(ctxT(t), uuid())
	apiError(t, err, 401, "unauthorized")
	if !errors.Is(err, cloudbooks.ErrUnauthorized) {
		t.Fatal("errors.Is(ErrUnauthorized) is false")
	}
}

func TestS19_AReadOnlyKeyCannotWrite(t *testing.T) {
	org := newOrg(t, olive())
	name := unique("Refused")
	_, err := olive(cloudbooks.WithAPIKey(server.ReadOnlyKey)).Projects.Create(ctxT(t), &cloudbooks.ProjectCreateParams{Organization: org.ID, Name: name})
	apiError(t, err, 403, "forbidden")
	if n := projectsNamed(t, olive(), org.ID, name); n != 0 {
		t.Fatal("the project was created")
	}
}

func TestS20_AMemberCannotDeleteAProject(t *testing.T) {
	c := olive()
	org := newOrg(t, c)
	p := newProject(t, c, org.ID)
	if _, err := c.Organizations.Members(org.ID).Create(ctxT(t), &cloudbooks.MemberCreateParams{Email: server.ProEmail}); err != nil {
		t.Fatal(err)
	}
	err := loginPablo(t).Projects.Delete(ctxT(t), p.ID)
	apiError(t, err, 403, "forbidden")
	if !errors.Is(err, cloudbooks.ErrForbidden) {
		t.Fatal("errors.Is(ErrForbidden) is false")
	}
	if _, err := c.Projects.Get(ctxT(t), p.ID); err != nil {
		t.Fatalf("the project is gone: %v", err)
	}
}

func TestS21_AnUnknownProjectIsNotFound(t *testing.T) {
	_, err := olive().Projects.Get(ctxT(t), uuid())
	e := apiError(t, err, 404, "not_found")
	if !errors.Is(err, cloudbooks.ErrNotFound) || errors.Is(err, cloudbooks.ErrForbidden) {
		t.Fatalf("sentinels do not match %v", e)
	}
}

func TestS22_TheOnlyOwnerCannotLeave(t *testing.T) {
	c := olive()
	me, err := c.Users.Me(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	org := newOrg(t, c)
	err = c.Organizations.Members(org.ID).Delete(ctxT(t), me.ID)
	apiError(t, err, 409, "conflict")
	if !errors.Is(err, cloudbooks.ErrConflict) {
		t.Fatal("errors.Is(ErrConflict) is false")
	}
	if m, err := c.Organizations.Members(org.ID).Get(ctxT(t), me.ID); err != nil || m.Role != cloudbooks.RoleOwner {
		t.Fatalf("Olive is no longer the owner: %+v, %v", m, err)
	}
}

func TestS23_ABodyOverTheLimitIsPayloadTooLarge(t *testing.T) {
	org := newOrg(t, olive())
	huge := strings.Repeat("x", 1100*1024)
	_, err := olive().Projects.Create(ctxT(t), &cloudbooks.ProjectCreateParams{Organization: org.ID, Name: "Huge", Description: &huge})
	apiError(t, err, 413, "payload_too_large")
	if !errors.Is(err, cloudbooks.ErrPayloadTooLarge) {
		t.Fatal("errors.Is(ErrPayloadTooLarge) is false")
	}
}

func TestS24_ABodyOfAnotherMediaTypeIsUnsupported(t *testing.T) {
	err := olive().Do(ctxT(t), "POST", "projects", []byte("name=Plain"), nil, cloudbooks.WithHeader("Content-Type", "text/plain"))
	apiError(t, err, 415, "unsupported_media_type")
	if !errors.Is(err, cloudbooks.ErrUnsupportedMediaType) {
		t.Fatal("errors.Is(ErrUnsupportedMediaType) is false")
	}
}

func TestS25_AnIdempotencyKeyReusedWithAnotherBodyIs422(t *testing.T) {
	c := olive()
	org := newOrg(t, c)
	key := cloudbooks.WithIdempotencyKey(uuid())
	name := unique("Once")
	first, err := c.Projects.Create(ctxT(t), &cloudbooks.ProjectCreateParams{Organization: org.ID, Name: name}, key)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Projects.Create(ctxT(t), &cloudbooks.ProjectCreateParams{Organization: org.ID, Name: name + " other"}, key)
	e := apiError(t, err, 422, "invalid_request")
	if e.DetailString("field") != "Idempotency-Key" || !errors.Is(err, cloudbooks.ErrInvalidRequest) {
		t.Fatalf("details %v", e.Details)
	}
	var resp cloudbooks.Response
	again, err := c.Projects.Create(ctxT(t), &cloudbooks.ProjectCreateParams{Organization: org.ID, Name: name}, key, cloudbooks.WithResponseInto(&resp))
	if err != nil || again.ID != first.ID || !resp.Replayed {
		t.Fatalf("the repeat = %+v (replayed %v), %v", again, resp.Replayed, err)
	}
	if n := projectsNamed(t, c, org.ID, name) + projectsNamed(t, c, org.ID, name+" other"); n != 1 {
		t.Fatalf("%d projects, want 1", n)
	}
}

func TestS26_RateLimitAndServerErrorsWithRetriesOff(t *testing.T) {
	c := olive(cloudbooks.WithMaxRetries(0))
	_, err := c.Users.Me(ctxT(t), fault("429;times=1"))
	e := apiError(t, err, 429, "rate_limit_exceeded")
	if e.RetryAfter != time.Second || !errors.Is(err, cloudbooks.ErrRateLimited) {
		t.Fatalf("retry after %v", e.RetryAfter)
	}
	for status, want := range map[int]struct {
		code     string
		sentinel error
	}{
		500: {"internal_error", cloudbooks.ErrInternal},
		502: {"bad_gateway", cloudbooks.ErrServer},
		503: {"service_unavailable", cloudbooks.ErrServiceUnavailable},
		504: {"gateway_timeout", cloudbooks.ErrServer},
	} {
		_, err := c.Users.Me(ctxT(t), fault(strconv.Itoa(status)+";times=1"))
		apiError(t, err, status, want.code)
		if !errors.Is(err, want.sentinel) || !errors.Is(err, cloudbooks.ErrServer) {
			t.Fatalf("%d does not match its sentinels", status)
		}
	}
}

// --- Metadata of a successful call -----------------------------------------------------

func TestS27_RequestIDAndBudgetAfterASuccessfulCall(t *testing.T) {
	c := olive()
	var first, second, third cloudbooks.Response
	if _, err := c.Users.Me(ctxT(t), cloudbooks.WithResponseInto(&first)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.Me(ctxT(t), cloudbooks.WithResponseInto(&second)); err != nil {
		t.Fatal(err)
	}
	if second.RequestID == "" || second.RequestID != second.Header.Get("X-Request-Id") || second.RequestID == first.RequestID {
		t.Fatalf("request ids %q, %q", first.RequestID, second.RequestID)
	}
	if c.LastResponse().RequestID != second.RequestID {
		t.Fatal("LastResponse is not the latest answer")
	}
	rl1, rl2 := first.RateLimit, second.RateLimit
	if rl1 == nil || rl2 == nil || rl2.Limit != 1000 || rl2.Remaining != rl1.Remaining-1 || !rl2.Reset.After(time.Now()) {
		t.Fatalf("rate limits %+v then %+v", rl1, rl2)
	}
	w, err := c.Auth.Whoami(ctxT(t), cloudbooks.WithResponseInto(&third))
	if err != nil {
		t.Fatal(err)
	}
	rl3 := third.RateLimit
	if *w.RateLimit.Limit != rl3.Limit || *w.RateLimit.Remaining != rl3.Remaining || *w.RateLimit.Reset != rl3.Reset.Unix() || rl3.Remaining != rl2.Remaining-1 {
		t.Fatalf("whoami says %+v, its headers %+v", w.RateLimit, rl3)
	}
}

// --- Retries and idempotency -----------------------------------------------------------

func TestS28_ARetriedPOSTReusesItsIdempotencyKey(t *testing.T) {
	d := &delays{}
	c := olive(cloudbooks.WithSleep(d.sleep))
	org := newOrg(t, c)

	name := unique("Retried")
	var resp cloudbooks.Response
	p, err := c.Projects.Create(ctxT(t), &cloudbooks.ProjectCreateParams{Organization: org.ID, Name: name}, fault("503;times=1"), cloudbooks.WithResponseInto(&resp))
	if err != nil || resp.Attempts != 2 || p.Name != name {
		t.Fatalf("Projects.Create = %+v after %d attempts, %v", p, resp.Attempts, err)
	}
	if n := projectsNamed(t, c, org.ID, name); n != 1 {
		t.Fatalf("%d projects named %q", n, name)
	}

	lost := unique("Lost answer")
	p, err = c.Projects.Create(ctxT(t), &cloudbooks.ProjectCreateParams{Organization: org.ID, Name: lost}, fault("503;times=1;after-view"), cloudbooks.WithResponseInto(&resp))
	if err != nil || resp.Attempts != 2 || !resp.Replayed || p.Name != lost {
		t.Fatalf("Projects.Create = %+v after %d attempts (replayed %v), %v", p, resp.Attempts, resp.Replayed, err)
	}
	if n := projectsNamed(t, c, org.ID, lost); n != 1 {
		t.Fatalf("%d projects named %q: the retry sent another key", n, lost)
	}

	orgName := unique("Retried org")
	o, err := c.Organizations.Create(ctxT(t), &cloudbooks.OrganizationCreateParams{Name: orgName}, fault("503;times=1;after-view"), cloudbooks.WithResponseInto(&resp))
	if err != nil || !resp.Replayed || o.Name != orgName {
		t.Fatalf("Organizations.Create = %+v (replayed %v), %v", o, resp.Replayed, err)
	}
	n := 0
	it := c.Organizations.List(ctxT(t), &cloudbooks.OrganizationListParams{Limit: 100})
	for it.Next() {
		if it.Current().Name == orgName {
			n++
		}
	}
	if it.Err() != nil || n != 1 {
		t.Fatalf("%d organizations named %q, %v", n, orgName, it.Err())
	}
	if len(d.get()) != 3 {
		t.Fatalf("delays %v, want one per retry", d.get())
	}
}

// closedPort is a local address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/v1"
}

func checkBackoff(t *testing.T, got []time.Duration, retries int) {
	t.Helper()
	if len(got) != retries {
		t.Fatalf("%d delays %v, want %d", len(got), got, retries)
	}
	for i, d := range got {
		ceiling := cloudbooks.DefaultBackoffBase << uint(i)
		if d < ceiling/2 || d > ceiling {
			t.Fatalf("delay %d is %v, not within [%v, %v]", i, d, ceiling/2, ceiling)
		}
		if i > 0 && d < got[i-1] {
			t.Fatalf("delays do not grow: %v", got)
		}
	}
}

func TestS29_ConnectionErrorsAreRetriedWithBackoffThenReturned(t *testing.T) {
	d := &delays{}
	c := olive(cloudbooks.WithBaseURL(closedPort(t)), cloudbooks.WithMaxRetries(3), cloudbooks.WithSleep(d.sleep))
	_, err := c.Users.Me(ctxT(t))
	var connErr *cloudbooks.ConnectionError
	if !errors.As(err, &connErr) || !errors.Is(err, cloudbooks.ErrConnection) {
		t.Fatalf("want a *ConnectionError, got %T %v", err, err)
	}
	var apiErr *cloudbooks.Error
	if errors.As(err, &apiErr) {
		t.Fatal("a connection error has no status")
	}
	checkBackoff(t, d.get(), 3)

	d2 := &delays{}
	_, err = c.Projects.Create(ctxT(t), &cloudbooks.ProjectCreateParams{Organization: uuid(), Name: "x"}, cloudbooks.WithSleep(d2.sleep))
	if !errors.Is(err, cloudbooks.ErrConnection) {
		t.Fatalf("POST: %v", err)
	}
	checkBackoff(t, d2.get(), 3)
}

func TestPerRequestTimeoutIsAConnectionError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { // accepts and never answers
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	c := olive(cloudbooks.WithBaseURL("http://"+l.Addr().String()+"/v1"), cloudbooks.WithMaxRetries(0))
	_, err = c.Users.Me(ctxT(t), cloudbooks.WithTimeout(50*time.Millisecond))
	var connErr *cloudbooks.ConnectionError
	if !errors.As(err, &connErr) || !connErr.Timeout() {
		t.Fatalf("want a timed-out *ConnectionError, got %T %v", err, err)
	}
}

func TestS30_A429IsRetriedAfterItsRetryAfter(t *testing.T) {
	d := &delays{}
	var resp cloudbooks.Response
	me, err := olive(cloudbooks.WithSleep(d.sleep)).Users.Me(ctxT(t), fault("429;times=1"), cloudbooks.WithResponseInto(&resp))
	if err != nil || me.Email != server.Email || resp.Attempts != 2 {
		t.Fatalf("Users.Me = %+v after %d attempts, %v", me, resp.Attempts, err)
	}
	if got := d.get(); len(got) != 1 || got[0] != time.Second {
		t.Fatalf("delays %v, want [1s] (Retry-After)", got)
	}
}

func TestS31_ServerErrorsAreRetried(t *testing.T) {
	d := &delays{}
	c := olive(cloudbooks.WithSleep(d.sleep))
	var resp cloudbooks.Response
	if _, err := c.Users.Me(ctxT(t), fault("503;times=2"), cloudbooks.WithResponseInto(&resp)); err != nil || resp.Attempts != 3 {
		t.Fatalf("503 twice: %d attempts, %v", resp.Attempts, err)
	}
	for _, status := range []string{"500", "502", "504"} {
		d2 := &delays{}
		if _, err := c.Users.Me(ctxT(t), fault(status+";times=1"), cloudbooks.WithSleep(d2.sleep), cloudbooks.WithResponseInto(&resp)); err != nil || resp.Attempts != 2 {
			t.Fatalf("%s once: %d attempts, %v", status, resp.Attempts, err)
		}
		checkBackoff(t, d2.get(), 1)
	}
}

func TestS32_RetriesGiveUp(t *testing.T) {
	d := &delays{}
	var resp cloudbooks.Response
	_, err := olive(cloudbooks.WithSleep(d.sleep), cloudbooks.WithMaxRetries(3)).Users.Me(ctxT(t), fault("503;times=10"), cloudbooks.WithResponseInto(&resp))
	apiError(t, err, 503, "service_unavailable")
	if len(d.get()) != 3 || resp.Attempts != 4 {
		t.Fatalf("%d delays, %d attempts; want 3 and 4", len(d.get()), resp.Attempts)
	}
}

func TestS33_NothingUnsafeIsRetried(t *testing.T) {
	d := &delays{}
	c := olive(cloudbooks.WithSleep(d.sleep))
	org := newOrg(t, c)
	name := unique("Keyless")
	var resp cloudbooks.Response
	_, err := c.Projects.Create(ctxT(t), &cloudbooks.ProjectCreateParams{Organization: org.ID, Name: name}, cloudbooks.WithoutIdempotencyKey(), fault("503;times=1"), cloudbooks.WithResponseInto(&resp))
	apiError(t, err, 503, "service_unavailable")
	if resp.Attempts != 1 || len(d.get()) != 0 {
		t.Fatalf("a POST without a key was retried: %d attempts", resp.Attempts)
	}
	if n := projectsNamed(t, c, org.ID, name); n != 0 {
		t.Fatal("the refused project exists")
	}
	// PATCH is not retried either (documented on WithMaxRetries).
	p := newProject(t, c, org.ID)
	_, err = c.Projects.Update(ctxT(t), p.ID, &cloudbooks.ProjectUpdateParams{Description: cloudbooks.String("x")}, fault("503;times=1"), cloudbooks.WithResponseInto(&resp))
	apiError(t, err, 503, "service_unavailable")
	if resp.Attempts != 1 || len(d.get()) != 0 {
		t.Fatalf("a PATCH was retried: %d attempts", resp.Attempts)
	}
}

// --- Concurrency -----------------------------------------------------------------------

func TestConcurrentCallsOnAnExpiredTokenRefreshOnce(t *testing.T) {
	const n = 8
	ct := &countingTransport{}
	c := loginOlive(t, cloudbooks.WithHTTPClient(&http.Client{Transport: ct}))
	before, _ := c.Tokens()
	// Every goroutine's first attempt (with the old token) is refused, and none goes on
	// before all have been refused: they all find the token stale at the same moment.
	ct.gateToken, ct.gate = before.AccessToken, &sync.WaitGroup{}
	ct.gate.Add(n)
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := c.Users.Me(ctxT(t), fault("expire-token;times=1"))
			errs <- err
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := ct.count("/v1/auth/refresh"); got != 1 {
		t.Fatalf("%d refreshes for %d goroutines, want exactly 1", got, n)
	}
	if got := ct.count("/v1/users/me"); got != 2*n {
		t.Fatalf("%d attempts, want %d", got, 2*n)
	}
}

func TestATokenDueForRenewalIsRenewedOnceBeforeTheCall(t *testing.T) {
	const n = 8
	ct := &countingTransport{}
	c := loginOlive(t, cloudbooks.WithHTTPClient(&http.Client{Transport: ct}))
	before, _ := c.Tokens()
	cloudbooks.MakeTokenDue(c)
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := c.Users.Me(ctxT(t))
			errs <- err
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	after, _ := c.Tokens()
	if after.AccessToken == before.AccessToken {
		t.Fatal("the token was not renewed")
	}
	if r, m := ct.count("/v1/auth/refresh"), ct.count("/v1/users/me"); r != 1 || m != n {
		t.Fatalf("%d refreshes and %d calls; want 1 and %d (no call refused)", r, m, n)
	}
}

func TestAnEarlyRenewalThatFailsKeepsTheStillValidToken(t *testing.T) {
	ct := &countingTransport{}
	c := loginOlive(t, cloudbooks.WithHTTPClient(&http.Client{Transport: ct}))
	before, _ := c.Tokens()
	cloudbooks.MakeTokenDue(c)
	ct.mu.Lock()
	ct.refreshDown = true
	ct.mu.Unlock()
	if _, err := c.Users.Me(ctxT(t)); err != nil {
		t.Fatalf("the call failed with its token still valid: %v", err)
	}
	after, _ := c.Tokens()
	if after.AccessToken != before.AccessToken || ct.count("/v1/auth/refresh") != 1 {
		t.Fatalf("%d renewals tried; the token changed: %v", ct.count("/v1/auth/refresh"), after.AccessToken != before.AccessToken)
	}
}

// --- Last ------------------------------------------------------------------------------

func TestS34_DeletingAnAccountRevokesItsLogin(t *testing.T) {
	pablo := loginPablo(t)
	if err := pablo.Users.Delete(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	_, err := pablo.Users.Me(ctxT(t))
	apiError(t, err, 401, "unauthorized")
	_, err = cloudbooks.Login(ctxT(t), server.ProEmail, server.ProPassword, cloudbooks.WithBaseURL(server.BaseURL))
	apiError(t, err, 401, "unauthorized")
}
