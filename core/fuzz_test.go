package core_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/latchkey-dev/latchkey/core/coretest"
)

// fuzzRoutes are the JSON endpoints the fuzzer sends bodies to: every POST
// and PUT that reads a body.
var fuzzRoutes = []struct{ method, path string }{
	{"POST", "/recipe/signup"},
	{"POST", "/recipe/signin"},
	{"PUT", "/recipe/user"},
	{"POST", "/recipe/user/password/reset/token"},
	{"POST", "/recipe/user/password/reset/token/consume"},
	{"POST", "/recipe/user/password/reset"},
	{"POST", "/recipe/user/passwordhash/import"},
	{"POST", "/user/remove"},
	{"POST", "/recipe/dashboard/user"},
	{"PUT", "/recipe/dashboard/user"},
	{"POST", "/recipe/dashboard/signin"},
	{"POST", "/recipe/dashboard/session/verify"},
	{"POST", "/recipe/session"},
	{"POST", "/recipe/session/verify"},
	{"POST", "/recipe/session/refresh"},
	{"POST", "/recipe/session/remove"},
	{"PUT", "/recipe/session/data"},
	{"PUT", "/recipe/jwt/data"},
	{"POST", "/recipe/session/regenerate"},
	{"POST", "/recipe/jwt"},
	{"POST", "/recipe/user/email/verify/token"},
	{"POST", "/recipe/user/email/verify"},
	{"POST", "/recipe/user/email/verify/remove"},
	{"POST", "/recipe/user/email/verify/token/remove"},
	{"PUT", "/recipe/user/metadata"},
	{"POST", "/recipe/user/metadata/remove"},
	{"POST", "/recipe/user/metadata/bulk"},
	{"PUT", "/recipe/role"},
	{"POST", "/recipe/role/permissions/remove"},
	{"POST", "/recipe/role/remove"},
	{"PUT", "/recipe/user/role"},
	{"POST", "/recipe/user/role/remove"},
	{"POST", "/recipe/signinup/code"},
	{"POST", "/recipe/signinup/code/consume"},
	{"POST", "/recipe/signinup/code/check"},
	{"POST", "/recipe/signinup/code/remove"},
	{"POST", "/recipe/signinup/codes/remove"},
	{"GET", "/recipe/signinup/codes"},
}

// FuzzCoreJSON sends arbitrary bodies and query strings to every JSON
// endpoint and fails on any 500 (or panic): nothing a client sends may
// make the core fail.
func FuzzCoreJSON(f *testing.F) {
	seeds := []string{
		`{}`, `{"email":"a@b.co","password":"pw"}`, `{"email":1}`, `{"userId":null}`, `[]`, `null`, `"x"`,
		`{"recipeUserId":"x","email":"a@b.co","password":""}`, `{"sessionHandles":["a",1]}`,
		`{"userId":"u","enableAntiCsrf":false,"userDataInJWT":{"sub":1},"userDataInDatabase":{}}`,
		`{"accessToken":"a.b.c","doAntiCsrfCheck":true,"enableAntiCsrf":true,"checkDatabase":true}`,
		`{"refreshToken":"x.y.V2","enableAntiCsrf":false,"useDynamicSigningKey":true}`,
		`{"userId":"u","metadataUpdate":{"a":null,"b":{"c":[1,2]}}}`, `{"role":" ","permissions":[""]}`,
		`{"algorithm":"RS256","jwksDomain":"x","payload":{},"validity":-1}`,
		"{\"email\":\"\xff\"}", `{"email":"a@b.co","passwordHash":"$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA"}`,
		`{"phoneNumber":"+1 201-555-0123","userInputCode":""}`, `{"deviceId":"AAAA","userInputCode":"1"}`,
		`{"preAuthSessionId":"x","linkCode":"!!"}`, `{"preAuthSessionId":"x","deviceId":"+/==","userInputCode":"123456"}`,
		`{"codeId":null}`, `{"email":null,"phoneNumber":"00"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s), "")
	}
	f.Add(uint8(0), []byte(`{}`), "userId=%ff&limit=-1")
	f.Add(uint8(12), []byte(`{"userId":"a\u0000b","enableAntiCsrf":false,"userDataInJWT":{},"userDataInDatabase":{}}`), "")
	f.Add(uint8(24), []byte(`{"userId":"u","metadataUpdate":{"k\u0000":"v\u0000"}}`), "userId=%00")
	f.Add(uint8(len(fuzzRoutes)-1), []byte(`{}`), "phoneNumber=%2B1%20201&deviceId=%ff")
	f.Add(uint8(len(fuzzRoutes)-1), []byte(`{}`), "deviceId=-_-_")
	// Every input goes to a core on each engine: PostgreSQL refuses some
	// text that SQLite stores (a NUL byte), and both must answer 4xx.
	cores := []http.Handler{coretest.New(f).Core}
	if os.Getenv("LATCHKEY_TEST_POSTGRES_URL") != "" {
		cores = append(cores, coretest.Start(f, coretest.Mode{Engine: "postgres"}).Core)
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte, query string) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		for i, core := range cores {
			req := httptest.NewRequest(rt.method, "http://core"+rt.path, bytes.NewReader(body))
			req.URL.RawQuery = query
			req.Host = "localhost" // a keyless core serves loopback names only
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			core.ServeHTTP(rec, req)
			if rec.Code >= http.StatusInternalServerError {
				t.Fatalf("engine %s: %s %s?%s with %q: HTTP %d %s", coretest.Engines[i], rt.method, rt.path, query, body, rec.Code, rec.Body)
			}
		}
	})
}
