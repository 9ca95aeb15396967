package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/emaildelivery"
	"github.com/latchkey-dev/latchkey/examples/demo"
	"github.com/latchkey-dev/latchkey/recipe/thirdparty"
	"github.com/latchkey-dev/latchkey/smsdelivery"
)

// runDemo starts the whole system in one process: a core on SQLite, the
// demo backend (built with the SDK) and the demo website, until Ctrl-C.
func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("latchkey demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "latchkey-demo", "directory for the demo's SQLite database")
	corePort := fs.Int("core-port", 3567, "port of the core, on 127.0.0.1")
	apiPort := fs.Int("api-port", 3001, "port of the demo backend, on localhost")
	webPort := fs.Int("web-port", 3000, "port of the demo website, on localhost")
	oidcPort := fs.Int("oidc-port", 3002, "port of the demo's local OpenID provider, on localhost")
	apiKey := fs.String("api-key", "", "API key the core requires (none by default: the core listens on 127.0.0.1 only, serves loopback Host names only and refuses browser requests)")
	readTimeout := fs.Duration("read-timeout", latchkey.ServerReadTimeout,
		"how long the backend and website wait for a request (headers: at most 10s); an idle connection is closed after four times that")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if *readTimeout <= 0 {
		fmt.Fprintln(stderr, "latchkey demo: --read-timeout must be positive")
		return errUsage
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	logger := newLogger(stderr, "text", slog.LevelWarn)

	coreLn, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(*corePort)))
	if err != nil {
		return fmt.Errorf("core port: %w", err)
	}
	apiLns, err := listenLocalhost(*apiPort)
	if err != nil {
		coreLn.Close()
		return fmt.Errorf("backend port: %w", err)
	}
	webLns, err := listenLocalhost(*webPort)
	if err != nil {
		coreLn.Close()
		closeAll(apiLns)
		return fmt.Errorf("website port: %w", err)
	}
	oidcLns, err := listenLocalhost(*oidcPort)
	if err != nil {
		coreLn.Close()
		closeAll(apiLns)
		closeAll(webLns)
		return fmt.Errorf("OpenID provider port: %w", err)
	}

	coreURL := "http://" + coreLn.Addr().String()
	apiURL := "http://localhost:" + port(apiLns[0])
	webURL := "http://localhost:" + port(webLns[0])
	idp, local, err := localProvider(issuerFor(oidcLns[0]), webURL)
	if err != nil {
		coreLn.Close()
		closeAll(apiLns)
		closeAll(webLns)
		closeAll(oidcLns)
		return err
	}
	providers := append([]thirdparty.ProviderInput{local}, envProviders(getenv)...)
	cfg := demo.Config{
		APIDomain:     apiURL,
		WebsiteDomain: webURL,
		Core:          latchkey.CoreConfig{ConnectionURI: coreURL, APIKey: *apiKey},
		Mail:          printedMail{w: stdout},
		SMS:           printedSMS{w: stdout},
		ThirdParty:    providers,
		Logger:        logger,
	}
	backend, err := demo.NewBackend(cfg)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	settings := coreSettings{DB: "sqlite:" + filepath.Join(*dir, "latchkey.db"), Core: core.Config{}}
	if *apiKey != "" {
		settings.Core.APIKeys = []string{*apiKey}
	}
	coreReady := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := serveCore(ctx, coreLn, settings, logger, func(*core.Core) { close(coreReady) }); err != nil {
			errc <- fmt.Errorf("core: %w", err)
		}
	}()
	servers := []*http.Server{}
	serve := func(h http.Handler, lns []net.Listener) {
		srv := latchkey.NewServer("", h)
		srv.ReadTimeout = *readTimeout
		srv.ReadHeaderTimeout = min(srv.ReadHeaderTimeout, *readTimeout)
		srv.IdleTimeout = 4 * *readTimeout
		srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
		servers = append(servers, srv)
		for _, ln := range lns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					errc <- err
				}
			}()
		}
	}
	serve(backend, apiLns)
	serve(demo.NewWebsite(cfg), webLns)
	serve(idp, oidcLns)

	select {
	case <-coreReady:
		printBanner(stdout, coreURL, apiURL, webURL, *apiKey, settings.DB, providerLines(providers, webURL, apiURL))
	case err := <-errc:
		cancel()
		wg.Wait()
		return err
	}

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	fmt.Fprintln(stdout, "\nStopping the demo…")
	cancel()
	shutdownCtx, stop := context.WithTimeout(context.Background(), shutdownGrace)
	defer stop()
	for _, srv := range servers {
		_ = srv.Shutdown(shutdownCtx)
	}
	wg.Wait()
	return runErr
}

// listenLocalhost listens on the port on 127.0.0.1 and, where the machine
// has IPv6 loopback, on ::1 too, since browsers may resolve localhost to
// either.
func listenLocalhost(p int) ([]net.Listener, error) {
	v4, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
	if err != nil {
		return nil, err
	}
	lns := []net.Listener{v4}
	if v6, err := net.Listen("tcp", net.JoinHostPort("::1", port(v4))); err == nil {
		lns = append(lns, v6)
	}
	return lns, nil
}

func port(ln net.Listener) string {
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	return p
}

func closeAll(lns []net.Listener) {
	for _, ln := range lns {
		ln.Close()
	}
}

// dashboardUserCommand is the command the dashboard's "Add a new user"
// screen shows, for this core.
func dashboardUserCommand(coreURL, apiKey string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "curl --location --request POST '%s/recipe/dashboard/user' \\\n", coreURL)
	b.WriteString("--header 'rid: dashboard' \\\n")
	if apiKey != "" {
		fmt.Fprintf(&b, "--header 'api-key: %s' \\\n", apiKey)
	}
	b.WriteString("--header 'Content-Type: application/json' \\\n")
	b.WriteString(`--data-raw '{"email": "admin@example.com","password": "abcd1234"}'`)
	return b.String()
}

func printBanner(w io.Writer, coreURL, apiURL, webURL, apiKey, db, providers string) {
	fmt.Fprintf(w, `
Latchkey demo is running.

  Website     %s
  Backend     %s   (GET /sessioninfo shows your session)
  Dashboard   %s/auth/dashboard
  Core        %s   (%s)

"Continue with …" providers (set LATCHKEY_DEMO_<PROVIDER>_CLIENT_ID and
_CLIENT_SECRET for more; see the README):

%s
Create dashboard credentials (then sign in to the dashboard with them):

%s

Emails and text messages (password reset, email verification, sign-in
codes) are printed here instead of sent.
Press Ctrl-C to stop.
`, webURL, apiURL, apiURL, coreURL, db, providers, dashboardUserCommand(coreURL, apiKey))
}

// printedMail is the demo's email delivery: it prints each email's link
// to the terminal.
type printedMail struct {
	w io.Writer
}

// Send implements emaildelivery.Sender.
func (m printedMail) Send(_ context.Context, e emaildelivery.Email) error {
	subject, _, _ := emaildelivery.Content(e)
	fmt.Fprintf(m.w, "\n✉  Email to %s: %q\n", e.To, subject)
	if e.UserInputCode != "" {
		fmt.Fprintf(m.w, "   Code: %s\n", e.UserInputCode)
	}
	if e.Link != "" {
		fmt.Fprintf(m.w, "   Open this link: %s\n", e.Link)
	}
	return nil
}

// printedSMS is the demo's text-message delivery: it prints each message.
type printedSMS struct {
	w io.Writer
}

// Send implements smsdelivery.Sender.
func (p printedSMS) Send(_ context.Context, s smsdelivery.SMS) error {
	fmt.Fprintf(p.w, "\n📱 Text to %s:\n   %s\n", s.To, strings.ReplaceAll(smsdelivery.Content(s), "\n", "\n   "))
	return nil
}
