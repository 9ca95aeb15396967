package storetest

import (
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

func testStats(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	day := func(d int) time.Time { return time.Date(2026, 11, 1+d, 0, 0, 0, 0, time.UTC) }
	// Two sign-ups on day 0 (at its first and last millisecond), none on
	// day 1, one on day 2, one on day 5 (outside the range asked below).
	joins := []time.Time{day(0), day(1).Add(-time.Millisecond), day(2).Add(12 * time.Hour), day(5)}
	for i, j := range joins {
		ok(t, s.CreateEmailPasswordUser(ctx, epUser(string(rune('a'+i))+"@example.com", j)), "CreateEmailPasswordUser")
	}
	// Sign-ups count as they happened: deleting a user keeps its day.
	ok(t, s.CreateEmailPasswordUser(ctx, epUser("gone@example.com", day(2))), "CreateEmailPasswordUser")
	gone, err := s.EmailPasswordUserByEmail(ctx, store.DefaultTenant, "gone@example.com")
	ok(t, err, "EmailPasswordUserByEmail")
	ok(t, s.DeleteUser(ctx, gone.ID, true), "DeleteUser")
	ok(t, s.CreatePasswordlessUser(ctx, pwlUser(store.DefaultTenant, "pat@example.com", "", day(2))), "CreatePasswordlessUser")

	got, err := s.SignUpsPerDay(ctx, store.DefaultTenant, day(0), day(5))
	ok(t, err, "SignUpsPerDay")
	want := []store.DayCount{{Day: day(0), Count: 2}, {Day: day(2), Count: 3}}
	if len(got) != len(want) {
		t.Fatalf("SignUpsPerDay = %+v, want %+v", got, want)
	}
	for i := range want {
		if !got[i].Day.Equal(want[i].Day) || got[i].Count != want[i].Count {
			t.Fatalf("SignUpsPerDay = %+v, want %+v", got, want)
		}
	}
	if got, err := s.SignUpsPerDay(ctx, "other", day(0), day(9)); err != nil || len(got) != 0 {
		t.Fatalf("SignUpsPerDay of a tenant without users = %+v, %v", got, err)
	}
	if got, err := s.SignUpsPerDay(ctx, store.DefaultTenant, day(5), day(5)); err != nil || len(got) != 0 {
		t.Fatalf("SignUpsPerDay of an empty range = %+v, %v", got, err)
	}
	if _, err := s.SignUpsPerDay(ctx, store.DefaultTenant, day(0), day(0).Add((store.MaxStatsDays+1)*24*time.Hour)); err == nil {
		t.Fatal("SignUpsPerDay over MaxStatsDays: no error")
	}

	counts, err := s.UserCounts(ctx)
	ok(t, err, "UserCounts")
	byKey := map[[2]string]int64{}
	for _, c := range counts {
		byKey[[2]string{c.TenantID, c.RecipeID}] = c.N
	}
	for key, n := range map[[2]string]int64{
		{"", store.RecipeEmailPassword}:                  4,
		{"", store.RecipePasswordless}:                   1,
		{store.DefaultTenant, store.RecipeEmailPassword}: 4,
		{store.DefaultTenant, store.RecipePasswordless}:  1,
	} {
		if byKey[key] != n {
			t.Errorf("UserCounts %v = %d, want %d (all: %+v)", key, byKey[key], n, counts)
		}
	}
}
