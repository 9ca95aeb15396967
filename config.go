package latchkey

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"
)

// Config configures a [Latchkey]. New validates it in one pass and reports
// every problem at once.
type Config struct {
	// AppInfo names the app and says where its API and website live.
	// Required.
	AppInfo AppInfo
	// Core says how to reach the Latchkey core. Required.
	Core CoreConfig
	// Recipes are the features to enable, such as session.New(...) and
	// emailpassword.New(...). Each may appear once. Required.
	Recipes []Recipe
	// ErrorHandler writes the response for an error that no recipe
	// handles (a core that is down, say). Default: log it and answer 500
	// with the body {"message":"internal error"}; the error text never
	// reaches the client.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)
	// Logger receives the SDK's logs. Tokens and passwords are never
	// logged. Default: slog.Default().
	Logger *slog.Logger
	// Now tells the time; tests move it to expire tokens. Default: time.Now.
	Now func() time.Time
	// ClientIP returns the end user's IP address for a request, which the
	// SDK sends to the core (header latchkey-client-ip) so that the core
	// can limit failed sign-ins per IP as well as per account. Behind a
	// reverse proxy, read the proxy's header here (only if the proxy sets
	// it: a client can send any X-Forwarded-For). Return "" to send none.
	// Default: RemoteAddrIP, the connecting peer.
	ClientIP func(r *http.Request) string
	// SuspendedMessage is what the frontend shows a suspended user who
	// tries to sign in (a GENERAL_ERROR; see [Latchkey.SuspendUser]).
	// Default: DefaultSuspendedMessage.
	SuspendedMessage string
}

// DefaultSuspendedMessage is the default Config.SuspendedMessage.
const DefaultSuspendedMessage = "Your account is suspended. Please contact support."

// AppInfo names the app and says where its API and website are
// (reference/sdk-fdi.md §1.1).
type AppInfo struct {
	// AppName is shown in emails. Required.
	AppName string
	// APIDomain is where the backend is served, such as
	// "https://api.example.com" or "localhost:8080". Required.
	APIDomain string
	// APIBasePath is the path the SDK's routes live under. Default:
	// "/auth"; "/" means the root.
	APIBasePath string
	// APIGatewayPath is a prefix that a gateway in front of the backend
	// strips from request paths; it is put back before matching routes.
	// Default: "".
	APIGatewayPath string
	// WebsiteDomain is where the website is served, used in email links
	// and to choose cookie attributes. One of WebsiteDomain, Origin or
	// GetOrigin is required; GetOrigin wins over Origin, which wins over
	// WebsiteDomain.
	WebsiteDomain string
	// Origin is the website's origin; see WebsiteDomain.
	Origin string
	// GetOrigin returns the website's origin for a request, for apps that
	// serve several websites. r is nil when there is no request (an email
	// sent from a background job).
	GetOrigin func(r *http.Request) (string, error)
	// WebsiteBasePath is the website path of the auth pages, used in email
	// links. Default: "/auth"; "/" means the root.
	WebsiteBasePath string
}

// CoreConfig says how to reach the core: over HTTP through ConnectionURI, or
// in-process through Handler.
type CoreConfig struct {
	// ConnectionURI is one core URL, or several separated by ";" (used
	// round robin, with failover when one refuses connections). A URL may
	// carry a base path: "http://core:3567/base".
	ConnectionURI string
	// Handler is a core to call in-process, with no socket: pass the
	// value of core.New. Set either Handler or ConnectionURI.
	Handler http.Handler
	// APIKey is sent to the core in the api-key header. Default: none.
	APIKey string
	// HTTPClient makes the calls to the core over HTTP. Default: a client
	// with a 30s timeout over NewCoreTransport, which keeps connections to
	// the core open for reuse.
	HTTPClient *http.Client
}

// App is the normalised AppInfo that recipes use.
type App struct {
	// Name is AppInfo.AppName.
	Name string
	// APIDomain is scheme://host[:port].
	APIDomain string
	// APIBasePath is the gateway path followed by the base path, such as
	// "/auth"; "" for the root.
	APIBasePath string
	// APIGatewayPath is the normalised gateway path.
	APIGatewayPath string
	// WebsiteBasePath is the normalised website base path.
	WebsiteBasePath string

	origin func(r *http.Request) (string, error)
}

// Origin returns the website's normalised origin for r (which may be nil).
func (a *App) Origin(r *http.Request) (string, error) { return a.origin(r) }

// TopLevelAPIDomain returns the API domain's registrable domain (eTLD+1), or
// "localhost" for localhost and IP addresses.
func (a *App) TopLevelAPIDomain() string { return topLevelDomain(a.APIDomain) }

// TopLevelWebsiteDomain returns the website's registrable domain for r.
func (a *App) TopLevelWebsiteDomain(r *http.Request) (string, error) {
	o, err := a.origin(r)
	if err != nil {
		return "", err
	}
	return topLevelDomain(o), nil
}

// normaliseApp applies reference/sdk-fdi.md §1.1 and reports every problem.
func normaliseApp(in AppInfo) (*App, error) {
	var errs []error
	app := &App{Name: in.AppName}
	if strings.TrimSpace(in.AppName) == "" {
		errs = append(errs, errors.New("latchkey: AppInfo.AppName is required"))
	}
	if strings.TrimSpace(in.APIDomain) == "" {
		errs = append(errs, errors.New("latchkey: AppInfo.APIDomain is required, such as \"https://api.example.com\""))
	} else if d, err := NormaliseURLDomain(in.APIDomain); err != nil {
		errs = append(errs, fmt.Errorf("latchkey: AppInfo.APIDomain: %w", err))
	} else {
		app.APIDomain = d
	}
	gw, err := NormaliseURLPath(in.APIGatewayPath)
	if err != nil {
		errs = append(errs, fmt.Errorf("latchkey: AppInfo.APIGatewayPath: %w", err))
	}
	app.APIGatewayPath = gw
	base := in.APIBasePath
	if base == "" {
		base = "/auth"
	}
	bp, err := NormaliseURLPath(base)
	if err != nil {
		errs = append(errs, fmt.Errorf("latchkey: AppInfo.APIBasePath: %w", err))
	}
	app.APIBasePath = gw + bp
	wbase := in.WebsiteBasePath
	if wbase == "" {
		wbase = "/auth"
	}
	app.WebsiteBasePath, err = NormaliseURLPath(wbase)
	if err != nil {
		errs = append(errs, fmt.Errorf("latchkey: AppInfo.WebsiteBasePath: %w", err))
	}
	switch {
	case in.GetOrigin != nil:
		get := in.GetOrigin
		app.origin = func(r *http.Request) (string, error) {
			o, err := get(r)
			if err != nil {
				return "", err
			}
			return NormaliseURLDomain(o)
		}
	case in.Origin != "" || in.WebsiteDomain != "":
		raw := in.Origin
		field := "Origin"
		if raw == "" {
			raw, field = in.WebsiteDomain, "WebsiteDomain"
		}
		o, err := NormaliseURLDomain(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("latchkey: AppInfo.%s: %w", field, err))
		}
		app.origin = func(*http.Request) (string, error) { return o, nil }
	default:
		errs = append(errs, errors.New("latchkey: AppInfo needs one of WebsiteDomain, Origin or GetOrigin"))
	}
	return app, errors.Join(errs...)
}

// NormaliseURLDomain turns a domain as a user writes it into
// scheme://host[:port], as reference/sdk-fdi.md §1.1 says: "api.example.com/"
// becomes "https://api.example.com", "localhost:3000" becomes
// "http://localhost:3000". The scheme must be http, https or supertokens.
func NormaliseURLDomain(input string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(input))
	if s == "" {
		return "", errors.New("a domain is required")
	}
	if !strings.Contains(s, "://") {
		if strings.HasPrefix(s, "/") {
			return "", fmt.Errorf("%q is a path, not a domain", input)
		}
		s = strings.TrimPrefix(s, ".")
		if !strings.Contains(s, ".") && !strings.HasPrefix(s, "localhost") {
			return "", fmt.Errorf("%q is not a valid domain", input)
		}
		scheme := "https://"
		host := s
		if i := strings.IndexAny(host, "/?#"); i >= 0 {
			host = host[:i]
		}
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if host == "localhost" || net.ParseIP(host) != nil {
			scheme = "http://"
		}
		s = scheme + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%q is not a valid domain", input)
	}
	switch u.Scheme {
	case "http", "https", "supertokens":
	default:
		return "", fmt.Errorf("%q: the scheme must be http, https or supertokens", input)
	}
	return u.Scheme + "://" + u.Host, nil
}

// NormaliseURLPath turns a path as a user writes it into "" or "/a/b"
// (lower-cased, no trailing slash, no query), as reference/sdk-fdi.md §1.1
// says. A value that looks like a domain gives its path.
func NormaliseURLPath(input string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(input))
	if s == "" || s == "/" {
		return "", nil
	}
	if !strings.HasPrefix(s, "/") {
		first := s
		if i := strings.Index(first, "/"); i >= 0 {
			first = first[:i]
		}
		if strings.Contains(s, "://") || (strings.Contains(first, ".") && !strings.HasPrefix(first, ".")) || strings.HasPrefix(s, "localhost") {
			if !strings.Contains(s, "://") {
				s = "http://" + s
			}
			u, err := url.Parse(s)
			if err != nil {
				return "", fmt.Errorf("%q is not a valid path", input)
			}
			s = u.Path
		} else {
			s = "/" + s
		}
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, "/")
	if s != "" && !strings.HasPrefix(s, "/") {
		s = "/" + s
	}
	return s, nil
}

// topLevelDomain returns eTLD+1 of a normalised domain, "localhost" for
// localhost and IPs, and the host itself when it is a public suffix (an
// *.amazonaws.com host, say).
func topLevelDomain(domain string) string {
	u, err := url.Parse(domain)
	if err != nil {
		return domain
	}
	host := u.Hostname()
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || net.ParseIP(host) != nil {
		return "localhost"
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}
