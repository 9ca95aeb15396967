package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// pwlDevice returns a device of contact ("@" in it makes it an email)
// with one code, both named by key.
func pwlDevice(tenant, key, contact string, created time.Time) (store.PasswordlessDevice, store.PasswordlessCode) {
	d := store.PasswordlessDevice{TenantID: tenant, PreAuthSessionID: "pre-" + key, LinkCodeSalt: "salt-" + key}
	if containsAt(contact) {
		d.Email = contact
	} else {
		d.PhoneNumber = contact
	}
	return d, store.PasswordlessCode{ID: "code-" + key, PreAuthSessionID: d.PreAuthSessionID, LinkCodeHash: "hash-" + key, CreatedAt: created}
}

func containsAt(s string) bool {
	for _, c := range s {
		if c == '@' {
			return true
		}
	}
	return false
}

func createDevice(t *testing.T, ctx context.Context, s store.Store, tenant, key, contact string, created time.Time) store.PasswordlessDevice {
	t.Helper()
	d, c := pwlDevice(tenant, key, contact, created)
	ok(t, s.CreatePasswordlessDevice(ctx, d, c), "CreatePasswordlessDevice "+key)
	d.Codes = []store.PasswordlessCode{c}
	return d
}

func sameDevice(t *testing.T, got, want store.PasswordlessDevice, what string) {
	t.Helper()
	if got.TenantID != want.TenantID || got.PreAuthSessionID != want.PreAuthSessionID || got.Email != want.Email ||
		got.PhoneNumber != want.PhoneNumber || got.LinkCodeSalt != want.LinkCodeSalt || got.FailedAttempts != want.FailedAttempts ||
		len(got.Codes) != len(want.Codes) {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
	for i := range want.Codes {
		g, w := got.Codes[i], want.Codes[i]
		if g.ID != w.ID || g.PreAuthSessionID != w.PreAuthSessionID || g.LinkCodeHash != w.LinkCodeHash || !g.CreatedAt.Equal(w.CreatedAt) {
			t.Fatalf("%s: code %d = %+v, want %+v", what, i, g, w)
		}
	}
}

func devicePres(ds []store.PasswordlessDevice) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.PreAuthSessionID
	}
	return out
}

func testPasswordlessDevices(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	a := createDevice(t, ctx, s, store.DefaultTenant, "a", "ann@example.com", at(0))
	b := createDevice(t, ctx, s, store.DefaultTenant, "b", "ann@example.com", at(1))
	p := createDevice(t, ctx, s, store.DefaultTenant, "p", "+14155550100", at(2))
	createDevice(t, ctx, s, "t2", "a", "ann@example.com", at(3)) // same keys, other tenant

	got, err := s.PasswordlessDevice(ctx, store.DefaultTenant, a.PreAuthSessionID)
	ok(t, err, "PasswordlessDevice")
	sameDevice(t, got, a, "PasswordlessDevice")
	_, err = s.PasswordlessDevice(ctx, "t3", a.PreAuthSessionID)
	is(t, err, store.ErrNotFound, "PasswordlessDevice in another tenant")

	// A second code, and the uniqueness of codes.
	c2 := store.PasswordlessCode{ID: "code-a2", PreAuthSessionID: a.PreAuthSessionID, LinkCodeHash: "hash-a2", CreatedAt: at(10)}
	ok(t, s.CreatePasswordlessCode(ctx, store.DefaultTenant, c2, 0), "CreatePasswordlessCode")
	a.Codes = append(a.Codes, c2)
	is(t, s.CreatePasswordlessCode(ctx, store.DefaultTenant, store.PasswordlessCode{ID: "code-x", PreAuthSessionID: a.PreAuthSessionID,
		LinkCodeHash: "hash-b", CreatedAt: at(11)}, 0), store.ErrAlreadyExists, "duplicate link code hash")
	is(t, s.CreatePasswordlessCode(ctx, store.DefaultTenant, store.PasswordlessCode{ID: "code-y", PreAuthSessionID: "pre-none",
		LinkCodeHash: "hash-y", CreatedAt: at(11)}, 0), store.ErrNotFound, "code for an unknown device")
	d, c := pwlDevice(store.DefaultTenant, "a", "other@example.com", at(0))
	is(t, s.CreatePasswordlessDevice(ctx, d, c), store.ErrAlreadyExists, "duplicate device")
	d, c = pwlDevice(store.DefaultTenant, "n", "new@example.com", at(0))
	c.LinkCodeHash = "hash-p"
	is(t, s.CreatePasswordlessDevice(ctx, d, c), store.ErrAlreadyExists, "device with a taken link code hash")
	_, err = s.PasswordlessDevice(ctx, store.DefaultTenant, d.PreAuthSessionID)
	is(t, err, store.ErrNotFound, "the refused device is not half-stored")

	list, err := s.PasswordlessDevicesByEmail(ctx, store.DefaultTenant, "ann@example.com")
	ok(t, err, "PasswordlessDevicesByEmail")
	wantStrings(t, devicePres(list), []string{a.PreAuthSessionID, b.PreAuthSessionID}, "devices by email")
	sameDevice(t, list[0], a, "devices by email carry their codes")
	list, err = s.PasswordlessDevicesByPhoneNumber(ctx, store.DefaultTenant, "+14155550100")
	ok(t, err, "PasswordlessDevicesByPhoneNumber")
	wantStrings(t, devicePres(list), []string{p.PreAuthSessionID}, "devices by phone")
	list, err = s.PasswordlessDevicesByEmail(ctx, store.DefaultTenant, "nobody@example.com")
	ok(t, err, "PasswordlessDevicesByEmail unknown")
	wantStrings(t, devicePres(list), []string{}, "no devices")

	code, err := s.PasswordlessCodeByLinkCodeHash(ctx, store.DefaultTenant, "hash-a2")
	ok(t, err, "PasswordlessCodeByLinkCodeHash")
	if code.ID != "code-a2" || code.PreAuthSessionID != a.PreAuthSessionID || !code.CreatedAt.Equal(at(10)) {
		t.Fatalf("code by hash = %+v", code)
	}
	_, err = s.PasswordlessCodeByLinkCodeHash(ctx, "t3", "hash-a2")
	is(t, err, store.ErrNotFound, "code by hash in another tenant")

	// Removing one of two codes keeps the device; removing the last one
	// removes it.
	ok(t, s.DeletePasswordlessCode(ctx, store.DefaultTenant, "code-a"), "DeletePasswordlessCode")
	got, err = s.PasswordlessDevice(ctx, store.DefaultTenant, a.PreAuthSessionID)
	ok(t, err, "device after removing one code")
	if len(got.Codes) != 1 || got.Codes[0].ID != "code-a2" {
		t.Fatalf("codes after removing one: %+v", got.Codes)
	}
	ok(t, s.DeletePasswordlessCode(ctx, store.DefaultTenant, "code-a2"), "DeletePasswordlessCode last")
	_, err = s.PasswordlessDevice(ctx, store.DefaultTenant, a.PreAuthSessionID)
	is(t, err, store.ErrNotFound, "device after removing its last code")
	ok(t, s.DeletePasswordlessCode(ctx, store.DefaultTenant, "code-a2"), "DeletePasswordlessCode unknown")
	_, err = s.PasswordlessDevice(ctx, "t2", a.PreAuthSessionID)
	ok(t, err, "the other tenant's device is untouched")

	ok(t, s.DeletePasswordlessDevicesByEmail(ctx, store.DefaultTenant, "ann@example.com"), "DeletePasswordlessDevicesByEmail")
	_, err = s.PasswordlessDevice(ctx, store.DefaultTenant, b.PreAuthSessionID)
	is(t, err, store.ErrNotFound, "device after removing by email")
	_, err = s.PasswordlessCodeByLinkCodeHash(ctx, store.DefaultTenant, "hash-b")
	is(t, err, store.ErrNotFound, "code goes with its device")
	ok(t, s.DeletePasswordlessDevicesByPhoneNumber(ctx, store.DefaultTenant, "+14155550100"), "DeletePasswordlessDevicesByPhoneNumber")
	_, err = s.PasswordlessDevice(ctx, store.DefaultTenant, p.PreAuthSessionID)
	is(t, err, store.ErrNotFound, "device after removing by phone")
	_, err = s.PasswordlessDevice(ctx, "t2", a.PreAuthSessionID)
	ok(t, err, "removal is per tenant")
}

func testDeleteExpiredPasswordlessDevices(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	old := createDevice(t, ctx, s, store.DefaultTenant, "old", "old@example.com", at(0))
	fresh := createDevice(t, ctx, s, store.DefaultTenant, "fresh", "fresh@example.com", at(100))
	mixed := createDevice(t, ctx, s, "t2", "mixed", "+14155550100", at(0))
	ok(t, s.CreatePasswordlessCode(ctx, "t2", store.PasswordlessCode{ID: "new", PreAuthSessionID: mixed.PreAuthSessionID,
		LinkCodeHash: "new", CreatedAt: at(100)}, 0), "CreatePasswordlessCode")

	n, err := s.DeleteExpiredPasswordlessDevices(ctx, at(100))
	ok(t, err, "DeleteExpiredPasswordlessDevices")
	if n != 1 {
		t.Fatalf("deleted %d devices, want 1", n)
	}
	_, err = s.PasswordlessDevice(ctx, store.DefaultTenant, old.PreAuthSessionID)
	is(t, err, store.ErrNotFound, "expired device")
	_, err = s.PasswordlessDevice(ctx, store.DefaultTenant, fresh.PreAuthSessionID)
	ok(t, err, "a code created at the cut-off keeps its device")
	_, err = s.PasswordlessDevice(ctx, "t2", mixed.PreAuthSessionID)
	ok(t, err, "one fresh code keeps its device")
	n, err = s.DeleteExpiredPasswordlessDevices(ctx, at(101))
	ok(t, err, "DeleteExpiredPasswordlessDevices")
	if n != 2 {
		t.Fatalf("deleted %d devices, want 2", n)
	}
}

// errCheck is what test checks return with an outcome, to see that the
// store both applies the outcome and returns the error.
var errCheck = errors.New("storetest: check says no")

func consume(t *testing.T, ctx context.Context, s store.Store, tenant, pre string, outcome store.PasswordlessOutcome, checkErr error) (store.PasswordlessConsumed, error) {
	t.Helper()
	return s.ConsumePasswordlessCode(ctx, tenant, pre, store.PasswordlessUser{ID: newID(), TimeJoined: at(500)},
		func(store.PasswordlessDevice) (store.PasswordlessOutcome, error) { return outcome, checkErr })
}

func testConsumePasswordlessCode(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	called := false
	_, err := s.ConsumePasswordlessCode(ctx, store.DefaultTenant, "pre-none", store.PasswordlessUser{ID: newID()},
		func(store.PasswordlessDevice) (store.PasswordlessOutcome, error) {
			called = true
			return store.PasswordlessSignIn, nil
		})
	is(t, err, store.ErrNotFound, "unknown device")
	if called {
		t.Fatal("check called for an unknown device")
	}

	d := createDevice(t, ctx, s, store.DefaultTenant, "d", "dee@example.com", at(0))
	// The check sees the device and its codes.
	var seen store.PasswordlessDevice
	_, err = s.ConsumePasswordlessCode(ctx, store.DefaultTenant, d.PreAuthSessionID, store.PasswordlessUser{ID: newID()},
		func(got store.PasswordlessDevice) (store.PasswordlessOutcome, error) {
			seen = got
			return store.PasswordlessKeep, nil
		})
	ok(t, err, "keep")
	sameDevice(t, seen, d, "the checked device")

	// A failed attempt is counted and committed, and the check's error
	// returned.
	for i := 1; i <= 2; i++ {
		res, err := consume(t, ctx, s, store.DefaultTenant, d.PreAuthSessionID, store.PasswordlessFailedAttempt, errCheck)
		is(t, err, errCheck, "failed attempt")
		if res.Device.FailedAttempts != i-1 {
			t.Fatalf("the check saw %d failed attempts, want %d", res.Device.FailedAttempts, i-1)
		}
		got, err := s.PasswordlessDevice(ctx, store.DefaultTenant, d.PreAuthSessionID)
		ok(t, err, "device after a failed attempt")
		if got.FailedAttempts != i {
			t.Fatalf("failed attempts = %d, want %d", got.FailedAttempts, i)
		}
	}
	_, err = consume(t, ctx, s, store.DefaultTenant, d.PreAuthSessionID, store.PasswordlessKeep, errCheck)
	is(t, err, errCheck, "keep with an error")

	// Revoke deletes the device, and the error still comes back.
	_, err = consume(t, ctx, s, store.DefaultTenant, d.PreAuthSessionID, store.PasswordlessRevoke, errCheck)
	is(t, err, errCheck, "revoke")
	_, err = s.PasswordlessDevice(ctx, store.DefaultTenant, d.PreAuthSessionID)
	is(t, err, store.ErrNotFound, "revoked device")

	// Signing in with an email creates the user, verifies the email and
	// removes every device of that email.
	e1 := createDevice(t, ctx, s, store.DefaultTenant, "e1", "eve@example.com", at(0))
	e2 := createDevice(t, ctx, s, store.DefaultTenant, "e2", "eve@example.com", at(1))
	other := createDevice(t, ctx, s, store.DefaultTenant, "o", "otto@example.com", at(1))
	res, err := consume(t, ctx, s, store.DefaultTenant, e1.PreAuthSessionID, store.PasswordlessSignIn, nil)
	ok(t, err, "sign in")
	if !res.CreatedNewUser || len(res.User.LoginMethods) != 1 {
		t.Fatalf("sign in = %+v", res)
	}
	lm := res.User.LoginMethods[0]
	if lm.RecipeID != store.RecipePasswordless || lm.Email != "eve@example.com" || lm.PhoneNumber != "" || !lm.Verified ||
		!res.User.TimeJoined.Equal(at(500)) || !equalStrings(res.User.TenantIDs, []string{store.DefaultTenant}) {
		t.Fatalf("signed-in user = %+v", res.User)
	}
	sameDevice(t, res.Device, e1, "the consumed device")
	for _, pre := range []string{e1.PreAuthSessionID, e2.PreAuthSessionID} {
		_, err = s.PasswordlessDevice(ctx, store.DefaultTenant, pre)
		is(t, err, store.ErrNotFound, "devices of the signed-in email")
	}
	_, err = s.PasswordlessDevice(ctx, store.DefaultTenant, other.PreAuthSessionID)
	ok(t, err, "another email's device")
	eve := res.User

	// Signing in again finds the user.
	e3 := createDevice(t, ctx, s, store.DefaultTenant, "e3", "eve@example.com", at(2))
	res, err = consume(t, ctx, s, store.DefaultTenant, e3.PreAuthSessionID, store.PasswordlessSignIn, nil)
	ok(t, err, "sign in again")
	if res.CreatedNewUser || res.User.ID != eve.ID {
		t.Fatalf("second sign in = %+v, want user %s", res, eve.ID)
	}

	// A user with an email and a phone number: signing in with either
	// removes the devices of both.
	_, err = s.UpdatePasswordlessUser(ctx, eve.ID, func(u *store.PasswordlessUser) error {
		u.PhoneNumber = "+14155550199"
		return nil
	})
	ok(t, err, "add a phone number")
	byEmail := createDevice(t, ctx, s, store.DefaultTenant, "e4", "eve@example.com", at(3))
	byPhone := createDevice(t, ctx, s, store.DefaultTenant, "p4", "+14155550199", at(3))
	res, err = consume(t, ctx, s, store.DefaultTenant, byPhone.PreAuthSessionID, store.PasswordlessSignIn, nil)
	ok(t, err, "sign in by phone")
	if res.CreatedNewUser || res.User.ID != eve.ID || res.User.LoginMethods[0].PhoneNumber != "+14155550199" {
		t.Fatalf("sign in by phone = %+v", res)
	}
	_, err = s.PasswordlessDevice(ctx, store.DefaultTenant, byEmail.PreAuthSessionID)
	is(t, err, store.ErrNotFound, "the user's email device goes too")

	// A phone-only user is verified.
	ph := createDevice(t, ctx, s, store.DefaultTenant, "ph", "+447700900123", at(4))
	res, err = consume(t, ctx, s, store.DefaultTenant, ph.PreAuthSessionID, store.PasswordlessSignIn, nil)
	ok(t, err, "sign in by phone alone")
	if lm := res.User.LoginMethods[0]; !res.CreatedNewUser || lm.PhoneNumber != "+447700900123" || lm.Email != "" || !lm.Verified {
		t.Fatalf("phone-only user = %+v", res.User)
	}

	// The same email in another tenant is another user.
	t2 := createDevice(t, ctx, s, "t2", "e1", "eve@example.com", at(5))
	res, err = consume(t, ctx, s, "t2", t2.PreAuthSessionID, store.PasswordlessSignIn, nil)
	ok(t, err, "sign in in t2")
	if !res.CreatedNewUser || res.User.ID == eve.ID || !equalStrings(res.User.TenantIDs, []string{"t2"}) {
		t.Fatalf("t2 sign in = %+v", res.User)
	}
}

func pwlUser(tenant, email, phone string, joined time.Time) store.PasswordlessUser {
	return store.PasswordlessUser{ID: newID(), TenantID: tenant, Email: email, PhoneNumber: phone, TimeJoined: joined}
}

func samePwlUser(t *testing.T, got, want store.PasswordlessUser, what string) {
	t.Helper()
	if got.ID != want.ID || got.TenantID != want.TenantID || got.Email != want.Email || got.PhoneNumber != want.PhoneNumber ||
		!got.TimeJoined.Equal(want.TimeJoined) {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
}

func testPasswordlessUsers(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	em := pwlUser(store.DefaultTenant, "pat@example.com", "", at(1))
	ph := pwlUser(store.DefaultTenant, "", "+12015550123", at(2))
	both := pwlUser(store.DefaultTenant, "bo@example.com", "+12015550124", at(3))
	for _, u := range []store.PasswordlessUser{em, ph, both} {
		ok(t, s.CreatePasswordlessUser(ctx, u), "CreatePasswordlessUser")
	}
	ep := createEP(t, ctx, s, epUser("pat@example.com", at(4))) // another recipe may share the email

	is(t, s.CreatePasswordlessUser(ctx, pwlUser(store.DefaultTenant, "pat@example.com", "", at(5))), store.ErrEmailTaken, "taken email")
	is(t, s.CreatePasswordlessUser(ctx, pwlUser(store.DefaultTenant, "", "+12015550123", at(5))), store.ErrPhoneNumberTaken, "taken phone")
	is(t, s.CreatePasswordlessUser(ctx, pwlUser(store.DefaultTenant, "new@example.com", "+12015550124", at(5))), store.ErrAlreadyExists, "taken phone is ErrAlreadyExists")
	if err := s.CreatePasswordlessUser(ctx, pwlUser(store.DefaultTenant, "", "", at(5))); err == nil {
		t.Fatal("a user without email or phone was stored")
	}
	t2 := pwlUser("t2", "pat@example.com", "+12015550123", at(6))
	ok(t, s.CreatePasswordlessUser(ctx, t2), "the same contacts in another tenant")

	for _, tc := range []struct {
		name string
		get  func() (store.PasswordlessUser, error)
		want store.PasswordlessUser
	}{
		{"by id", func() (store.PasswordlessUser, error) { return s.PasswordlessUser(ctx, both.ID) }, both},
		{"by email", func() (store.PasswordlessUser, error) {
			return s.PasswordlessUserByEmail(ctx, store.DefaultTenant, "pat@example.com")
		}, em},
		{"by phone", func() (store.PasswordlessUser, error) {
			return s.PasswordlessUserByPhoneNumber(ctx, store.DefaultTenant, "+12015550123")
		}, ph},
		{"by phone in t2", func() (store.PasswordlessUser, error) {
			return s.PasswordlessUserByPhoneNumber(ctx, "t2", "+12015550123")
		}, t2},
	} {
		got, err := tc.get()
		ok(t, err, tc.name)
		samePwlUser(t, got, tc.want, tc.name)
	}
	_, err := s.PasswordlessUser(ctx, ep.ID)
	is(t, err, store.ErrNotFound, "an email-password user is no passwordless user")
	_, err = s.PasswordlessUserByEmail(ctx, store.DefaultTenant, "nobody@example.com")
	is(t, err, store.ErrNotFound, "unknown email")
	_, err = s.PasswordlessUserByPhoneNumber(ctx, store.DefaultTenant, "")
	is(t, err, store.ErrNotFound, "empty phone")

	// The User object.
	u, err := s.User(ctx, both.ID)
	ok(t, err, "User")
	lm := u.LoginMethods[0]
	if lm.RecipeID != store.RecipePasswordless || lm.Email != both.Email || lm.PhoneNumber != both.PhoneNumber || lm.Verified ||
		!u.TimeJoined.Equal(both.TimeJoined) {
		t.Fatalf("User = %+v", u)
	}
	u, err = s.User(ctx, ph.ID)
	ok(t, err, "User phone-only")
	if !u.LoginMethods[0].Verified {
		t.Fatalf("a phone-only passwordless method must be verified: %+v", u)
	}
	ok(t, s.SetEmailVerified(ctx, em.ID, em.Email, true), "SetEmailVerified")
	if u, _ = s.User(ctx, em.ID); !u.LoginMethods[0].Verified {
		t.Fatalf("verified email not shown: %+v", u)
	}

	// Counts, listing, search and lookups see passwordless users.
	for _, tc := range []struct {
		tenant  string
		recipes []string
		want    int64
	}{
		{store.DefaultTenant, nil, 4},
		{store.DefaultTenant, []string{store.RecipePasswordless}, 3},
		{"", []string{store.RecipePasswordless}, 4},
		{"t2", nil, 1},
	} {
		n, err := s.CountUsers(ctx, tc.tenant, tc.recipes)
		ok(t, err, "CountUsers")
		if n != tc.want {
			t.Errorf("CountUsers(%q, %q) = %d, want %d", tc.tenant, tc.recipes, n, tc.want)
		}
	}
	list, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 10, RecipeIDs: []string{store.RecipePasswordless}})
	ok(t, err, "ListUsers passwordless")
	wantStrings(t, ids(list), []string{em.ID, ph.ID, both.ID}, "list passwordless users")
	for _, tc := range []struct {
		name   string
		search store.UserSearch
		want   []string
	}{
		{"phone prefix", store.UserSearch{Phones: []string{"+1201555"}}, []string{ph.ID, both.ID}},
		{"full phone", store.UserSearch{Phones: []string{"+12015550124"}}, []string{both.ID}},
		{"other country", store.UserSearch{Phones: []string{"+44"}}, nil},
		{"email of both recipes", store.UserSearch{Emails: []string{"pat"}}, []string{em.ID, ep.ID}},
		{"email and phone", store.UserSearch{Emails: []string{"bo"}, Phones: []string{"+1"}}, []string{both.ID}},
		{"email and other phone", store.UserSearch{Emails: []string{"pat"}, Phones: []string{"+1"}}, nil},
	} {
		got, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 100, Search: tc.search})
		ok(t, err, "search "+tc.name)
		wantStrings(t, ids(got), append([]string{}, tc.want...), "search "+tc.name)
	}
	for _, tc := range []struct {
		name  string
		info  store.AccountInfo
		union bool
		want  []string
	}{
		{"phone", store.AccountInfo{PhoneNumber: "+12015550123"}, false, []string{ph.ID}},
		{"email and phone", store.AccountInfo{Email: "bo@example.com", PhoneNumber: "+12015550124"}, false, []string{both.ID}},
		{"email or phone", store.AccountInfo{Email: "pat@example.com", PhoneNumber: "+12015550123"}, true, []string{em.ID, ph.ID, ep.ID}},
		{"email and another's phone", store.AccountInfo{Email: "pat@example.com", PhoneNumber: "+12015550123"}, false, nil},
	} {
		got, err := s.UsersByAccountInfo(ctx, store.DefaultTenant, tc.info, tc.union)
		ok(t, err, "UsersByAccountInfo "+tc.name)
		wantStrings(t, ids(got), append([]string{}, tc.want...), "UsersByAccountInfo "+tc.name)
	}

	// Deleting removes the user and frees its contacts.
	ok(t, s.DeleteUser(ctx, ph.ID, true), "DeleteUser")
	_, err = s.PasswordlessUser(ctx, ph.ID)
	is(t, err, store.ErrNotFound, "PasswordlessUser after delete")
	_, err = s.PasswordlessUserByPhoneNumber(ctx, store.DefaultTenant, ph.PhoneNumber)
	is(t, err, store.ErrNotFound, "by phone after delete")
	if n, _ := s.CountUsers(ctx, store.DefaultTenant, []string{store.RecipePasswordless}); n != 2 {
		t.Errorf("CountUsers after delete = %d, want 2", n)
	}
	got, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 10, Search: store.UserSearch{Phones: []string{"+1201"}}})
	ok(t, err, "search after delete")
	wantStrings(t, ids(got), []string{both.ID}, "search after delete")
	ok(t, s.CreatePasswordlessUser(ctx, pwlUser(store.DefaultTenant, "", ph.PhoneNumber, at(7))), "the phone number is free again")
}

func testUpdatePasswordlessUser(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	u := pwlUser(store.DefaultTenant, "una@example.com", "", at(1))
	v := pwlUser(store.DefaultTenant, "val@example.com", "+12015550100", at(2))
	for _, w := range []store.PasswordlessUser{u, v} {
		ok(t, s.CreatePasswordlessUser(ctx, w), "CreatePasswordlessUser")
	}
	update := func(email, phone string) (store.PasswordlessUser, error) {
		return s.UpdatePasswordlessUser(ctx, u.ID, func(p *store.PasswordlessUser) error {
			p.Email, p.PhoneNumber = email, phone
			p.ID, p.TenantID, p.TimeJoined = "changed", "changed", at(99) // ignored
			return nil
		})
	}

	// Devices of the old and new contacts are removed; others stay.
	oldDev := createDevice(t, ctx, s, store.DefaultTenant, "old", "una@example.com", at(0))
	newDev := createDevice(t, ctx, s, store.DefaultTenant, "new", "+12015550111", at(0))
	keep := createDevice(t, ctx, s, store.DefaultTenant, "keep", "keep@example.com", at(0))
	got, err := update("una@example.com", "+12015550111")
	ok(t, err, "add a phone")
	samePwlUser(t, got, store.PasswordlessUser{ID: u.ID, TenantID: store.DefaultTenant, Email: "una@example.com", PhoneNumber: "+12015550111", TimeJoined: u.TimeJoined}, "updated")
	for _, d := range []store.PasswordlessDevice{oldDev, newDev} {
		_, err = s.PasswordlessDevice(ctx, store.DefaultTenant, d.PreAuthSessionID)
		is(t, err, store.ErrNotFound, "device of a changed contact")
	}
	_, err = s.PasswordlessDevice(ctx, store.DefaultTenant, keep.PreAuthSessionID)
	ok(t, err, "unrelated device")
	byPhone, err := s.PasswordlessUserByPhoneNumber(ctx, store.DefaultTenant, "+12015550111")
	ok(t, err, "by the new phone")
	samePwlUser(t, byPhone, got, "by the new phone")
	if us, _ := s.User(ctx, u.ID); us.LoginMethods[0].PhoneNumber != "+12015550111" {
		t.Fatalf("User after update = %+v", us)
	}

	_, err = update("val@example.com", "+12015550111")
	is(t, err, store.ErrEmailTaken, "taken email")
	_, err = update("una@example.com", "+12015550100")
	is(t, err, store.ErrPhoneNumberTaken, "taken phone")
	cur, err := s.PasswordlessUser(ctx, u.ID)
	ok(t, err, "PasswordlessUser")
	samePwlUser(t, cur, got, "a refused update changes nothing")

	got, err = update("", "+12015550111")
	ok(t, err, "clear the email")
	if got.Email != "" {
		t.Fatalf("email not cleared: %+v", got)
	}
	_, err = s.PasswordlessUserByEmail(ctx, store.DefaultTenant, "una@example.com")
	is(t, err, store.ErrNotFound, "by the cleared email")
	if us, _ := s.User(ctx, u.ID); us.LoginMethods[0].Email != "" || !us.LoginMethods[0].Verified {
		t.Fatalf("phone-only after clearing the email = %+v", us)
	}
	_, err = update("", "")
	if err == nil {
		t.Fatal("clearing both contacts was accepted")
	}
	got, err = update("una2@example.com", "")
	ok(t, err, "swap phone for email")
	if got.Email != "una2@example.com" || got.PhoneNumber != "" {
		t.Fatalf("swapped = %+v", got)
	}
	list, err := s.ListUsers(ctx, store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: 10, Search: store.UserSearch{Emails: []string{"una2"}}})
	ok(t, err, "search the new email")
	wantStrings(t, ids(list), []string{u.ID}, "search the new email")

	_, err = s.UpdatePasswordlessUser(ctx, u.ID, func(*store.PasswordlessUser) error { return errUpdater })
	is(t, err, errUpdater, "updater error")
	_, err = s.UpdatePasswordlessUser(ctx, newID(), func(*store.PasswordlessUser) error { return nil })
	is(t, err, store.ErrNotFound, "unknown user")
}

// ---------------------------------------------------------------------------
// Races

func testRaceConsumeOneCode(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	d := createDevice(t, ctx, s, store.DefaultTenant, "race", "race@example.com", at(0))
	errs := race(racers, func(int) error {
		_, err := consume(t, ctx, s, store.DefaultTenant, d.PreAuthSessionID, store.PasswordlessSignIn, nil)
		return err
	})
	oneWinner(t, errs, store.ErrNotFound, "consume one code")
	if n, err := s.CountUsers(ctx, "", nil); err != nil || n != 1 {
		t.Fatalf("CountUsers = %d, %v; want 1", n, err)
	}
}

func testRaceFailedAttempts(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	d := createDevice(t, ctx, s, store.DefaultTenant, "wrong", "+12015550100", at(0))
	const n = 20
	errs := race(n, func(int) error {
		_, err := consume(t, ctx, s, store.DefaultTenant, d.PreAuthSessionID, store.PasswordlessFailedAttempt, errCheck)
		return err
	})
	for i, err := range errs {
		is(t, err, errCheck, fmt.Sprintf("racer %d", i))
	}
	got, err := s.PasswordlessDevice(ctx, store.DefaultTenant, d.PreAuthSessionID)
	ok(t, err, "PasswordlessDevice")
	if got.FailedAttempts != n {
		t.Fatalf("failed attempts = %d, want %d: an attempt was lost", got.FailedAttempts, n)
	}
}

// testRaceSignUpOnePhone signs up with one phone number from many devices
// at once: exactly one user is created, and every sign-in that succeeds
// signs in to it.
func testRaceSignUpOnePhone(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	devices := make([]store.PasswordlessDevice, racers)
	for i := range devices {
		devices[i] = createDevice(t, ctx, s, store.DefaultTenant, fmt.Sprint(i), "+12015550123", at(int64(i)))
	}
	users := make([]string, racers)
	errs := race(racers, func(i int) error {
		res, err := consume(t, ctx, s, store.DefaultTenant, devices[i].PreAuthSessionID, store.PasswordlessSignIn, nil)
		users[i] = res.User.ID
		return err
	})
	created := ""
	for i, err := range errs {
		switch {
		case err == nil:
			if created == "" {
				created = users[i]
			}
			if users[i] != created {
				t.Fatalf("racers signed in to users %s and %s", created, users[i])
			}
		case !errors.Is(err, store.ErrNotFound):
			t.Fatalf("racer %d: %v", i, err)
		}
	}
	if created == "" {
		t.Fatal("nobody signed in")
	}
	if n, err := s.CountUsers(ctx, "", nil); err != nil || n != 1 {
		t.Fatalf("CountUsers = %d, %v; want 1", n, err)
	}

	// Creating users directly: one wins, the rest find the phone taken.
	errs = race(racers, func(i int) error {
		return s.CreatePasswordlessUser(ctx, pwlUser(store.DefaultTenant, "", "+12015550999", at(int64(i))))
	})
	oneWinner(t, errs, store.ErrPhoneNumberTaken, "CreatePasswordlessUser one phone")
}

// testRaceConsumeAndUpdate runs sign-ins by email and by phone for one
// user, updates of its contacts and removals of devices at once. Each
// locks several devices; none may fail on a deadlock.
func testRaceConsumeAndUpdate(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	u := pwlUser(store.DefaultTenant, "mix@example.com", "+12015550300", at(0))
	ok(t, s.CreatePasswordlessUser(ctx, u), "CreatePasswordlessUser")
	const n = 30
	devices := make([]store.PasswordlessDevice, n)
	for i := range devices {
		contact := u.Email
		if i%2 == 1 {
			contact = u.PhoneNumber
		}
		devices[i] = createDevice(t, ctx, s, store.DefaultTenant, fmt.Sprint(i), contact, at(int64(i)))
	}
	errs := race(n, func(i int) error {
		var err error
		switch i % 5 {
		case 0, 1:
			_, err = consume(t, ctx, s, store.DefaultTenant, devices[i].PreAuthSessionID, store.PasswordlessSignIn, nil)
		case 2:
			_, err = s.UpdatePasswordlessUser(ctx, u.ID, func(p *store.PasswordlessUser) error {
				p.PhoneNumber = fmt.Sprintf("+1201555%04d", 400+i)
				return nil
			})
		case 3:
			err = s.DeletePasswordlessDevicesByEmail(ctx, store.DefaultTenant, u.Email)
		case 4:
			_, err = consume(t, ctx, s, store.DefaultTenant, devices[i].PreAuthSessionID, store.PasswordlessFailedAttempt, errCheck)
		}
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, errCheck) {
			return nil // the device was consumed or removed first
		}
		return err
	})
	for i, err := range errs {
		ok(t, err, fmt.Sprintf("racer %d", i))
	}
	if n, err := s.CountUsers(ctx, "", nil); err != nil || n != 1 {
		t.Fatalf("CountUsers = %d, %v; want 1", n, err)
	}
}

// testPasswordlessCodeCap: a device keeps at most maxCodes codes, the
// newest, however often the code is resent (issue 11, finding 6: 50
// resends left 51 live codes, each guess checked against all of them).
func testPasswordlessCodeCap(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	d, c := pwlDevice(store.DefaultTenant, "cap", "cap@example.com", at(0))
	ok(t, s.CreatePasswordlessDevice(ctx, d, c), "CreatePasswordlessDevice")
	for i := 1; i <= 7; i++ {
		ok(t, s.CreatePasswordlessCode(ctx, store.DefaultTenant, store.PasswordlessCode{ID: fmt.Sprintf("cap-%d", i), PreAuthSessionID: d.PreAuthSessionID,
			LinkCodeHash: fmt.Sprintf("cap-hash-%d", i), CreatedAt: at(int64(i))}, 3), "CreatePasswordlessCode")
	}
	got, err := s.PasswordlessDevice(ctx, store.DefaultTenant, d.PreAuthSessionID)
	ok(t, err, "PasswordlessDevice")
	var ids []string
	for _, c := range got.Codes {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"cap-5", "cap-6", "cap-7"}) {
		t.Fatalf("codes kept = %v, want the newest three", ids)
	}
}
