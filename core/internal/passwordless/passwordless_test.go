package passwordless_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/core"
	"github.com/latchkey-dev/latchkey/core/coretest"
)

type obj = map[string]any

// clock is a time source a test moves forward, one per core.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// run runs fn on a core of its own in every mode, each with its own clock.
func run(t *testing.T, fn func(t *testing.T, c *coretest.Client, clk *clock), configure ...func(*core.Config)) {
	for _, m := range coretest.Modes() {
		t.Run(m.String(), func(t *testing.T) {
			t.Parallel()
			clk := &clock{}
			c := coretest.Start(t, m, append([]func(*core.Config){func(cfg *core.Config) { cfg.Now = clk.Now }}, configure...)...)
			fn(t, c, clk)
		})
	}
}

func post(t *testing.T, c *coretest.Client, path string, body any) *coretest.Response {
	t.Helper()
	return c.Post(t, path, body, "rid", "passwordless")
}

// want checks a 200 answer's status and returns its body.
func want(t *testing.T, r *coretest.Response, status string) obj {
	t.Helper()
	if got := r.Status(t); got != status {
		t.Fatalf("status %s, want %s: %s", got, status, r.Body)
	}
	return r.JSON(t)
}

// want400 checks a 400 answer's text.
func want400(t *testing.T, r *coretest.Response, text string) {
	t.Helper()
	if r.Code != http.StatusBadRequest || r.Text() != text {
		t.Fatalf("got %d %q, want 400 %q", r.Code, r.Text(), text)
	}
}

func createCode(t *testing.T, c *coretest.Client, body obj) obj {
	t.Helper()
	return want(t, post(t, c, "/recipe/signinup/code", body), "OK")
}

func consumeCode(t *testing.T, c *coretest.Client, code obj, userInputCode string) *coretest.Response {
	t.Helper()
	return post(t, c, "/recipe/signinup/code/consume", obj{"preAuthSessionId": code["preAuthSessionId"],
		"deviceId": code["deviceId"], "userInputCode": userInputCode})
}

func consumeLink(t *testing.T, c *coretest.Client, code obj) *coretest.Response {
	t.Helper()
	return post(t, c, "/recipe/signinup/code/consume", obj{"preAuthSessionId": code["preAuthSessionId"], "linkCode": code["linkCode"]})
}

var (
	sixDigits = regexp.MustCompile(`^[0-9]{6}$`)
	base64url = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`) // 32 bytes, no padding
)

func TestSignInWithUserInputCode(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, _ *clock) {
		code := createCode(t, c, obj{"email": " Ann@Example.COM "})
		for _, k := range []string{"preAuthSessionId", "deviceId", "linkCode"} {
			if s, _ := code[k].(string); !base64url.MatchString(s) {
				t.Errorf("%s = %q, want 43 base64url characters", k, s)
			}
		}
		if s, _ := code["userInputCode"].(string); !sixDigits.MatchString(s) {
			t.Errorf("userInputCode = %q, want 6 digits", s)
		}
		if code["codeLifetime"] != float64(900000) || code["codeId"] == "" || code["timeCreated"].(float64) <= 0 {
			t.Errorf("create code = %v", code)
		}

		body := want(t, consumeCode(t, c, code, code["userInputCode"].(string)), "OK")
		user := body["user"].(obj)
		lm := user["loginMethods"].([]any)[0].(obj)
		if body["createdNewUser"] != true || body["recipeUserId"] != user["id"] || lm["recipeId"] != "passwordless" ||
			lm["email"] != "ann@example.com" || lm["verified"] != true || !slices.Equal(user["emails"].([]any), []any{"ann@example.com"}) {
			t.Fatalf("consume = %v", body)
		}
		dev := body["consumedDevice"].(obj)
		if dev["preAuthSessionId"] != code["preAuthSessionId"] || dev["failedCodeInputAttemptCount"] != float64(0) ||
			dev["email"] != "ann@example.com" || dev["phoneNumber"] != nil {
			t.Errorf("consumedDevice = %v", dev)
		}

		// A code works once.
		want(t, consumeCode(t, c, code, code["userInputCode"].(string)), "RESTART_FLOW_ERROR")
		want(t, consumeLink(t, c, code), "RESTART_FLOW_ERROR")

		// The next sign-in finds the user.
		again := createCode(t, c, obj{"email": "ann@example.com"})
		body = want(t, consumeCode(t, c, again, again["userInputCode"].(string)), "OK")
		if body["createdNewUser"] != false || body["user"].(obj)["id"] != user["id"] {
			t.Errorf("second sign-in = %v", body)
		}
	})
}

func TestMagicLink(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, _ *clock) {
		code := createCode(t, c, obj{"phoneNumber": "+1 201-555-0100"})
		other := createCode(t, c, obj{"phoneNumber": "+44 20 7946 0958"})

		// A link with another device's pre-auth session id is refused.
		r := post(t, c, "/recipe/signinup/code/consume", obj{"preAuthSessionId": other["preAuthSessionId"], "linkCode": code["linkCode"]})
		want400(t, r, "preAuthSessionId and deviceId doesn't match")
		// A made-up link restarts the flow and costs no attempt.
		r = post(t, c, "/recipe/signinup/code/consume", obj{"preAuthSessionId": code["preAuthSessionId"], "linkCode": strings.Repeat("A", 43)})
		want(t, r, "RESTART_FLOW_ERROR")

		body := want(t, consumeLink(t, c, code), "OK")
		user := body["user"].(obj)
		lm := user["loginMethods"].([]any)[0].(obj)
		if lm["phoneNumber"] != "+12015550100" || lm["email"] != nil || lm["verified"] != true ||
			!slices.Equal(user["phoneNumbers"].([]any), []any{"+12015550100"}) || body["consumedDevice"].(obj)["failedCodeInputAttemptCount"] != float64(0) {
			t.Fatalf("consume by link = %v", body)
		}
		// A reused link restarts the flow.
		want(t, consumeLink(t, c, code), "RESTART_FLOW_ERROR")
		// The other device is another number's: untouched.
		want(t, consumeLink(t, c, other), "OK")
	})
}

func TestAttemptLimit(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		run(t, func(t *testing.T, c *coretest.Client, _ *clock) {
			code := createCode(t, c, obj{"phoneNumber": "+12015550101"})
			wrong := "000000"
			if code["userInputCode"] == wrong {
				wrong = "111111"
			}
			for i := 1; i < 5; i++ {
				body := want(t, consumeCode(t, c, code, wrong), "INCORRECT_USER_INPUT_CODE_ERROR")
				if body["failedCodeInputAttemptCount"] != float64(i) || body["maximumCodeInputAttempts"] != float64(5) {
					t.Fatalf("attempt %d = %v", i, body)
				}
			}
			// The fifth wrong code ends the flow; the right one no longer works.
			want(t, consumeCode(t, c, code, wrong), "RESTART_FLOW_ERROR")
			want(t, consumeCode(t, c, code, code["userInputCode"].(string)), "RESTART_FLOW_ERROR")
			want(t, consumeLink(t, c, code), "RESTART_FLOW_ERROR")
			// A new flow starts from zero.
			code = createCode(t, c, obj{"phoneNumber": "+12015550101"})
			want(t, consumeCode(t, c, code, wrong), "INCORRECT_USER_INPUT_CODE_ERROR")
			body := want(t, consumeCode(t, c, code, code["userInputCode"].(string)), "OK")
			if body["consumedDevice"].(obj)["failedCodeInputAttemptCount"] != float64(1) {
				t.Errorf("consumedDevice = %v", body["consumedDevice"])
			}
		})
	})
	t.Run("from config", func(t *testing.T) {
		run(t, func(t *testing.T, c *coretest.Client, _ *clock) {
			code := createCode(t, c, obj{"email": "lim@example.com", "userInputCode": "424242"})
			body := want(t, consumeCode(t, c, code, "1"), "INCORRECT_USER_INPUT_CODE_ERROR")
			if body["maximumCodeInputAttempts"] != float64(2) {
				t.Errorf("maximum = %v", body)
			}
			want(t, consumeCode(t, c, code, "2"), "RESTART_FLOW_ERROR")
		}, func(cfg *core.Config) { cfg.PasswordlessMaxCodeInputAttempts = 2 })
	})
}

func TestExpiry(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, clk *clock) {
		code := createCode(t, c, obj{"email": "exp@example.com"})
		if code["codeLifetime"] != float64(60000) {
			t.Errorf("codeLifetime = %v", code["codeLifetime"])
		}
		clk.Advance(time.Minute + time.Millisecond)
		body := want(t, consumeCode(t, c, code, code["userInputCode"].(string)), "EXPIRED_USER_INPUT_CODE_ERROR")
		if body["failedCodeInputAttemptCount"] != float64(1) || body["maximumCodeInputAttempts"] != float64(5) {
			t.Errorf("expired = %v", body)
		}
		want(t, consumeLink(t, c, code), "RESTART_FLOW_ERROR")

		// A resent code works, the expired one still does not.
		resent := createCode(t, c, obj{"deviceId": code["deviceId"]})
		if resent["preAuthSessionId"] != code["preAuthSessionId"] || resent["deviceId"] != code["deviceId"] || resent["linkCode"] == code["linkCode"] {
			t.Fatalf("resend = %v", resent)
		}
		want(t, consumeCode(t, c, code, code["userInputCode"].(string)), "EXPIRED_USER_INPUT_CODE_ERROR")
		clk.Advance(50 * time.Second)
		want(t, consumeLink(t, c, resent), "OK")

		// The cleanup removes devices whose codes have all expired.
		stale := createCode(t, c, obj{"email": "stale@example.com"})
		fresh := createCode(t, c, obj{"email": "fresh@example.com"})
		clk.Advance(40 * time.Second)
		createCode(t, c, obj{"deviceId": fresh["deviceId"]})
		clk.Advance(30 * time.Second)
		c.Core.CleanupOnce(t.Context())
		for _, tc := range []struct {
			code obj
			n    int
		}{{stale, 0}, {fresh, 1}} {
			r := c.Get(t, "/recipe/signinup/codes?preAuthSessionId="+tc.code["preAuthSessionId"].(string), "rid", "passwordless")
			if got := len(want(t, r, "OK")["devices"].([]any)); got != tc.n {
				t.Errorf("devices after cleanup = %d, want %d", got, tc.n)
			}
		}
	}, func(cfg *core.Config) { cfg.PasswordlessCodeLifetime = time.Minute })
}

func TestResendAndChosenCodes(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, _ *clock) {
		code := createCode(t, c, obj{"email": "res@example.com", "userInputCode": "123456"})
		if code["userInputCode"] != "123456" {
			t.Fatalf("chosen code = %v", code["userInputCode"])
		}
		want(t, post(t, c, "/recipe/signinup/code", obj{"deviceId": code["deviceId"], "userInputCode": "123456"}), "USER_INPUT_CODE_ALREADY_USED_ERROR")
		second := createCode(t, c, obj{"deviceId": code["deviceId"], "userInputCode": "654321"})
		if second["codeId"] == code["codeId"] {
			t.Fatal("a resend reused the code id")
		}
		// Any code of the device signs in, once for all of them.
		want(t, consumeCode(t, c, code, "123456"), "OK")
		want(t, consumeCode(t, c, second, "654321"), "RESTART_FLOW_ERROR")
		want(t, post(t, c, "/recipe/signinup/code", obj{"deviceId": code["deviceId"]}), "RESTART_FLOW_ERROR")
		want(t, post(t, c, "/recipe/signinup/code", obj{"deviceId": strings.Repeat("B", 43)}), "RESTART_FLOW_ERROR")
	})
}

func TestCheckCode(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, _ *clock) {
		code := createCode(t, c, obj{"email": "chk@example.com"})
		check := func(userInputCode string) *coretest.Response {
			return post(t, c, "/recipe/signinup/code/check", obj{"preAuthSessionId": code["preAuthSessionId"],
				"deviceId": code["deviceId"], "userInputCode": userInputCode})
		}
		body := want(t, check("x"), "INCORRECT_USER_INPUT_CODE_ERROR")
		if body["failedCodeInputAttemptCount"] != float64(1) {
			t.Errorf("check wrong = %v", body)
		}
		body = want(t, check(code["userInputCode"].(string)), "OK")
		dev := body["consumedDevice"].(obj)
		if dev["preAuthSessionId"] != code["preAuthSessionId"] || dev["email"] != "chk@example.com" || dev["failedCodeInputAttemptCount"] != float64(1) || body["user"] != nil {
			t.Errorf("check = %v", body)
		}
		want(t, post(t, c, "/recipe/signinup/code/check", obj{"preAuthSessionId": code["preAuthSessionId"], "linkCode": code["linkCode"]}), "OK")
		// A checked code is not used up.
		want(t, consumeLink(t, c, code), "OK")
		want(t, check(code["userInputCode"].(string)), "RESTART_FLOW_ERROR")
	})
}

func TestListAndRemoveCodes(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, _ *clock) {
		a1 := createCode(t, c, obj{"email": "lst@example.com"})
		a2 := createCode(t, c, obj{"email": "LST@example.com"})
		a1b := createCode(t, c, obj{"deviceId": a1["deviceId"]})
		p := createCode(t, c, obj{"phoneNumber": "+12015550102"})
		list := func(query string) []any {
			t.Helper()
			return want(t, c.Get(t, "/recipe/signinup/codes?"+query, "rid", "passwordless"), "OK")["devices"].([]any)
		}
		devs := list("email=" + url.QueryEscape(" Lst@Example.com"))
		if len(devs) != 2 {
			t.Fatalf("devices by email = %v", devs)
		}
		devs = list("deviceId=" + url.QueryEscape(a1["deviceId"].(string)))
		if len(devs) != 1 {
			t.Fatalf("devices by device id = %v", devs)
		}
		d := devs[0].(obj)
		codes := d["codes"].([]any)
		if d["preAuthSessionId"] != a1["preAuthSessionId"] || d["email"] != "lst@example.com" || d["failedCodeInputAttemptCount"] != float64(0) || len(codes) != 2 {
			t.Fatalf("device = %v", d)
		}
		c0 := codes[0].(obj)
		if c0["codeId"] != a1["codeId"] || c0["timeCreated"] != a1["timeCreated"] || c0["codeLifetime"] != float64(900000) || len(c0) != 3 {
			t.Errorf("code = %v", c0)
		}
		if devs := list("phoneNumber=" + url.QueryEscape("+1 (201) 555-0102")); len(devs) != 1 || devs[0].(obj)["phoneNumber"] != "+12015550102" {
			t.Errorf("devices by phone = %v", devs)
		}
		if devs := list("preAuthSessionId=" + p["preAuthSessionId"].(string)); len(devs) != 1 {
			t.Errorf("devices by pre-auth session id = %v", devs)
		}
		if devs := list("email=nobody@example.com"); len(devs) != 0 {
			t.Errorf("devices of nobody = %v", devs)
		}
		for _, q := range []string{"", "email=a&phoneNumber=b", "deviceId=x&preAuthSessionId=y"} {
			want400(t, c.Get(t, "/recipe/signinup/codes?"+q, "rid", "passwordless"), "Please provide exactly one of email, phoneNumber, deviceId or preAuthSessionId")
		}
		want400(t, c.Get(t, "/recipe/signinup/codes?deviceId=%21%21", "rid", "passwordless"), "Input encoding error in DeviceId")

		// Removing one of two codes keeps the device; removing the other
		// removes it.
		want(t, post(t, c, "/recipe/signinup/code/remove", obj{"codeId": a1["codeId"]}), "OK")
		want(t, consumeCode(t, c, a1, a1["userInputCode"].(string)), "INCORRECT_USER_INPUT_CODE_ERROR")
		want(t, post(t, c, "/recipe/signinup/code/remove", obj{"codeId": a1b["codeId"]}), "OK")
		if devs := list("preAuthSessionId=" + a1["preAuthSessionId"].(string)); len(devs) != 0 {
			t.Errorf("device after removing its codes = %v", devs)
		}
		want(t, post(t, c, "/recipe/signinup/code/remove", obj{"codeId": "nope"}), "OK")
		want400(t, post(t, c, "/recipe/signinup/code/remove", obj{}), "Field name 'codeId' is invalid in JSON input")

		want(t, post(t, c, "/recipe/signinup/codes/remove", obj{"email": " LST@example.com"}), "OK")
		want(t, consumeLink(t, c, a2), "RESTART_FLOW_ERROR")
		want(t, post(t, c, "/recipe/signinup/codes/remove", obj{"phoneNumber": "+1 201 555 0102"}), "OK")
		want(t, consumeLink(t, c, p), "RESTART_FLOW_ERROR")
		for _, body := range []obj{{}, {"email": "a@b.co", "phoneNumber": "+1"}, {"email": nil}} {
			want400(t, post(t, c, "/recipe/signinup/codes/remove", body), "Please provide exactly one of email or phoneNumber")
		}
	})
}

// TestPhoneForms signs in with one number written in several ways: all
// are one user, found by any of the forms.
func TestPhoneForms(t *testing.T) {
	t.Run("region US", func(t *testing.T) {
		run(t, func(t *testing.T, c *coretest.Client, _ *clock) {
			forms := []string{"+1 201-555-0123", "+12015550123", "(201) 555-0123", "201.555.0123", "1-201-555-0123",
				"011 1 201 555 0123", "tel:+1-201-555-0123", " +1 (201) 555 0123 "}
			var id any
			for i, form := range forms {
				code := createCode(t, c, obj{"phoneNumber": form})
				body := want(t, consumeCode(t, c, code, code["userInputCode"].(string)), "OK")
				user := body["user"].(obj)
				if i == 0 {
					id = user["id"]
				}
				if user["id"] != id || body["createdNewUser"] != (i == 0) || body["consumedDevice"].(obj)["phoneNumber"] != "+12015550123" {
					t.Fatalf("%q signed in as %v (%v)", form, user["id"], body)
				}
			}
			if n := want(t, c.Get(t, "/users/count"), "OK")["count"]; n != float64(1) {
				t.Fatalf("count = %v", n)
			}
			for _, form := range forms {
				r := c.Get(t, "/recipe/user?phoneNumber="+url.QueryEscape(form), "rid", "passwordless")
				if want(t, r, "OK")["user"].(obj)["id"] != id {
					t.Errorf("GET /recipe/user by %q: %s", form, r.Body)
				}
				r = c.Get(t, "/users/by-accountinfo?doUnionOfAccountInfo=false&phoneNumber="+url.QueryEscape(form))
				if users := want(t, r, "OK")["users"].([]any); len(users) != 1 || users[0].(obj)["id"] != id {
					t.Errorf("by-accountinfo %q: %s", form, r.Body)
				}
			}
			// Search is a prefix of the E.164 number.
			for term, n := range map[string]int{"+1201": 1, "+1 201 555": 1, "+44": 0, "+12015550123": 1} {
				users := want(t, c.Get(t, "/users?phone="+url.QueryEscape(term)), "OK")["users"].([]any)
				if len(users) != n {
					t.Errorf("search %q = %d users, want %d", term, len(users), n)
				}
			}
			// A 00-prefixed number is read with the region's own prefix (011
			// in the US), so in the US it stays as typed: another user.
			code := createCode(t, c, obj{"phoneNumber": "0012015550123"})
			if body := want(t, consumeLink(t, c, code), "OK"); body["user"].(obj)["id"] == id {
				t.Errorf("0012015550123 in the US was read as +12015550123")
			}
		}, func(cfg *core.Config) { cfg.PasswordlessDefaultPhoneRegion = "us" })
	})

	// Without a region, international forms still resolve to one user;
	// national ones are kept as typed, as the reference does.
	t.Run("no region", func(t *testing.T) {
		run(t, func(t *testing.T, c *coretest.Client, _ *clock) {
			var ids []any
			for _, form := range []string{"+44 20 7946 0958", "+442079460958", "tel:+44-20-7946-0958", "(201) 555-0123"} {
				code := createCode(t, c, obj{"phoneNumber": form})
				body := want(t, consumeLink(t, c, code), "OK")
				ids = append(ids, body["user"].(obj)["id"])
				if form == "(201) 555-0123" && body["consumedDevice"].(obj)["phoneNumber"] != "(201) 555-0123" {
					t.Errorf("national form without a region = %v", body["consumedDevice"])
				}
			}
			if ids[0] != ids[1] || ids[1] != ids[2] || ids[3] == ids[0] {
				t.Errorf("users = %v", ids)
			}
		})
	})
}

func signInEmail(t *testing.T, c *coretest.Client, email string) string {
	t.Helper()
	code := createCode(t, c, obj{"email": email})
	return want(t, consumeLink(t, c, code), "OK")["user"].(obj)["id"].(string)
}

func signInPhone(t *testing.T, c *coretest.Client, phone string) string {
	t.Helper()
	code := createCode(t, c, obj{"phoneNumber": phone})
	return want(t, consumeLink(t, c, code), "OK")["user"].(obj)["id"].(string)
}

func TestGetAndUpdateUser(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, _ *clock) {
		pat := signInEmail(t, c, "pat@example.com")
		phil := signInPhone(t, c, "+12015550104")
		ep := want(t, c.Post(t, "/recipe/signup", obj{"email": "pat@example.com", "password": "pw"}), "OK")["user"].(obj)["id"].(string)

		get := func(query string) *coretest.Response {
			return c.Get(t, "/recipe/user?"+query, "rid", "passwordless")
		}
		for _, tc := range []struct {
			query, status, id string
		}{
			{"userId=" + pat, "OK", pat},
			{"email=PAT@example.com", "OK", pat},
			{"phoneNumber=%2B1%20201%20555%200104", "OK", phil},
			{"userId=" + ep, "UNKNOWN_USER_ID_ERROR", ""},
			{"userId=nope", "UNKNOWN_USER_ID_ERROR", ""},
			{"email=nobody@example.com", "UNKNOWN_EMAIL_ERROR", ""},
			{"phoneNumber=%2B12015550000", "UNKNOWN_PHONE_NUMBER_ERROR", ""},
		} {
			body := want(t, get(tc.query), tc.status)
			if tc.id != "" && body["user"].(obj)["id"] != tc.id {
				t.Errorf("%s: %v", tc.query, body)
			}
		}
		for _, q := range []string{"", "userId=a&email=b", "email=a&phoneNumber=b"} {
			want400(t, get(q), "Please provide exactly one of userId, email or phoneNumber")
		}
		// The email-password handler does not see passwordless users.
		want(t, c.Get(t, "/recipe/user?userId="+pat, "rid", "emailpassword"), "UNKNOWN_USER_ID_ERROR")

		put := func(body obj) *coretest.Response { return c.Put(t, "/recipe/user", body, "rid", "passwordless") }
		lm := func(id string) obj {
			return want(t, c.Get(t, "/user/id?userId="+id), "OK")["user"].(obj)["loginMethods"].([]any)[0].(obj)
		}
		want(t, put(obj{"recipeUserId": pat, "phoneNumber": "+1 201 555 0105"}), "OK")
		if m := lm(pat); m["email"] != "pat@example.com" || m["phoneNumber"] != "+12015550105" {
			t.Errorf("after adding a phone: %v", m)
		}
		want(t, put(obj{"recipeUserId": pat, "email": nil}), "OK")
		if m := lm(pat); m["email"] != nil || m["phoneNumber"] != "+12015550105" || m["verified"] != true {
			t.Errorf("after clearing the email: %v", m)
		}
		want(t, put(obj{"recipeUserId": pat}), "OK") // nothing to change
		want(t, put(obj{"recipeUserId": pat, "email": " Pat2@Example.com"}), "OK")
		if m := lm(pat); m["email"] != "pat2@example.com" || m["verified"] != false {
			t.Errorf("after a new email: %v", m)
		}
		want(t, put(obj{"recipeUserId": phil, "email": "pat2@example.com"}), "EMAIL_ALREADY_EXISTS_ERROR")
		want(t, put(obj{"recipeUserId": phil, "phoneNumber": "+12015550105"}), "PHONE_NUMBER_ALREADY_EXISTS_ERROR")
		want(t, put(obj{"recipeUserId": phil, "email": "pat@example.com"}), "OK") // the email-password user's email is free here
		want(t, put(obj{"recipeUserId": "nope", "email": "x@example.com"}), "UNKNOWN_USER_ID_ERROR")
		want(t, put(obj{"recipeUserId": ep, "email": "x@example.com"}), "UNKNOWN_USER_ID_ERROR")
		want400(t, put(obj{"recipeUserId": phil, "email": nil, "phoneNumber": nil}), "You cannot clear both email and phone number of a user")
		want400(t, put(obj{"recipeUserId": pat, "phoneNumber": nil, "email": nil}), "You cannot clear both email and phone number of a user")
		want400(t, put(obj{"email": "x@example.com"}), "Field name 'recipeUserId' is invalid in JSON input")
		want400(t, put(obj{"recipeUserId": pat, "phoneNumber": 5}), "Field name 'phoneNumber' is invalid in JSON input")
		// Without the rid, PUT is email-password's.
		if r := c.Put(t, "/recipe/user", obj{"recipeUserId": phil, "email": "y@example.com"}); r.Status(t) != "UNKNOWN_USER_ID_ERROR" {
			t.Errorf("no rid: %s", r.Body)
		}

		// Signing in with a new phone number reaches the updated user; the
		// old one is free and makes a new user.
		want(t, put(obj{"recipeUserId": phil, "phoneNumber": "+12015550107"}), "OK")
		if got := signInPhone(t, c, "+12015550107"); got != phil {
			t.Errorf("sign-in with the new phone = %s, want %s", got, phil)
		}
		if got := signInPhone(t, c, "+12015550104"); got == phil {
			t.Errorf("the old phone still signs in to %s", phil)
		}
		if got := signInPhone(t, c, "+12015550105"); got != pat {
			t.Errorf("sign-in with the added phone = %s, want %s", got, pat)
		}
	})
}

func TestUsersEndpointsSeePasswordless(t *testing.T) {
	run(t, func(t *testing.T, c *coretest.Client, _ *clock) {
		a := signInEmail(t, c, "alpha@example.com")
		b := signInPhone(t, c, "+12015550106")
		want(t, c.Post(t, "/recipe/signup", obj{"email": "gamma@example.com", "password": "pw"}), "OK")

		count := func(q string) any { return want(t, c.Get(t, "/users/count"+q), "OK")["count"] }
		if count("") != float64(3) || count("?includeRecipeIds=passwordless") != float64(2) {
			t.Errorf("counts = %v, %v", count(""), count("?includeRecipeIds=passwordless"))
		}
		users := want(t, c.Get(t, "/users?includeRecipeIds=passwordless"), "OK")["users"].([]any)
		if len(users) != 2 || users[0].(obj)["id"] != a || users[1].(obj)["id"] != b {
			t.Errorf("listing = %v", users)
		}
		users = want(t, c.Get(t, "/users?email=alpha&phone=%2B1"), "OK")["users"].([]any)
		if len(users) != 0 {
			t.Errorf("email and phone of different users = %v", users)
		}
		want(t, c.Post(t, "/user/remove", obj{"userId": b}), "OK")
		if count("?includeRecipeIds=passwordless") != float64(1) {
			t.Error("a removed passwordless user is still counted")
		}
		want(t, c.Get(t, "/recipe/user?phoneNumber=%2B12015550106", "rid", "passwordless"), "UNKNOWN_PHONE_NUMBER_ERROR")
	})
}

func TestBadRequests(t *testing.T) {
	c := coretest.New(t)
	code := createCode(t, c, obj{"email": "bad@example.com"})
	pre, dev := code["preAuthSessionId"], code["deviceId"]
	for _, tc := range []struct {
		path string
		body any
		text string
	}{
		{"/recipe/signinup/code", obj{}, "Please provide exactly one of email, phoneNumber or deviceId"},
		{"/recipe/signinup/code", obj{"email": "a@b.co", "phoneNumber": "+1"}, "Please provide exactly one of email, phoneNumber or deviceId"},
		{"/recipe/signinup/code", obj{"email": "a@b.co", "deviceId": dev}, "Please provide exactly one of email, phoneNumber or deviceId"},
		{"/recipe/signinup/code", obj{"email": nil}, "Field name 'email' is invalid in JSON input"},
		{"/recipe/signinup/code", obj{"email": " "}, "Field name 'email' is invalid in JSON input"},
		{"/recipe/signinup/code", obj{"phoneNumber": ""}, "Field name 'phoneNumber' is invalid in JSON input"},
		{"/recipe/signinup/code", obj{"phoneNumber": 12015550123}, "Field name 'phoneNumber' is invalid in JSON input"},
		{"/recipe/signinup/code", obj{"email": "a@b.co", "userInputCode": 123456}, "Field name 'userInputCode' is invalid in JSON input"},
		{"/recipe/signinup/code", obj{"deviceId": "!!"}, "Input encoding error in DeviceId"},
		{"/recipe/signinup/code", "[]", "Invalid Json Input"},
		{"/recipe/signinup/code/consume", obj{"linkCode": "x"}, "Field name 'preAuthSessionId' is invalid in JSON input"},
		{"/recipe/signinup/code/consume", obj{"preAuthSessionId": pre}, "Please provide exactly one of linkCode or deviceId+userInputCode"},
		{"/recipe/signinup/code/consume", obj{"preAuthSessionId": pre, "deviceId": dev}, "Please provide exactly one of linkCode or deviceId+userInputCode"},
		{"/recipe/signinup/code/consume", obj{"preAuthSessionId": pre, "linkCode": "x", "userInputCode": "1"}, "Please provide exactly one of linkCode or deviceId+userInputCode"},
		{"/recipe/signinup/code/consume", obj{"preAuthSessionId": pre, "linkCode": "!!"}, "Input encoding error in LinkCode"},
		{"/recipe/signinup/code/consume", obj{"preAuthSessionId": pre, "deviceId": "%%", "userInputCode": "1"}, "Input encoding error in DeviceId"},
		{"/recipe/signinup/code/consume", obj{"preAuthSessionId": pre, "deviceId": "", "userInputCode": "1"}, "Input encoding error in DeviceId"},
		{"/recipe/signinup/code/consume", obj{"preAuthSessionId": "other", "deviceId": dev, "userInputCode": "1"}, "preAuthSessionId and deviceId doesn't match"},
		{"/recipe/signinup/code/check", obj{"preAuthSessionId": "other", "linkCode": code["linkCode"]}, "preAuthSessionId and deviceId doesn't match"},
		{"/recipe/signinup/code/consume", obj{"preAuthSessionId": pre, "deviceId": dev, "userInputCode": 1}, "Field name 'userInputCode' is invalid in JSON input"},
	} {
		want400(t, post(t, c, tc.path, tc.body), tc.text)
	}
	// A mismatched pre-auth session id costs no attempt.
	r := c.Get(t, "/recipe/signinup/codes?preAuthSessionId="+pre.(string), "rid", "passwordless")
	if d := want(t, r, "OK")["devices"].([]any)[0].(obj); d["failedCodeInputAttemptCount"] != float64(0) {
		t.Errorf("device = %v", d)
	}
	// Padding on the pre-auth session id is ignored, as the reference does.
	want(t, post(t, c, "/recipe/signinup/code/check", obj{"preAuthSessionId": pre.(string) + "=", "linkCode": code["linkCode"]}), "OK")
}

func TestConfig(t *testing.T) {
	st := coretest.OpenStore(t, "sqlite")
	for _, tc := range []struct {
		cfg  func(*core.Config)
		want string
	}{
		{func(c *core.Config) { c.PasswordlessDefaultPhoneRegion = "Atlantis" }, "PasswordlessDefaultPhoneRegion"},
		{func(c *core.Config) { c.PasswordlessMaxCodeInputAttempts = -1 }, "PasswordlessMaxCodeInputAttempts"},
		{func(c *core.Config) { c.PasswordlessCodeLifetime = -time.Second }, "PasswordlessCodeLifetime"},
	} {
		cfg := core.Config{Store: st}
		tc.cfg(&cfg)
		if _, err := core.New(cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("core.New = %v, want an error about %s", err, tc.want)
		}
	}
	c, err := core.New(core.Config{Store: st, PasswordlessDefaultPhoneRegion: " gb ", CleanupInterval: -1})
	if err != nil {
		t.Fatalf("a lower-case region: %v", err)
	}
	c.Close()
}

// TestLiveCodesCapped: 50 resends used to leave 51 live codes on one
// device, each guess checked against all of them (issue 11, finding 6).
// Now a device keeps its newest five; the newest works, the dropped ones
// do not.
func TestLiveCodesCapped(t *testing.T) {
	coretest.Run(t, func(t *testing.T, c *coretest.Client) {
		first := createCode(t, c, obj{"email": "cap@example.com"})
		var last obj
		for range 50 {
			last = createCode(t, c, obj{"deviceId": first["deviceId"]})
		}
		devices := want(t, c.Get(t, "/recipe/signinup/codes?preAuthSessionId="+first["preAuthSessionId"].(string), "rid", "passwordless"), "OK")["devices"].([]any)
		if n := len(devices[0].(obj)["codes"].([]any)); n != 5 {
			t.Fatalf("%d live codes after 50 resends, want 5", n)
		}
		if r := consumeLink(t, c, first); r.Status(t) != "RESTART_FLOW_ERROR" {
			t.Errorf("the first, dropped code: %s", r.Body)
		}
		if r := consumeLink(t, c, last); r.Status(t) != "OK" {
			t.Errorf("the newest code: %s", r.Body)
		}
	})
}
