package dashboard

import (
	"fmt"
	"net/url"
	"testing"
)

// found returns the ids of the users a search answers.
func found(t *testing.T, m map[string]any) []string {
	t.Helper()
	var out []string
	for _, u := range m["users"].([]any) {
		out = append(out, u.(map[string]any)["id"].(string))
	}
	return out
}

// TestSearchPhoneInDefaultRegion: a phone search term is read as the SDK
// reads phone numbers, in the passwordless recipe's default region, so
// that 4155550123 finds +14155550123 (and not +4155550123); without a
// region, digits are the start of an international number.
func TestSearchPhoneInDefaultRegion(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		region string
		finds  []string
		misses []string
	}{
		{"US", []string{"4155550123", "(415) 555-0123", "415 555", "+1 415", "+14155550123", "14155550123;nobody"}, []string{"+4155550123", "20 7946"}},
		{"", []string{"14155550123", "+1 (415) 555", "1415"}, []string{"4155550123", "abc"}},
	} {
		e := start(t, options{passwordless: true, phoneRegion: c.region})
		tok := e.signIn(adminEmail)
		us := e.ok(tok, "POST", "/public/dashboard/api/user/passwordless", map[string]string{"phoneNumber": "+1 415 555 0123"})["recipeUserId"].(string)
		e.ok(tok, "POST", "/public/dashboard/api/user/passwordless", map[string]string{"phoneNumber": "+44 20 7946 0958"})
		search := func(term string) []string {
			return found(t, e.ok(tok, "GET", "/dashboard/api/users?limit=1000&phone="+url.QueryEscape(term), nil))
		}
		for _, term := range c.finds {
			if got := search(term); len(got) != 1 || got[0] != us {
				t.Errorf("region %q, phone %q: found %v, want the +14155550123 user", c.region, term, got)
			}
		}
		for _, term := range c.misses {
			if got := search(term); len(got) != 0 {
				t.Errorf("region %q, phone %q: found %v, want nobody", c.region, term, got)
			}
		}
	}
}

// TestSearchEmailDomainWithAt: "@example.com" finds the addresses at
// example.com, as "example.com" does.
func TestSearchEmailDomainWithAt(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	tok := e.signIn(adminEmail)
	com := e.signUp("ann@example.com", "pass-word-1")
	e.signUp("bob@example.org", "pass-word-1")
	search := func(term string) []string {
		return found(t, e.ok(tok, "GET", "/dashboard/api/users?limit=1000&email="+url.QueryEscape(term), nil))
	}
	for _, term := range []string{"@example.com", "example.com", "@EXAMPLE.COM", "@example.c", "ann@", "nobody;@example.com"} {
		if got := search(term); len(got) != 1 || got[0] != com {
			t.Errorf("email %q: found %v, want ann@example.com", term, got)
		}
	}
	if got := search("@example."); len(got) != 2 {
		t.Errorf(`email "@example.": found %v, want both`, got)
	}
	for _, term := range []string{"@", "@nowhere.test"} {
		if got := search(term); len(got) != 0 {
			t.Errorf("email %q: found %v, want nobody", term, got)
		}
	}
}

// TestPagedSearchAndCount: with pagedSearch=true the list's search pages
// like the list, and /users/count with the same tags counts the matches.
func TestPagedSearchAndCount(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	for i := range 7 {
		e.signUp(fmt.Sprintf("user%d@acme.com", i), "pass-word-1")
	}
	e.signUp("other@globex.com", "pass-word-1")
	admin := e.signIn(adminEmail)
	var got []string
	path := "/dashboard/api/users?limit=3&pagedSearch=true&email=acme"
	for pages := 0; ; pages++ {
		if pages > 4 {
			t.Fatal("the pages do not end")
		}
		m := e.ok(admin, "GET", path, nil)
		users := m["users"].([]any)
		if len(users) > 3 {
			t.Fatalf("a page of %d", len(users))
		}
		for _, u := range users {
			got = append(got, u.(map[string]any)["emails"].([]any)[0].(string))
		}
		next, _ := m["nextPaginationToken"].(string)
		if next == "" {
			break
		}
		path = "/dashboard/api/users?limit=3&pagedSearch=true&email=acme&paginationToken=" + url.QueryEscape(next)
	}
	if len(got) != 7 || got[0] != "user6@acme.com" {
		t.Errorf("paged search, newest first: %v", got)
	}
	if m := e.ok(admin, "GET", "/dashboard/api/users/count?email=acme", nil); m["count"] != float64(7) || m["countIsCapped"] != false {
		t.Errorf("search count: %v", m)
	}
	if m := e.ok(admin, "GET", "/dashboard/api/users/count?email=@globex.com", nil); m["count"] != float64(1) {
		t.Errorf("search count of a domain: %v", m)
	}
	if m := e.ok(admin, "GET", "/dashboard/api/users/count", nil); m["count"] != float64(8) {
		t.Errorf("count: %v", m)
	}
}
