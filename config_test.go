package latchkey

import (
	"strings"
	"testing"
)

func TestNormaliseURLDomain(t *testing.T) {
	for in, want := range map[string]string{
		"api.example.com/":                  "https://api.example.com",
		"localhost":                         "http://localhost",
		"127.0.0.1:4000":                    "http://127.0.0.1:4000",
		".example.com":                      "https://example.com",
		"http://api.example.com/hello?x=1":  "http://api.example.com",
		"HTTPS://API.Example.COM:8443/path": "https://api.example.com:8443",
		"localhost:3000":                    "http://localhost:3000",
	} {
		got, err := NormaliseURLDomain(in)
		if err != nil || got != want {
			t.Errorf("NormaliseURLDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for bad, msg := range map[string]string{
		"":            "a domain is required",
		"/auth":       `"/auth" is a path, not a domain`,
		"nodots":      `"nodots" is not a valid domain`,
		"ftp://x.com": `"ftp://x.com": the scheme must be http, https or supertokens`,
	} {
		if got, err := NormaliseURLDomain(bad); err == nil || err.Error() != msg {
			t.Errorf("NormaliseURLDomain(%q) = %q, %v; want the error %q", bad, got, err, msg)
		}
	}
	if got, err := NormaliseURLDomain("supertokens://core.example.com"); err != nil || got != "supertokens://core.example.com" {
		t.Errorf("the supertokens scheme: %q, %v", got, err)
	}
}

func TestNormaliseURLPath(t *testing.T) {
	for in, want := range map[string]string{
		"/":                         "",
		"":                          "",
		"one/two/":                  "/one/two",
		"api.example.com/one/two?x": "/one/two",
		"/.netlify/functions/api":   "/.netlify/functions/api",
		"/Auth/":                    "/auth",
		"http://a.com/x#frag":       "/x",
	} {
		got, err := NormaliseURLPath(in)
		if err != nil || got != want {
			t.Errorf("NormaliseURLPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	_, err := New(Config{})
	if err == nil {
		t.Fatal("New(Config{}) succeeded")
	}
	for _, want := range []string{"AppName", "APIDomain", "WebsiteDomain", "ConnectionURI", "Recipes"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	_, err = New(Config{
		AppInfo: AppInfo{AppName: "x", APIDomain: "api.example.com", WebsiteDomain: "example.com"},
		Core:    CoreConfig{ConnectionURI: "localhost:3567;http://ok:3567"},
		Recipes: []Recipe{nil},
	})
	if err == nil || !strings.Contains(err.Error(), "localhost:3567") || !strings.Contains(err.Error(), "Recipes[0] is nil") {
		t.Fatalf("got %v", err)
	}
}

func TestAppDefaults(t *testing.T) {
	app, err := normaliseApp(AppInfo{AppName: "x", APIDomain: "api.example.com", WebsiteDomain: "www.example.com", APIGatewayPath: "/gw/"})
	if err != nil {
		t.Fatal(err)
	}
	if app.APIBasePath != "/gw/auth" || app.WebsiteBasePath != "/auth" || app.APIDomain != "https://api.example.com" {
		t.Fatalf("%+v", app)
	}
	if app.TopLevelAPIDomain() != "example.com" {
		t.Fatalf("top level %q", app.TopLevelAPIDomain())
	}
	o, _ := app.Origin(nil)
	if o != "https://www.example.com" {
		t.Fatalf("origin %q", o)
	}
	root, _ := normaliseApp(AppInfo{AppName: "x", APIDomain: "localhost:8080", Origin: "localhost:3000", APIBasePath: "/"})
	if root.APIBasePath != "" || root.TopLevelAPIDomain() != "localhost" {
		t.Fatalf("%+v", root)
	}
}
