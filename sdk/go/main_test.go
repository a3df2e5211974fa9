package cloudbooks_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	cloudbooks "github.com/cloudbooks/go-sdk"
)

// server is the live `python3 dev.py sdk-server` the tests run against: the one named by
// CLOUDBOOKS_SDK_SERVER (its JSON line), or one TestMain starts and stops.
var server struct {
	BaseURL     string `json:"base_url"`
	Email       string `json:"email"`
	Password    string `json:"password"`
	APIKey      string `json:"api_key"`
	ReadOnlyKey string `json:"read_only_key"`
	ProEmail    string `json:"pro_email"`
	ProPassword string `json:"pro_password"`
}

func TestMain(m *testing.M) {
	os.Exit(runWithServer(m))
}

func runWithServer(m *testing.M) int {
	if line := os.Getenv("CLOUDBOOKS_SDK_SERVER"); line != "" {
		if err := json.Unmarshal([]byte(line), &server); err != nil {
			fmt.Fprintln(os.Stderr, "CLOUDBOOKS_SDK_SERVER is not the sdk-server's JSON line:", err)
			return 2
		}
		return m.Run()
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	logFile, err := os.CreateTemp("", "cloudbooks-go-sdk-server-*.log")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer logFile.Close()
	cmd := exec.Command("python3", "dev.py", "sdk-server")
	cmd.Dir = root
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting python3 dev.py sdk-server:", err)
		return 2
	}
	lines := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		if scanner.Scan() {
			lines <- scanner.Text()
		}
		close(lines)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(5 * time.Minute):
	}
	if err := json.Unmarshal([]byte(line), &server); err != nil || server.BaseURL == "" {
		fmt.Fprintf(os.Stderr, "sdk-server did not print its JSON line (%v); its log: %s\n", err, logFile.Name())
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return 2
	}
	code := m.Run()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		fmt.Fprintf(os.Stderr, "sdk-server did not stop cleanly on SIGTERM: %v (log: %s)\n", err, logFile.Name())
		if code == 0 {
			code = 1
		}
	} else {
		os.Remove(logFile.Name())
	}
	return code
}

// --- helpers -------------------------------------------------------------------------

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// delays records the waits between attempts instead of sleeping.
type delays struct {
	mu   sync.Mutex
	list []time.Duration
}

func (d *delays) sleep(ctx context.Context, wait time.Duration) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.list = append(d.list, wait)
	return ctx.Err()
}

func (d *delays) get() []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]time.Duration(nil), d.list...)
}

// noSleep: tests never wait between retries (the server counts faults by id, not time).
func noSleep() cloudbooks.Option {
	return cloudbooks.WithSleep(func(ctx context.Context, d time.Duration) error { return ctx.Err() })
}

// olive is the free account, by her read_write API key.
func olive(opts ...cloudbooks.Option) *cloudbooks.Client {
	base := []cloudbooks.Option{cloudbooks.WithAPIKey(server.APIKey), cloudbooks.WithBaseURL(server.BaseURL), noSleep()}
	return cloudbooks.NewClient(append(base, opts...)...)
}

func login(t *testing.T, email, password string, opts ...cloudbooks.Option) *cloudbooks.Client {
	t.Helper()
	base := []cloudbooks.Option{cloudbooks.WithBaseURL(server.BaseURL), noSleep()}
	c, err := cloudbooks.Login(ctxT(t), email, password, append(base, opts...)...)
	if err != nil {
		t.Fatalf("log in as %s: %v", email, err)
	}
	return c
}

func loginOlive(t *testing.T, opts ...cloudbooks.Option) *cloudbooks.Client {
	return login(t, server.Email, server.Password, opts...)
}

// pablo is the pro account, by login.
func loginPablo(t *testing.T, opts ...cloudbooks.Option) *cloudbooks.Client {
	return login(t, server.ProEmail, server.ProPassword, opts...)
}

func uuid() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func unique(prefix string) string { return prefix + " " + uuid()[:8] }

// fault asks the sdk-server for a test fault, with a fresh id.
func fault(spec string) cloudbooks.Option {
	parts := strings.SplitN(spec, ";after-view", 2)
	value := parts[0] + ";id=" + uuid()
	if len(parts) == 2 {
		value += ";after-view"
	}
	return cloudbooks.WithHeader("CloudBooks-Test-Fault", value)
}

// apiError checks err is the *cloudbooks.Error of that status and code, carrying the
// envelope, and returns it.
func apiError(t *testing.T, err error, status int, code string) *cloudbooks.Error {
	t.Helper()
	var e *cloudbooks.Error
	if !errors.As(err, &e) {
		t.Fatalf("want a *cloudbooks.Error %d %s, got %T %v", status, code, err, err)
	}
	if e.Status != status || e.Code != code {
		t.Fatalf("want %d %s, got %d %s (%v)", status, code, e.Status, e.Code, e)
	}
	if e.Message == "" || e.Details == nil {
		t.Fatalf("the envelope's message and details are missing: %#v", e)
	}
	if e.RequestID == "" || e.RequestID != e.Header.Get("X-Request-Id") {
		t.Fatalf("request id %q is not the X-Request-Id header %q", e.RequestID, e.Header.Get("X-Request-Id"))
	}
	return e
}

func newOrg(t *testing.T, c *cloudbooks.Client) *cloudbooks.Organization {
	t.Helper()
	org, err := c.Organizations.Create(ctxT(t), &cloudbooks.OrganizationCreateParams{Name: unique("Org")})
	if err != nil {
		t.Fatal(err)
	}
	return org
}

func newProject(t *testing.T, c *cloudbooks.Client, orgID string) *cloudbooks.Project {
	t.Helper()
	p, err := c.Projects.Create(ctxT(t), &cloudbooks.ProjectCreateParams{Organization: orgID, Name: unique("Project")})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func projectsNamed(t *testing.T, c *cloudbooks.Client, orgID, name string) int {
	t.Helper()
	n := 0
	it := c.Projects.List(ctxT(t), &cloudbooks.ProjectListParams{Organization: orgID, Limit: 100})
	for it.Next() {
		if it.Current().Name == name {
			n++
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// countingTransport counts requests by path and, when gate is set, holds the answers to
// the first attempts of a login (sent with `gateToken`) until `gate` of them have come
// back: every goroutine then sees its 401 before any of them renews the token.
type countingTransport struct {
	mu     sync.Mutex
	counts map[string]int
	hosts  map[string]int

	gateToken string
	gate      *sync.WaitGroup
	// refreshDown makes every POST /auth/refresh a connection error.
	refreshDown bool
}

func (ct *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ct.mu.Lock()
	if ct.counts == nil {
		ct.counts, ct.hosts = map[string]int{}, map[string]int{}
	}
	ct.counts[strings.TrimSuffix(req.URL.Path, "/")]++
	ct.hosts[req.URL.Host]++
	gated := ct.gate != nil && req.Header.Get("Authorization") == "Bearer "+ct.gateToken
	refreshDown := ct.refreshDown && strings.HasSuffix(req.URL.Path, "/auth/refresh")
	ct.mu.Unlock()
	if refreshDown {
		return nil, errors.New("connection refused (test)")
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if gated {
		ct.gate.Done()
		ct.gate.Wait()
	}
	return resp, err
}

func (ct *countingTransport) count(path string) int {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	return ct.counts[path]
}
