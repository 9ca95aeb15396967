package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// BenchmarkUsers measures the user-listing hot path on a store that
// already holds many users in the public tenant (bench/users1m builds one
// of a million): the first page in both orders, a page from the middle of
// the walk in both orders, a selective and a broad email-prefix search,
// and CountUsers. Each case reports its median and 99th-percentile latency
// as p50-ms and p99-ms, and, for pages, the users returned as users/op.
//
// The search terms fit bench/users1m's emails ("first.last<n>@domain"):
// "john.smith12" matches a few dozen users, "john" about one in sixty.
func BenchmarkUsers(b *testing.B, s store.Store) {
	ctx := b.Context()
	total, err := s.CountUsers(ctx, store.DefaultTenant, nil)
	if err != nil {
		b.Fatal(err)
	}
	if total < 1000 {
		b.Skipf("the store holds %d users; load it with bench/users1m first", total)
	}
	asc, desc := middleCursors(b, s)

	const limit = 100
	q := func(mod func(*store.ListUsersQuery)) store.ListUsersQuery {
		q := store.ListUsersQuery{TenantID: store.DefaultTenant, Limit: limit + 1}
		mod(&q)
		return q
	}
	for _, tc := range []struct {
		name string
		q    store.ListUsersQuery
	}{
		{"ListFirstPageAsc", q(func(*store.ListUsersQuery) {})},
		{"ListFirstPageDesc", q(func(q *store.ListUsersQuery) { q.Descending = true })},
		{"ListMiddlePageAsc", q(func(q *store.ListUsersQuery) { q.After = asc })},
		{"ListMiddlePageDesc", q(func(q *store.ListUsersQuery) { q.Descending, q.After = true, desc })},
		{"ListFirstPageRecipe", q(func(q *store.ListUsersQuery) { q.RecipeIDs = []string{store.RecipeEmailPassword} })},
		{"SearchSelective", q(func(q *store.ListUsersQuery) { q.Search.Emails = []string{"john.smith12"} })},
		{"SearchBroad", q(func(q *store.ListUsersQuery) { q.Search.Emails = []string{"john"} })},
		{"SearchBroadDesc", q(func(q *store.ListUsersQuery) { q.Search.Emails = []string{"john"}; q.Descending = true })},
		{"SearchDomain", q(func(q *store.ListUsersQuery) { q.Search.Emails = []string{"gmail.com"} })},
		{"ListFirstPage500", q(func(q *store.ListUsersQuery) { q.Limit = 501 })},
		// The CDI returns up to 1,000 search results at once.
		{"SearchBroad1000", q(func(q *store.ListUsersQuery) { q.Search.Emails = []string{"john"}; q.Limit = 1000 })},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var n int
			measure(b, func() error {
				users, err := s.ListUsers(ctx, tc.q)
				n = len(users)
				return err
			})
			b.ReportMetric(float64(n), "users/op")
		})
	}
	b.Run("CountUsers", func(b *testing.B) {
		measure(b, func() error {
			_, err := s.CountUsers(ctx, store.DefaultTenant, nil)
			return err
		})
	})
	b.Run("CountUsersAllTenants", func(b *testing.B) {
		measure(b, func() error {
			_, err := s.CountUsers(ctx, "", nil)
			return err
		})
	})
}

// measure runs op b.N times and reports its latency percentiles.
func measure(b *testing.B, op func() error) {
	b.Helper()
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	pct := func(p int) float64 { return float64(lat[(len(lat)-1)*p/100]) / float64(time.Millisecond) }
	b.ReportMetric(pct(50), "p50-ms")
	b.ReportMetric(pct(99), "p99-ms")
}

// middleCursors returns cursors at the first user who joined at or after
// the midpoint of the join times (ascending) and at the last one before
// it (descending): with join times spread evenly, about halfway through
// the walk in either order.
func middleCursors(b *testing.B, s store.Store) (asc, desc *store.UserCursor) {
	ctx := b.Context()
	first := func(q store.ListUsersQuery) store.User {
		q.TenantID, q.Limit = store.DefaultTenant, 1
		users, err := s.ListUsers(ctx, q)
		if err != nil || len(users) != 1 {
			b.Fatalf("ListUsers: %d users, %v", len(users), err)
		}
		return users[0]
	}
	oldest, newest := first(store.ListUsersQuery{}), first(store.ListUsersQuery{Descending: true})
	mid := oldest.TimeJoined.Add(newest.TimeJoined.Sub(oldest.TimeJoined) / 2).Truncate(time.Millisecond)
	// A cursor need not be a user: (mid, highest id) starts at the first
	// user at or after mid in ascending order, and at mid or before in
	// descending order.
	const highest = "\U0010FFFF"
	a := first(store.ListUsersQuery{After: &store.UserCursor{UserID: highest, TimeJoined: mid}})
	d := first(store.ListUsersQuery{Descending: true, After: &store.UserCursor{UserID: highest, TimeJoined: mid.Add(-time.Millisecond)}})
	b.Logf("middle cursors: ascending %s at %s, descending %s at %s", a.ID, a.TimeJoined, d.ID, d.TimeJoined)
	return &store.UserCursor{UserID: a.ID, TimeJoined: a.TimeJoined},
		&store.UserCursor{UserID: d.ID, TimeJoined: d.TimeJoined}
}
