package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// racers is how many goroutines each race starts.
const racers = 50

// race runs fn(0) … fn(n-1) in n goroutines released together, and returns
// their errors by index.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWinner checks that exactly one error is nil and every other one is
// loser; it returns the winner's index.
func oneWinner(t *testing.T, errs []error, loser error, what string) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Fatalf("%s: racers %d and %d both won", what, winner, i)
			}
			winner = i
		case !errors.Is(err, loser):
			t.Fatalf("%s: racer %d: got %v, want nil or %v", what, i, err, loser)
		}
	}
	if winner < 0 {
		t.Fatalf("%s: nobody won", what)
	}
	return winner
}

func testRaceSignUp(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	users := make([]store.EmailPasswordUser, racers)
	for i := range users {
		users[i] = epUser("race@example.com", at(int64(i)))
	}
	errs := race(racers, func(i int) error { return s.CreateEmailPasswordUser(ctx, users[i]) })
	w := oneWinner(t, errs, store.ErrAlreadyExists, "CreateEmailPasswordUser")
	if n, err := s.CountUsers(ctx, "", nil); err != nil || n != 1 {
		t.Fatalf("CountUsers = %d, %v; want 1", n, err)
	}
	got, err := s.EmailPasswordUserByEmail(ctx, store.DefaultTenant, "race@example.com")
	ok(t, err, "EmailPasswordUserByEmail")
	sameEP(t, got, users[w], "the stored user is the winner")
}

func testRaceDashboardSignUp(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	errs := race(racers, func(i int) error {
		return s.CreateDashboardUser(ctx, dashUser("ops@example.com", at(int64(i))))
	})
	oneWinner(t, errs, store.ErrAlreadyExists, "CreateDashboardUser")
	list, err := s.ListDashboardUsers(ctx)
	ok(t, err, "ListDashboardUsers")
	if len(list) != 1 {
		t.Fatalf("ListDashboardUsers = %d accounts, want 1", len(list))
	}
}

func testRaceImport(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	const n = 20
	results := make([]store.EmailPasswordUser, n)
	existed := make([]bool, n)
	errs := race(n, func(i int) error {
		u := epUser("import@example.com", at(int64(i)))
		u.PasswordHash = fmt.Sprintf("hash-%d", i)
		var err error
		results[i], existed[i], err = s.ImportEmailPasswordUser(ctx, u)
		return err
	})
	created := 0
	for i, err := range errs {
		ok(t, err, "ImportEmailPasswordUser")
		if !existed[i] {
			created++
		}
		if results[i].ID != results[0].ID {
			t.Fatalf("imports returned users %s and %s", results[0].ID, results[i].ID)
		}
	}
	if created != 1 {
		t.Fatalf("%d imports created the user, want 1", created)
	}
	if c, err := s.CountUsers(ctx, "", nil); err != nil || c != 1 {
		t.Fatalf("CountUsers = %d, %v; want 1", c, err)
	}
}

func testRaceUpdateSessionCounter(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	ss := session("h", store.DefaultTenant, newID(), base.Add(time.Hour))
	ss.RefreshTokenHash2 = "0"
	ok(t, s.CreateSession(ctx, ss), "CreateSession")
	errs := race(racers, func(int) error {
		_, err := s.UpdateSession(ctx, "h", func(v *store.Session) error {
			n, err := strconv.Atoi(v.RefreshTokenHash2)
			if err != nil {
				return err
			}
			v.RefreshTokenHash2 = strconv.Itoa(n + 1)
			return nil
		})
		return err
	})
	for _, err := range errs {
		ok(t, err, "UpdateSession")
	}
	got, err := s.Session(ctx, "h")
	ok(t, err, "Session")
	if got.RefreshTokenHash2 != strconv.Itoa(racers) {
		t.Fatalf("after %d increments the counter is %s: updates were lost", racers, got.RefreshTokenHash2)
	}
}

// errStale is what a rotation updater returns when another rotation got
// there first.
var errStale = errors.New("storetest: refresh token already rotated")

func testRaceUpdateSessionRotate(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	ss := session("h", store.DefaultTenant, newID(), base.Add(time.Hour))
	ss.RefreshTokenHash2 = "parent"
	ok(t, s.CreateSession(ctx, ss), "CreateSession")
	errs := race(racers, func(i int) error {
		_, err := s.UpdateSession(ctx, "h", func(v *store.Session) error {
			if v.RefreshTokenHash2 != "parent" {
				return errStale
			}
			v.RefreshTokenHash2 = fmt.Sprintf("child-%d", i)
			return nil
		})
		return err
	})
	w := oneWinner(t, errs, errStale, "rotate one refresh token")
	got, err := s.Session(ctx, "h")
	ok(t, err, "Session")
	if want := fmt.Sprintf("child-%d", w); got.RefreshTokenHash2 != want {
		t.Fatalf("stored hash = %s, want the winner's %s", got.RefreshTokenHash2, want)
	}
}

func testRaceConsumeResetToken(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	u := createEP(t, ctx, s, epUser("reset@example.com", at(0)))
	ok(t, s.CreatePasswordResetToken(ctx, store.PasswordResetToken{UserID: u.ID, Email: u.Email,
		TokenHash: "tok", Expiry: base.Add(time.Hour)}), "CreatePasswordResetToken")
	errs := race(racers, func(int) error {
		_, err := s.ConsumePasswordResetToken(ctx, "tok", base)
		return err
	})
	oneWinner(t, errs, store.ErrNotFound, "ConsumePasswordResetToken")
}

func testRaceConsumeVerificationToken(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	ok(t, s.CreateEmailVerificationToken(ctx, store.EmailVerificationToken{TenantID: store.DefaultTenant, UserID: "u",
		Email: "v@example.com", TokenHash: "tok", Expiry: base.Add(time.Hour)}), "CreateEmailVerificationToken")
	errs := race(racers, func(int) error {
		_, err := s.ConsumeEmailVerificationToken(ctx, store.DefaultTenant, "tok", base)
		return err
	})
	oneWinner(t, errs, store.ErrNotFound, "ConsumeEmailVerificationToken")
	if v, err := s.IsEmailVerified(ctx, "u", "v@example.com"); err != nil || !v {
		t.Fatalf("IsEmailVerified = %v, %v", v, err)
	}
}

func testRaceAddDynamicSigningKey(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	stored := make([]bool, racers)
	lists := make([][]store.SigningKey, racers)
	errs := race(racers, func(i int) error {
		var err error
		lists[i], stored[i], err = s.AddDynamicSigningKey(ctx, dynamicKey(at(int64(1000+i))), at(0))
		return err
	})
	n := 0
	for i, err := range errs {
		ok(t, err, "AddDynamicSigningKey")
		if stored[i] {
			n++
		}
		if len(lists[i]) != 1 {
			t.Fatalf("racer %d saw %d keys, want 1", i, len(lists[i]))
		}
	}
	if n != 1 {
		t.Fatalf("%d racers stored a key, want 1", n)
	}
	keys, err := s.DynamicSigningKeys(ctx)
	ok(t, err, "DynamicSigningKeys")
	if len(keys) != 1 {
		t.Fatalf("DynamicSigningKeys = %d keys, want 1", len(keys))
	}
}

func testRaceStaticSigningKey(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	got := make([]store.SigningKey, racers)
	errs := race(racers, func(i int) error {
		var err error
		got[i], err = s.StaticSigningKey(ctx, store.SigningKey{ID: "s-" + newID(), Algorithm: "RS256",
			Value: fmt.Sprint(i), CreatedAt: at(int64(i))})
		return err
	})
	for i, err := range errs {
		ok(t, err, "StaticSigningKey")
		if got[i] != got[0] {
			t.Fatalf("racers got different static keys: %+v and %+v", got[0], got[i])
		}
	}
}

func testRaceAddUserRoleDeleteRole(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	const rounds, adders = 10, 10
	users := make([]string, adders)
	for i := range users {
		users[i] = newID()
	}
	for round := range rounds {
		role := fmt.Sprintf("role-%d", round)
		_, err := s.CreateRole(ctx, role, []string{"p"})
		ok(t, err, "CreateRole")
		errs := race(adders+1, func(i int) error {
			if i == adders {
				_, err := s.DeleteRole(ctx, role)
				return err
			}
			_, err := s.AddUserRole(ctx, store.DefaultTenant, users[i], role)
			return err
		})
		for i, err := range errs {
			if err != nil && !(i < adders && errors.Is(err, store.ErrNotFound)) {
				t.Fatalf("round %d racer %d: %v", round, i, err)
			}
		}
		_, err = s.RoleUsers(ctx, store.DefaultTenant, role)
		is(t, err, store.ErrNotFound, "RoleUsers of the deleted role")
		for _, u := range users {
			roles, err := s.UserRoles(ctx, store.DefaultTenant, u)
			ok(t, err, "UserRoles")
			if slices.Contains(roles, role) {
				t.Fatalf("round %d: user %s still has deleted role %s", round, u, role)
			}
		}
		// Nothing is waiting to come back with a role of the same name.
		_, err = s.CreateRole(ctx, role, nil)
		ok(t, err, "CreateRole again")
		left, err := s.RoleUsers(ctx, store.DefaultTenant, role)
		ok(t, err, "RoleUsers of the recreated role")
		if len(left) != 0 {
			t.Fatalf("round %d: recreated role already has users %q", round, left)
		}
	}
}

func testRaceUpdateMetadata(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	user := newID()
	errs := race(racers, func(i int) error {
		_, err := s.UpdateMetadata(ctx, user, func(old json.RawMessage) (json.RawMessage, error) {
			return mergeJSON(old, json.RawMessage(fmt.Sprintf(`{"k%d":%d}`, i, i)))
		})
		return err
	})
	for _, err := range errs {
		ok(t, err, "UpdateMetadata")
	}
	md, err := s.Metadata(ctx, user)
	ok(t, err, "Metadata")
	if m := metadataKeys(t, md); len(m) != racers {
		t.Fatalf("metadata has %d keys after %d racing merges: updates were lost", len(m), racers)
	}
}

func testRaceUpdateEmail(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	const n = 20
	users := make([]store.EmailPasswordUser, n)
	for i := range users {
		users[i] = createEP(t, ctx, s, epUser(fmt.Sprintf("u%d@example.com", i), at(int64(i))))
	}
	errs := race(n, func(i int) error {
		_, err := s.UpdateEmailPasswordUser(ctx, users[i].ID, func(u *store.EmailPasswordUser) error {
			u.Email = "wanted@example.com"
			return nil
		})
		return err
	})
	w := oneWinner(t, errs, store.ErrAlreadyExists, "UpdateEmailPasswordUser to one email")
	got, err := s.EmailPasswordUserByEmail(ctx, store.DefaultTenant, "wanted@example.com")
	ok(t, err, "EmailPasswordUserByEmail")
	if got.ID != users[w].ID {
		t.Fatalf("the email belongs to %s, want the winner %s", got.ID, users[w].ID)
	}
}
