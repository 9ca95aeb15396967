package storetest

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/latchkey-dev/latchkey/store"
)

// testTenants: the migrations create the default tenant, with every login
// method; other ids are unknown.
func testTenants(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	got, err := s.Tenant(ctx, store.DefaultTenant)
	ok(t, err, "Tenant(default)")
	if got.ID != store.DefaultTenant || got.CreatedAt.IsZero() || got.FirstFactors != nil ||
		got.RequiredSecondaryFactors != nil || got.CoreConfig == nil || len(got.Providers) != 0 {
		t.Fatalf("Tenant(default) = %+v", got)
	}
	for _, id := range []string{"t1", "", "PUBLIC", "public ", "recipe"} {
		_, err := s.Tenant(ctx, id)
		is(t, err, store.ErrNotFound, "Tenant("+id+")")
	}
	list, err := s.ListTenants(ctx, 0)
	ok(t, err, "ListTenants")
	if len(list) != 1 || list[0].ID != store.DefaultTenant {
		t.Fatalf("ListTenants = %+v", list)
	}
	_, err = s.DeleteTenant(ctx, store.DefaultTenant)
	is(t, err, store.ErrConflict, "DeleteTenant(default)")
}

// testTenantCRUD: create, update in place, list, providers, delete.
func testTenantCRUD(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()

	created, err := s.CreateOrUpdateTenant(ctx, "acme", at(1), func(tn *store.Tenant, created bool) error {
		if !created || tn.FirstFactors == nil || len(tn.FirstFactors) != 0 {
			t.Errorf("new tenant handed to update: %+v, created %v; want no login methods", tn, created)
		}
		tn.FirstFactors = []string{"emailpassword", "thirdparty"}
		tn.CoreConfig = map[string]any{"password_reset_token_lifetime": 60000.0}
		return nil
	})
	ok(t, err, "create acme")
	if !created {
		t.Fatal("create acme: created = false")
	}
	got, err := s.Tenant(ctx, "acme")
	ok(t, err, "Tenant(acme)")
	wantStrings(t, got.FirstFactors, []string{"emailpassword", "thirdparty"}, "acme first factors")
	if got.RequiredSecondaryFactors != nil || got.CoreConfig["password_reset_token_lifetime"] != 60000.0 || !got.CreatedAt.Equal(at(1)) {
		t.Fatalf("Tenant(acme) = %+v", got)
	}

	// An update sees the stored state; a refused update writes nothing.
	_, err = s.CreateOrUpdateTenant(ctx, "acme", at(2), func(tn *store.Tenant, created bool) error {
		tn.FirstFactors = nil
		return errUpdater
	})
	is(t, err, errUpdater, "refused update")
	created, err = s.CreateOrUpdateTenant(ctx, "acme", at(3), func(tn *store.Tenant, created bool) error {
		if created || len(tn.FirstFactors) != 2 {
			t.Errorf("update of acme got %+v, created %v", tn, created)
		}
		tn.FirstFactors = nil
		tn.RequiredSecondaryFactors = []string{"totp"}
		tn.ID, tn.CreatedAt = "other", at(99) // ignored
		return nil
	})
	ok(t, err, "update acme")
	if created {
		t.Fatal("update acme: created = true")
	}
	got, err = s.Tenant(ctx, "acme")
	ok(t, err, "Tenant(acme) after update")
	if got.FirstFactors != nil || !got.CreatedAt.Equal(at(1)) {
		t.Fatalf("Tenant(acme) after update = %+v", got)
	}
	wantStrings(t, got.RequiredSecondaryFactors, []string{"totp"}, "acme secondary factors")
	_, err = s.Tenant(ctx, "other")
	is(t, err, store.ErrNotFound, "an update cannot rename")

	// Providers: created, replaced, listed oldest first, removed.
	_, err = s.PutTenantProvider(ctx, "nope", store.TenantProvider{ThirdPartyID: "google", Config: json.RawMessage(`{}`)}, at(4))
	is(t, err, store.ErrNotFound, "provider of an unknown tenant")
	for i, p := range []struct {
		id, config  string
		wantCreated bool
	}{
		{"okta", `{"thirdPartyId":"okta","name":"Okta"}`, true},
		{"google", `{"thirdPartyId":"google","name":"Google"}`, true},
		{"okta", `{"thirdPartyId":"okta","name":"Okta 2"}`, false},
	} {
		created, err := s.PutTenantProvider(ctx, "acme", store.TenantProvider{ThirdPartyID: p.id, Config: json.RawMessage(p.config)}, at(int64(10+i)))
		ok(t, err, "PutTenantProvider "+p.id)
		if created != p.wantCreated {
			t.Fatalf("PutTenantProvider %s #%d: created = %v", p.id, i, created)
		}
	}
	got, err = s.Tenant(ctx, "acme")
	ok(t, err, "Tenant(acme) with providers")
	if len(got.Providers) != 2 || got.Providers[0].ThirdPartyID != "okta" || string(got.Providers[0].Config) != `{"thirdPartyId":"okta","name":"Okta 2"}` ||
		got.Providers[1].ThirdPartyID != "google" {
		t.Fatalf("providers = %+v", got.Providers)
	}
	if pub, _ := s.Tenant(ctx, store.DefaultTenant); len(pub.Providers) != 0 {
		t.Fatalf("public got acme's providers: %+v", pub.Providers)
	}
	existed, err := s.DeleteTenantProvider(ctx, "acme", "google")
	ok(t, err, "DeleteTenantProvider")
	if again, _ := s.DeleteTenantProvider(ctx, "acme", "google"); !existed || again {
		t.Fatalf("DeleteTenantProvider: existed %v, again %v", existed, again)
	}

	_, err = s.CreateOrUpdateTenant(ctx, "beta", at(5), func(*store.Tenant, bool) error { return nil })
	ok(t, err, "create beta")
	list, err := s.ListTenants(ctx, 0)
	ok(t, err, "ListTenants")
	if len(list) != 3 || list[0].ID != "acme" || list[1].ID != "beta" || list[2].ID != store.DefaultTenant ||
		len(list[0].Providers) != 1 || len(list[1].Providers) != 0 {
		t.Fatalf("ListTenants = %+v", list)
	}
	if list, _ := s.ListTenants(ctx, 2); len(list) != 2 {
		t.Fatalf("ListTenants(limit 2) = %d tenants", len(list))
	}

	existed, err = s.DeleteTenant(ctx, "acme")
	ok(t, err, "DeleteTenant(acme)")
	if again, _ := s.DeleteTenant(ctx, "acme"); !existed || again {
		t.Fatalf("DeleteTenant: existed %v, again %v", existed, again)
	}
	_, err = s.Tenant(ctx, "acme")
	is(t, err, store.ErrNotFound, "Tenant(acme) after delete")
	// A tenant created again under the removed id starts empty.
	_, err = s.CreateOrUpdateTenant(ctx, "acme", at(6), func(*store.Tenant, bool) error { return nil })
	ok(t, err, "recreate acme")
	if got, _ := s.Tenant(ctx, "acme"); len(got.Providers) != 0 || len(got.FirstFactors) != 0 || got.FirstFactors == nil {
		t.Fatalf("recreated acme = %+v", got)
	}
}

// testTenantUsers: a user exists in the tenants it is associated with
// only; association follows each tenant's uniqueness rules; removing a
// tenant removes its associations and keeps the users.
func testTenantUsers(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	for _, id := range []string{"a", "b"} {
		_, err := s.CreateOrUpdateTenant(ctx, id, at(0), func(*store.Tenant, bool) error { return nil })
		ok(t, err, "create tenant "+id)
	}
	ep := epUser("ann@example.com", at(1))
	ep.TenantID = "a"
	createEP(t, ctx, s, ep)
	pl := pwlUser("a", "pat@example.com", "+12015550123", at(2))
	ok(t, s.CreatePasswordlessUser(ctx, pl), "CreatePasswordlessUser")
	tp := tpUser("okta", "o-1", "tia@example.com", at(3))
	tp.TenantID = "a"
	signInTP(t, ctx, s, tp, false, true)

	// Not in b yet.
	_, err := s.EmailPasswordUserByEmail(ctx, "b", ep.Email)
	is(t, err, store.ErrNotFound, "ann in b before association")
	_, err = s.PasswordlessUserByEmail(ctx, "b", pl.Email)
	is(t, err, store.ErrNotFound, "pat in b before association")
	_, err = s.ThirdPartyUserByAccount(ctx, "b", "okta", "o-1")
	is(t, err, store.ErrNotFound, "tia in b before association")
	if n, _ := s.CountUsers(ctx, "b", nil); n != 0 {
		t.Fatalf("CountUsers(b) = %d before association", n)
	}

	_, err = s.AddUserToTenant(ctx, "b", newID())
	is(t, err, store.ErrNotFound, "unknown user")
	_, err = s.AddUserToTenant(ctx, "zzz", ep.ID)
	is(t, err, store.ErrNotFound, "unknown tenant")
	for _, id := range []string{ep.ID, pl.ID, tp.ID} {
		already, err := s.AddUserToTenant(ctx, "b", id)
		ok(t, err, "AddUserToTenant "+id)
		if already {
			t.Fatalf("AddUserToTenant %s: already = true", id)
		}
		if already, err := s.AddUserToTenant(ctx, "b", id); err != nil || !already {
			t.Fatalf("AddUserToTenant %s again = %v, %v", id, already, err)
		}
	}
	got, err := s.EmailPasswordUserByEmail(ctx, "b", ep.Email)
	ok(t, err, "ann in b")
	if got.ID != ep.ID {
		t.Fatalf("ann in b = %+v", got)
	}
	if u, err := s.PasswordlessUserByEmail(ctx, "b", pl.Email); err != nil || u.ID != pl.ID {
		t.Fatalf("pat in b = %+v, %v", u, err)
	}
	if u, err := s.ThirdPartyUserByAccount(ctx, "b", "okta", "o-1"); err != nil || u.ID != tp.ID {
		t.Fatalf("tia in b = %+v, %v", u, err)
	}
	// Signing in through the provider on b finds the associated user.
	again := tp
	again.ID, again.TenantID = newID(), "b"
	if u := signInTP(t, ctx, s, again, false, false); u.ID != tp.ID {
		t.Fatalf("third-party sign-in on b = %+v, want %s", u, tp.ID)
	}
	user, err := s.User(ctx, ep.ID)
	ok(t, err, "User(ann)")
	wantStrings(t, user.TenantIDs, []string{"a", "b"}, "ann's tenants")
	if n, _ := s.CountUsers(ctx, "b", nil); n != 3 {
		t.Fatalf("CountUsers(b) = %d, want 3", n)
	}
	if n, _ := s.CountUsers(ctx, "", nil); n != 3 {
		t.Fatalf("CountUsers(all) = %d, want 3: association is not a new user", n)
	}

	// Another user of b with the same identifiers cannot join b.
	for _, tc := range []struct {
		name   string
		tenant string
		create func() string
		want   error
	}{
		{"email-password", "c", func() string {
			u := epUser(ep.Email, at(4))
			u.TenantID = "c"
			createEP(t, ctx, s, u)
			return u.ID
		}, store.ErrEmailPasswordEmailTaken},
		{"passwordless phone", "d", func() string {
			u := pwlUser("d", "", pl.PhoneNumber, at(4))
			ok(t, s.CreatePasswordlessUser(ctx, u), "CreatePasswordlessUser d")
			return u.ID
		}, store.ErrPhoneNumberTaken},
		{"third-party", "e", func() string {
			u := tpUser("okta", "o-1", "other@example.com", at(4))
			u.TenantID = "e"
			return signInTP(t, ctx, s, u, false, true).ID
		}, store.ErrThirdPartyUserTaken},
	} {
		_, err := s.CreateOrUpdateTenant(ctx, tc.tenant, at(0), func(*store.Tenant, bool) error { return nil })
		ok(t, err, "create tenant "+tc.tenant)
		id := tc.create()
		_, err = s.AddUserToTenant(ctx, "b", id)
		is(t, err, tc.want, tc.name)
		is(t, err, store.ErrAlreadyExists, tc.name)
		if u, _ := s.User(ctx, id); len(u.TenantIDs) != 1 {
			t.Fatalf("%s: a refused association left %v", tc.name, u.TenantIDs)
		}
	}

	// Removing the association: gone from b, still in a.
	was, err := s.RemoveUserFromTenant(ctx, "b", ep.ID)
	ok(t, err, "RemoveUserFromTenant")
	if again, _ := s.RemoveUserFromTenant(ctx, "b", ep.ID); !was || again {
		t.Fatalf("RemoveUserFromTenant: was %v, again %v", was, again)
	}
	_, err = s.EmailPasswordUserByEmail(ctx, "b", ep.Email)
	is(t, err, store.ErrNotFound, "ann in b after removal")
	if _, err := s.EmailPasswordUserByEmail(ctx, "a", ep.Email); err != nil {
		t.Fatalf("ann in a after removal from b: %v", err)
	}

	// Removing tenant a: ann, now only in a, goes with it; the others
	// stay, without a.
	all, _ := s.CountUsers(ctx, "", nil)
	_, err = s.DeleteTenant(ctx, "a")
	ok(t, err, "DeleteTenant(a)")
	_, err = s.EmailPasswordUserByEmail(ctx, "a", ep.Email)
	is(t, err, store.ErrNotFound, "ann in a after a is removed")
	_, err = s.User(ctx, ep.ID)
	is(t, err, store.ErrNotFound, "ann, only in a, after a is removed")
	if u, _ := s.User(ctx, pl.ID); !equalStrings(u.TenantIDs, []string{"b"}) {
		t.Fatalf("pat's tenants after a is removed = %v", u.TenantIDs)
	}
	if u, _ := s.User(ctx, tp.ID); !equalStrings(u.TenantIDs, []string{"b"}) {
		t.Fatalf("tia's tenants after a is removed = %v", u.TenantIDs)
	}
	if n, _ := s.CountUsers(ctx, "a", nil); n != 0 {
		t.Fatalf("CountUsers(a) after removal = %d", n)
	}
	if n, _ := s.CountUsers(ctx, "", nil); n != all-1 {
		t.Fatalf("CountUsers(all) after removal = %d, want %d", n, all-1)
	}
	// A user removed from its last tenant stays, and can join one again.
	_, err = s.RemoveUserFromTenant(ctx, "b", pl.ID)
	ok(t, err, "RemoveUserFromTenant(pat, b)")
	if u, err := s.User(ctx, pl.ID); err != nil || len(u.TenantIDs) != 0 {
		t.Fatalf("pat without tenants = %+v, %v", u, err)
	}
	_, err = s.AddUserToTenant(ctx, "b", pl.ID)
	ok(t, err, "AddUserToTenant after its last tenant was left")
	if u, err := s.PasswordlessUserByEmail(ctx, "b", pl.Email); err != nil || u.ID != pl.ID {
		t.Fatalf("pat in b again = %+v, %v", u, err)
	}
}

// testRaceCreateTenant: racing creators of one tenant; exactly one creates
// it, the others update it, and none fails.
func testRaceCreateTenant(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	created := make([]bool, racers)
	errs := race(racers, func(i int) error {
		var err error
		created[i], err = s.CreateOrUpdateTenant(ctx, "raced", at(int64(i)), func(tn *store.Tenant, _ bool) error {
			tn.FirstFactors = append(tn.FirstFactors, fmt.Sprintf("f%d", i))
			return nil
		})
		return err
	})
	n := 0
	for i, err := range errs {
		ok(t, err, "CreateOrUpdateTenant racer")
		if created[i] {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d racers created the tenant, want 1", n)
	}
	// Each update saw the one before: every racer's factor is kept.
	got, err := s.Tenant(ctx, "raced")
	ok(t, err, "Tenant(raced)")
	if len(got.FirstFactors) != racers {
		t.Fatalf("factors after the race = %v, want one per racer", got.FirstFactors)
	}
}

// testRaceAssociateOneEmail: users of two tenants with one email race to
// join a third; exactly one does.
func testRaceAssociateOneEmail(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	ids := make([]string, racers)
	for i := range racers {
		tenant := fmt.Sprintf("src-%d", i)
		_, err := s.CreateOrUpdateTenant(ctx, tenant, at(0), func(*store.Tenant, bool) error { return nil })
		ok(t, err, "create "+tenant)
		u := epUser("same@example.com", at(int64(i)))
		u.TenantID = tenant
		createEP(t, ctx, s, u)
		ids[i] = u.ID
	}
	_, err := s.CreateOrUpdateTenant(ctx, "dest", at(0), func(*store.Tenant, bool) error { return nil })
	ok(t, err, "create dest")
	errs := race(racers, func(i int) error {
		_, err := s.AddUserToTenant(ctx, "dest", ids[i])
		return err
	})
	w := oneWinner(t, errs, store.ErrEmailPasswordEmailTaken, "AddUserToTenant")
	got, err := s.EmailPasswordUserByEmail(ctx, "dest", "same@example.com")
	ok(t, err, "the winner in dest")
	if got.ID != ids[w] {
		t.Fatalf("dest has %s, the winner was %s", got.ID, ids[w])
	}
	if n, _ := s.CountUsers(ctx, "dest", nil); n != 1 {
		t.Fatalf("CountUsers(dest) = %d, want 1", n)
	}
}
