package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

func testActivity(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	alice := createEP(t, ctx, s, epUser("alice@example.com", at(1)))

	m, err := s.ActivityForUsers(ctx, []string{alice.ID})
	ok(t, err, "ActivityForUsers before any session")
	if len(m) != 0 {
		t.Fatalf("activity before any session: %+v", m)
	}

	s1 := session("s1", store.DefaultTenant, alice.ID, base.Add(time.Hour))
	s1.CreatedAt, s1.ClientIP, s1.UserAgent = at(10), "203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
	ok(t, s.CreateSession(ctx, s1), "CreateSession s1")
	got, err := s.Session(ctx, "s1")
	ok(t, err, "Session s1")
	if got.ClientIP != s1.ClientIP || got.UserAgent != s1.UserAgent || !got.LastRefreshed.IsZero() {
		t.Fatalf("session origin: got %q %q %v", got.ClientIP, got.UserAgent, got.LastRefreshed)
	}
	s2 := session("s2", store.DefaultTenant, alice.ID, base.Add(time.Hour))
	s2.CreatedAt = at(20)
	ok(t, s.CreateSession(ctx, s2), "CreateSession s2")
	// A session of an id that is no user records nothing, and fails nothing.
	ok(t, s.CreateSession(ctx, session("s3", store.DefaultTenant, "not-a-user", base.Add(time.Hour))), "CreateSession of a non-user")

	// A session that is no sign-in (back-office code, activity off) is
	// stored and counts nothing.
	s4 := session("s4", store.DefaultTenant, alice.ID, base.Add(time.Hour))
	s4.CreatedAt, s4.NotSignIn = at(30), true
	ok(t, s.CreateSession(ctx, s4), "CreateSession that is no sign-in")
	if _, err := s.Session(ctx, "s4"); err != nil {
		t.Fatalf("a session that is no sign-in was not stored: %v", err)
	}

	m, err = s.ActivityForUsers(ctx, []string{alice.ID, "not-a-user", alice.ID})
	ok(t, err, "ActivityForUsers")
	a := m[alice.ID]
	if len(m) != 1 || a.SignIns != 2 || !a.LastSignIn.Equal(at(20)) || !a.LastActive.Equal(at(20)) {
		t.Fatalf("activity after two sign-ins and one session that is none: %+v", m)
	}

	// A refresh that moves LastRefreshed moves LastActive; the origin
	// cannot change.
	_, err = s.UpdateSession(ctx, "s1", func(ss *store.Session) error {
		ss.LastRefreshed, ss.ClientIP = at(500), "198.51.100.1"
		return nil
	})
	ok(t, err, "UpdateSession")
	got, err = s.Session(ctx, "s1")
	ok(t, err, "Session s1 after the refresh")
	if !got.LastRefreshed.Equal(at(500)) || got.ClientIP != s1.ClientIP {
		t.Fatalf("after the refresh: last refreshed %v, ip %q", got.LastRefreshed, got.ClientIP)
	}
	m, err = s.ActivityForUsers(ctx, []string{alice.ID})
	ok(t, err, "ActivityForUsers after the refresh")
	if a := m[alice.ID]; a.SignIns != 2 || !a.LastSignIn.Equal(at(20)) || !a.LastActive.Equal(at(500)) {
		t.Fatalf("activity after the refresh: %+v", a)
	}
	// An older time never moves LastActive back.
	_, err = s.UpdateSession(ctx, "s2", func(ss *store.Session) error { ss.LastRefreshed = at(100); return nil })
	ok(t, err, "UpdateSession s2")
	m, _ = s.ActivityForUsers(ctx, []string{alice.ID})
	if !m[alice.ID].LastActive.Equal(at(500)) {
		t.Fatalf("last active moved back: %+v", m[alice.ID])
	}

	ok(t, s.DeleteUser(ctx, alice.ID, true), "DeleteUser")
	m, err = s.ActivityForUsers(ctx, []string{alice.ID})
	ok(t, err, "ActivityForUsers of a deleted user")
	if len(m) != 0 {
		t.Fatalf("a deleted user's activity: %+v", m)
	}
}

func testListUsersByActivity(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	var ids []string
	for i, email := range []string{"a@example.com", "b@example.com", "c@example.com", "never@example.com"} {
		u := createEP(t, ctx, s, epUser(email, at(int64(i))))
		ids = append(ids, u.ID)
	}
	// Sign-ins: c first, then a, then b; a and b at the same millisecond.
	for i, who := range []int{2, 0, 1} {
		ss := session(fmt.Sprintf("s%d", i), store.DefaultTenant, ids[who], base.Add(time.Hour))
		ss.CreatedAt = at(100)
		if who == 2 {
			ss.CreatedAt = at(50)
		}
		ok(t, s.CreateSession(ctx, ss), "CreateSession")
	}
	for _, asc := range []bool{false, true} {
		var got []string
		var after *store.ActivityCursor
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("ListUsersByActivity: the pages do not end")
			}
			users, next, err := s.ListUsersByActivity(ctx, store.ActivityListQuery{TenantID: store.DefaultTenant, Limit: 1, Ascending: asc, After: after})
			ok(t, err, "ListUsersByActivity")
			for _, u := range users {
				got = append(got, u.LoginMethods[0].Email)
			}
			if next == nil {
				break
			}
			after = next
		}
		// Same time: user ids in the order's direction.
		ab := []string{"a@example.com", "b@example.com"}
		if ids[0] < ids[1] == !asc {
			ab = []string{"b@example.com", "a@example.com"}
		}
		want := append(ab, "c@example.com")
		if asc {
			want = []string{"c@example.com", ab[0], ab[1]}
		}
		wantStrings(t, got, want, fmt.Sprintf("ListUsersByActivity ascending=%v", asc))
	}
	if users, _, err := s.ListUsersByActivity(ctx, store.ActivityListQuery{TenantID: "other", Limit: 10}); err != nil || len(users) != 0 {
		t.Fatalf("another tenant: %v, %v", users, err)
	}
	// Active users: c was last active at 50, a and b at 100.
	n, err := s.ActiveUsers(ctx, []time.Time{at(101), at(60), at(0)})
	ok(t, err, "ActiveUsers")
	if fmt.Sprint(n) != "[0 2 3]" {
		t.Fatalf("ActiveUsers = %v, want [0 2 3]", n)
	}

	// A refresh makes c the most recently active, not the most recent
	// sign-in: the two orders part.
	_, err = s.UpdateSession(ctx, "s0", func(ss *store.Session) error { ss.LastRefreshed = at(500); return nil })
	ok(t, err, "UpdateSession")
	first := func(bySignIn, asc bool) []string {
		var got []string
		var after *store.ActivityCursor
		for range 5 {
			users, next, err := s.ListUsersByActivity(ctx, store.ActivityListQuery{TenantID: store.DefaultTenant, Limit: 2,
				Ascending: asc, BySignIn: bySignIn, After: after})
			ok(t, err, "ListUsersByActivity")
			for _, u := range users {
				got = append(got, u.LoginMethods[0].Email)
			}
			if next == nil {
				break
			}
			after = next
		}
		return got
	}
	if got := first(false, false); len(got) != 3 || got[0] != "c@example.com" {
		t.Errorf("by activity after c's refresh: %v, want c first", got)
	}
	if got := first(true, false); len(got) != 3 || got[2] != "c@example.com" {
		t.Errorf("by sign-in, newest first: %v, want c last", got)
	}
	if got := first(true, true); len(got) != 3 || got[0] != "c@example.com" {
		t.Errorf("by sign-in, oldest first: %v, want c first", got)
	}
}

// testActivityOfLinkedUsers: a person with several login methods is one
// row of the list, under the primary user: linking moves the member's
// activity there (latest times, summed counts), and the member's later
// sign-ins and refreshes are counted there too.
func testActivityOfLinkedUsers(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	primary := createEP(t, ctx, s, epUser("pat@example.com", at(1)))
	member := createEP(t, ctx, s, epUser("pat@work.example.com", at(2)))
	for i, who := range []string{primary.ID, member.ID, member.ID} {
		ss := session(fmt.Sprintf("before%d", i), store.DefaultTenant, who, base.Add(time.Hour))
		ss.CreatedAt = at(int64(10 + i))
		ok(t, s.CreateSession(ctx, ss), "CreateSession before linking")
	}
	_, _, err := s.CreatePrimaryUser(ctx, primary.ID, false)
	ok(t, err, "CreatePrimaryUser")
	_, _, err = s.LinkAccounts(ctx, member.ID, primary.ID, false)
	ok(t, err, "LinkAccounts")
	m, err := s.ActivityForUsers(ctx, []string{primary.ID, member.ID})
	ok(t, err, "ActivityForUsers after linking")
	if a := m[primary.ID]; len(m) != 1 || a.SignIns != 3 || !a.LastSignIn.Equal(at(12)) || !a.LastActive.Equal(at(12)) {
		t.Fatalf("activity after linking: %+v", m)
	}

	after := session("after", store.DefaultTenant, member.ID, base.Add(time.Hour))
	after.CreatedAt = at(30)
	ok(t, s.CreateSession(ctx, after), "CreateSession of the member")
	_, err = s.UpdateSession(ctx, "after", func(ss *store.Session) error { ss.LastRefreshed = at(40); return nil })
	ok(t, err, "UpdateSession of the member's session")
	m, err = s.ActivityForUsers(ctx, []string{primary.ID, member.ID})
	ok(t, err, "ActivityForUsers after the member signed in")
	if a := m[primary.ID]; len(m) != 1 || a.SignIns != 4 || !a.LastSignIn.Equal(at(30)) || !a.LastActive.Equal(at(40)) {
		t.Fatalf("activity after the member's sign-in and refresh: %+v", m)
	}
}
