package storetest

import (
	"fmt"
	"testing"

	"github.com/latchkey-dev/latchkey/store"
)

func testAudit(t *testing.T, open Opener) {
	ctx, s := t.Context(), open(t)
	ok(t, s.AppendAuditEvents(ctx, nil), "AppendAuditEvents of none")
	var events []store.AuditEvent
	for i := range 30 {
		events = append(events, store.AuditEvent{
			Time:  at(int64(i / 2)), // two events per millisecond
			Actor: []string{"user", "ops@example.com", "api"}[i%3], Action: []string{"signin.success", "signin.failure"}[i%2],
			UserID: fmt.Sprintf("u%d", i%5), Summary: fmt.Sprintf("event %d", i), ClientIP: "203.0.113.7", UserAgent: "ua",
		})
	}
	ok(t, s.AppendAuditEvents(ctx, events[:10]), "AppendAuditEvents")
	ok(t, s.AppendAuditEvents(ctx, events[10:]), "AppendAuditEvents, second batch")

	all, err := s.AuditEvents(ctx, store.AuditQuery{Limit: 100})
	ok(t, err, "AuditEvents")
	if len(all) != 30 || all[0].Summary != "event 29" || all[29].Summary != "event 0" || all[0].ClientIP != "203.0.113.7" || !all[0].Time.Equal(at(14)) {
		t.Fatalf("every event, newest first: %d, first %+v", len(all), all[0])
	}
	// Keyset pages of 7 walk every event once, in order, across events of
	// one millisecond.
	var walked []string
	q := store.AuditQuery{Limit: 7}
	for {
		page, err := s.AuditEvents(ctx, q)
		ok(t, err, "AuditEvents page")
		for _, e := range page {
			walked = append(walked, e.Summary)
		}
		if len(page) < q.Limit {
			break
		}
		last := page[len(page)-1]
		q.Before = &store.AuditCursor{Time: last.Time, ID: last.ID}
	}
	if len(walked) != 30 || walked[0] != "event 29" || walked[29] != "event 0" {
		t.Fatalf("pages walked %d events: %v", len(walked), walked)
	}

	for _, c := range []struct {
		name string
		q    store.AuditQuery
		want int
	}{
		{"user", store.AuditQuery{UserID: "u1", Limit: 100}, 6},
		{"actor", store.AuditQuery{Actor: "api", Limit: 100}, 10},
		{"action", store.AuditQuery{Action: "signin.failure", Limit: 100}, 15},
		{"user and action", store.AuditQuery{UserID: "u1", Action: "signin.failure", Limit: 100}, 3},
		{"time range", store.AuditQuery{Since: at(5), Until: at(10), Limit: 100}, 10},
		{"limit", store.AuditQuery{Limit: 3}, 3},
		{"nobody", store.AuditQuery{UserID: "nobody", Limit: 100}, 0},
	} {
		got, err := s.AuditEvents(ctx, c.q)
		ok(t, err, "AuditEvents "+c.name)
		if len(got) != c.want {
			t.Errorf("AuditEvents %s: %d events, want %d", c.name, len(got), c.want)
		}
	}

	n, err := s.DeleteAuditEventsBefore(ctx, at(5))
	ok(t, err, "DeleteAuditEventsBefore")
	if n != 10 {
		t.Fatalf("pruned %d, want 10", n)
	}
	left, _ := s.AuditEvents(ctx, store.AuditQuery{Limit: 100})
	if len(left) != 20 || !left[len(left)-1].Time.Equal(at(5)) {
		t.Fatalf("after pruning: %d events, oldest %v", len(left), left[len(left)-1].Time)
	}
}
