package emailpassword_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

type obj = map[string]any

func signUp(t *testing.T, c *coretest.Client, email, pw string) obj {
	t.Helper()
	r := c.Post(t, "/recipe/signup", obj{"email": email, "password": pw})
	if s := r.Status(t); s != "OK" {
		t.Fatalf("signup %s: %s", email, r.Body)
	}
	return r.JSON(t)
}

func TestSignUpAndSignIn(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		body := signUp(t, c, "  Alice@Example.COM ", "secret123")
		user := body["user"].(obj)
		id := user["id"].(string)
		if body["recipeUserId"] != id {
			t.Errorf("recipeUserId %v != user id %v", body["recipeUserId"], id)
		}
		if got := user["emails"].([]any); len(got) != 1 || got[0] != "alice@example.com" {
			t.Errorf("emails = %v, want the trimmed lower-cased email", got)
		}
		lm := user["loginMethods"].([]any)[0].(obj)
		for k, want := range (obj{"recipeId": "emailpassword", "recipeUserId": id, "email": "alice@example.com", "verified": false}) {
			if lm[k] != want {
				t.Errorf("loginMethods[0].%s = %v, want %v", k, lm[k], want)
			}
		}
		if user["isPrimaryUser"] != false || user["tenantIds"].([]any)[0] != "public" {
			t.Errorf("user = %v", user)
		}
		if _, ok := user["webauthn"].(obj)["credentialIds"].([]any); !ok {
			t.Errorf("webauthn.credentialIds missing: %v", user)
		}

		cases := []struct {
			name, email, password, want string
		}{
			{"right password", "alice@example.com", "secret123", "OK"},
			{"email case and spaces", " ALICE@example.com", "secret123", "OK"},
			{"wrong password", "alice@example.com", "secret124", "WRONG_CREDENTIALS_ERROR"},
			{"unknown email", "bob@example.com", "secret123", "WRONG_CREDENTIALS_ERROR"},
			{"empty password", "alice@example.com", "", "WRONG_CREDENTIALS_ERROR"},
		}
		for _, tc := range cases {
			r := c.Post(t, "/recipe/signin", obj{"email": tc.email, "password": tc.password})
			if got := r.Status(t); got != tc.want {
				t.Errorf("%s: status %s, want %s", tc.name, got, tc.want)
			}
			if tc.want == "OK" && r.JSON(t)["user"].(obj)["id"] != id {
				t.Errorf("%s: signed in as %v", tc.name, r.JSON(t)["user"])
			}
		}

		if r := c.Post(t, "/recipe/signup", obj{"email": "ALICE@example.com", "password": "other"}); r.Status(t) != "EMAIL_ALREADY_EXISTS_ERROR" {
			t.Errorf("duplicate sign-up: %s", r.Body)
		}
		r := c.Post(t, "/recipe/signup", obj{"email": "carol@example.com", "password": ""})
		if r.Code != http.StatusBadRequest || r.Text() != "Password cannot be an empty string" {
			t.Errorf("empty password: %d %q", r.Code, r.Body)
		}
	})
}

func TestFakeEmailsAreVerified(t *testing.T) {
	c := coretest.New(t)
	for email, want := range map[string]bool{
		"u1@stfakeemail.supertokens.com": true,
		"u2@x.fakeemail.com":             true,
		"u3@example.com":                 false,
	} {
		user := signUp(t, c, email, "pw")["user"].(obj)
		if got := user["loginMethods"].([]any)[0].(obj)["verified"]; got != want {
			t.Errorf("%s verified = %v, want %v", email, got, want)
		}
	}
}

func TestGetAndUpdateUser(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		id := signUp(t, c, "dave@example.com", "first123")["user"].(obj)["id"].(string)
		signUp(t, c, "erin@example.com", "erin123")

		gets := []struct {
			name, query string
			wantCode    int
			want        string
		}{
			{"by id", "?userId=" + id, 200, "OK"},
			{"by email", "?email=DAVE@example.com", 200, "OK"},
			{"unknown id", "?userId=nope", 200, "UNKNOWN_USER_ID_ERROR"},
			{"unknown email", "?email=nope@example.com", 200, "UNKNOWN_EMAIL_ERROR"},
			{"both", "?userId=" + id + "&email=dave@example.com", 400, "Please provide only one of userId or email"},
			{"neither", "", 400, "Please provide one of userId or email"},
		}
		for _, g := range gets {
			r := c.Get(t, "/recipe/user"+g.query, "rid", "emailpassword")
			if r.Code != g.wantCode {
				t.Fatalf("%s: %d %s", g.name, r.Code, r.Body)
			}
			if g.wantCode == 400 {
				if r.Text() != g.want {
					t.Errorf("%s: %q, want %q", g.name, r.Text(), g.want)
				}
				continue
			}
			if got := r.Status(t); got != g.want {
				t.Errorf("%s: %s, want %s", g.name, got, g.want)
			}
		}
		// No rid means emailpassword.
		if r := c.Get(t, "/recipe/user?userId="+id); r.Status(t) != "OK" {
			t.Errorf("no rid: %s", r.Body)
		}

		puts := []struct {
			name     string
			body     obj
			wantCode int
			want     string
		}{
			{"new password", obj{"recipeUserId": id, "password": "second123"}, 200, "OK"},
			{"taken email", obj{"recipeUserId": id, "email": "erin@example.com"}, 200, "EMAIL_ALREADY_EXISTS_ERROR"},
			{"unknown user", obj{"recipeUserId": "nope", "email": "x@example.com"}, 200, "UNKNOWN_USER_ID_ERROR"},
			{"nothing to change", obj{"recipeUserId": id}, 400, "You have to provide either email or password."},
			{"empty password", obj{"recipeUserId": id, "password": ""}, 400, "Password cannot be an empty string"},
			{"new email", obj{"recipeUserId": id, "email": " Dave2@Example.com"}, 200, "OK"},
		}
		for _, p := range puts {
			r := c.Put(t, "/recipe/user", p.body, "rid", "emailpassword")
			if r.Code != p.wantCode {
				t.Fatalf("%s: %d %s", p.name, r.Code, r.Body)
			}
			if p.wantCode == 400 {
				if r.Text() != p.want {
					t.Errorf("%s: %q, want %q", p.name, r.Text(), p.want)
				}
			} else if got := r.Status(t); got != p.want {
				t.Errorf("%s: %s, want %s", p.name, got, p.want)
			}
		}
		if r := c.Post(t, "/recipe/signin", obj{"email": "dave2@example.com", "password": "second123"}); r.Status(t) != "OK" {
			t.Errorf("sign-in after update: %s", r.Body)
		}
		if r := c.Post(t, "/recipe/signin", obj{"email": "dave@example.com", "password": "second123"}); r.Status(t) != "WRONG_CREDENTIALS_ERROR" {
			t.Errorf("old email still signs in: %s", r.Body)
		}
	})
}

func TestPasswordReset(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		id := signUp(t, c, "frank@example.com", "old12345")["user"].(obj)["id"].(string)

		if r := c.Post(t, "/recipe/user/password/reset/token", obj{"userId": "nope", "email": "x@example.com"}); r.Status(t) != "UNKNOWN_USER_ID_ERROR" {
			t.Errorf("unknown user: %s", r.Body)
		}
		token := func() string {
			r := c.Post(t, "/recipe/user/password/reset/token", obj{"userId": id, "email": "frank@example.com"})
			if r.Status(t) != "OK" {
				t.Fatalf("token: %s", r.Body)
			}
			tok := r.JSON(t)["token"].(string)
			if len(tok) < 64 || strings.ContainsAny(tok, "+/=") {
				t.Errorf("token %q is not long and URL-safe", tok)
			}
			return tok
		}
		t1, t2 := token(), token()
		r := c.Post(t, "/recipe/user/password/reset/token/consume", obj{"token": t1})
		if r.Status(t) != "OK" || r.JSON(t)["userId"] != id || r.JSON(t)["email"] != "frank@example.com" {
			t.Fatalf("consume: %s", r.Body)
		}
		// Consuming one token ends every token of the user.
		for name, tok := range map[string]string{"reused": t1, "sibling": t2, "made up": "abc"} {
			if r := c.Post(t, "/recipe/user/password/reset/token/consume", obj{"token": tok}); r.Status(t) != "RESET_PASSWORD_INVALID_TOKEN_ERROR" {
				t.Errorf("%s token: %s", name, r.Body)
			}
		}

		// The pre-4.0 flow consumes and sets the password at once.
		t3 := token()
		bad := c.Post(t, "/recipe/user/password/reset", obj{"method": "email", "token": t3, "newPassword": "new12345"})
		if bad.Code != http.StatusBadRequest {
			t.Errorf("method email: %d %s", bad.Code, bad.Body)
		}
		r = c.Post(t, "/recipe/user/password/reset", obj{"method": "token", "token": t3, "newPassword": "new12345"})
		if r.Status(t) != "OK" || r.JSON(t)["userId"] != id {
			t.Fatalf("reset: %s", r.Body)
		}
		if r := c.Post(t, "/recipe/signin", obj{"email": "frank@example.com", "password": "new12345"}); r.Status(t) != "OK" {
			t.Errorf("new password does not work: %s", r.Body)
		}
		if r := c.Post(t, "/recipe/user/password/reset", obj{"method": "token", "token": t3, "newPassword": "x1234567"}); r.Status(t) != "RESET_PASSWORD_INVALID_TOKEN_ERROR" {
			t.Errorf("reused token: %s", r.Body)
		}
	})
}

// TestResetTokenDiesWithTheEmail: a reset link sent to the old address
// stops working once the user's email changes (issue 11, finding 12); a
// password change alone keeps it.
func TestResetTokenDiesWithTheEmail(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		id := signUp(t, c, "hal@example.com", "old12345")["user"].(obj)["id"].(string)
		token := func() string {
			r := c.Post(t, "/recipe/user/password/reset/token", obj{"userId": id, "email": "hal@example.com"})
			if r.Status(t) != "OK" {
				t.Fatalf("token: %s", r.Body)
			}
			return r.JSON(t)["token"].(string)
		}
		update := func(body obj) {
			body["recipeUserId"] = id
			if r := c.Put(t, "/recipe/user", body, "rid", "emailpassword"); r.Status(t) != "OK" {
				t.Fatalf("update %v: %s", body, r.Body)
			}
		}

		kept := token()
		update(obj{"password": "other123"})
		if r := c.Post(t, "/recipe/user/password/reset/token/consume", obj{"token": kept}); r.Status(t) != "OK" {
			t.Errorf("token after a password change: %s", r.Body)
		}

		old := token()
		update(obj{"email": "hal@new.example.com"})
		if r := c.Post(t, "/recipe/user/password/reset/token/consume", obj{"token": old}); r.Status(t) != "RESET_PASSWORD_INVALID_TOKEN_ERROR" {
			t.Errorf("token sent to the old address: %s", r.Body)
		}
	})
}

func TestResetTokenExpires(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c := coretest.New(t, func(cfg *core.Config) { cfg.Now = clock })
	id := signUp(t, c, "gina@example.com", "pw")["user"].(obj)["id"].(string)
	r := c.Post(t, "/recipe/user/password/reset/token", obj{"userId": id, "email": "gina@example.com"})
	tok := r.JSON(t)["token"].(string)
	mu.Lock()
	now = now.Add(time.Hour + time.Second)
	mu.Unlock()
	if r := c.Post(t, "/recipe/user/password/reset/token/consume", obj{"token": tok}); r.Status(t) != "RESET_PASSWORD_INVALID_TOKEN_ERROR" {
		t.Errorf("expired token: %s", r.Body)
	}
}

func TestImportPasswordHash(t *testing.T) {
	bcryptHash, _ := bcrypt.GenerateFromPassword([]byte("imported1"), 4)
	y := strings.Replace(string(bcryptHash), "$2a$", "$2y$", 1)
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("imported2"), salt, 1, 64, 1, 32)
	argonHash := fmt.Sprintf("$argon2id$v=19$m=64,t=1,p=1$%s$%s", b64(salt), b64(key))

	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		cases := []struct {
			name, email, hash, alg, password string
			wantCode                         int
			wantExisted                      bool
		}{
			{"bcrypt detected", "h1@example.com", string(bcryptHash), "", "imported1", 200, false},
			{"bcrypt 2y", "h2@example.com", y, "bcrypt", "imported1", 200, false},
			{"argon2id", "h3@example.com", argonHash, "ARGON2", "imported2", 200, false},
			{"replace hash of existing", "h1@example.com", argonHash, "", "imported2", 200, true},
			{"wrong algorithm", "h4@example.com", argonHash, "BCRYPT", "", 400, false},
			{"unknown format", "h5@example.com", "plaintext", "", "", 400, false},
			{"unknown algorithm", "h6@example.com", string(bcryptHash), "MD5", "", 400, false},
			{"blank hash", "h7@example.com", " ", "", "", 400, false},
		}
		for _, tc := range cases {
			body := obj{"email": tc.email, "passwordHash": tc.hash}
			if tc.alg != "" {
				body["hashingAlgorithm"] = tc.alg
			}
			r := c.Post(t, "/recipe/user/passwordhash/import", body)
			if r.Code != tc.wantCode {
				t.Fatalf("%s: %d %s", tc.name, r.Code, r.Body)
			}
			if tc.wantCode != 200 {
				continue
			}
			if r.Status(t) != "OK" || r.JSON(t)["didUserAlreadyExist"] != tc.wantExisted {
				t.Errorf("%s: %s", tc.name, r.Body)
			}
			if s := c.Post(t, "/recipe/signin", obj{"email": tc.email, "password": tc.password}); s.Status(t) != "OK" {
				t.Errorf("%s: cannot sign in with the imported hash: %s", tc.name, s.Body)
			}
		}
	})
}

func TestArgon2ForNewPasswords(t *testing.T) {
	c := coretest.New(t, func(cfg *core.Config) {
		cfg.PasswordHashing = core.PasswordHashing{Algorithm: "ARGON2", Argon2MemoryKB: 1024, Argon2Iterations: 1, Argon2Parallelism: 1}
	})
	id := signUp(t, c, "argon@example.com", "pw123456")["user"].(obj)["id"].(string)
	ep, err := c.Store.EmailPasswordUser(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ep.PasswordHash, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash %q is not argon2id with the configured parameters", ep.PasswordHash)
	}
	if r := c.Post(t, "/recipe/signin", obj{"email": "argon@example.com", "password": "pw123456"}); r.Status(t) != "OK" {
		t.Errorf("sign-in: %s", r.Body)
	}
}

// TestConcurrentSignUpsOneEmail is the race rule: of 50 sign-ups with one
// email at once, exactly one succeeds and one user is stored.
func TestConcurrentSignUpsOneEmail(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		const n = 50
		statuses := make(chan string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := c.Post(t, "/recipe/signup", obj{"email": "race@example.com", "password": fmt.Sprintf("pw%d", i)})
				if r.Code != 200 {
					t.Errorf("HTTP %d: %s", r.Code, r.Body)
					return
				}
				statuses <- r.JSON(t)["status"].(string)
			}()
		}
		wg.Wait()
		close(statuses)
		counts := map[string]int{}
		for s := range statuses {
			counts[s]++
		}
		if counts["OK"] != 1 || counts["EMAIL_ALREADY_EXISTS_ERROR"] != n-1 {
			t.Errorf("statuses = %v, want 1 OK and %d EMAIL_ALREADY_EXISTS_ERROR", counts, n-1)
		}
		if r := c.Get(t, "/users/count"); r.JSON(t)["count"] != float64(1) {
			t.Errorf("count = %s", r.Body)
		}
	})
}

func b64(b []byte) string { return base64.RawStdEncoding.EncodeToString(b) }
