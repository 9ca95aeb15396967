package sqlstore

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/latchkey-dev/latchkey/store"
)

// loadChunk bounds the ids of one IN list, well under both engines' limits
// on bound parameters.
const loadChunk = 1000

// loadUsers returns the full users with these ids, in the order of ids,
// skipping unknown ids. It costs two queries per loadChunk ids whatever the
// number of login methods, tenants or identifiers: one for the users and
// their tenants, one for their identifiers and verified flags.
func (s *DB) loadUsers(ctx context.Context, q querier, ids []string) ([]store.User, error) {
	out := make([]store.User, 0, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), loadChunk)
		users, err := s.loadChunk(ctx, q, ids[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, users...)
		ids = ids[n:]
	}
	return out, nil
}

// loadMethod is one recipe user of a chunk: a login method of the user
// (person) it stands for.
type loadMethod struct {
	person     string
	linked     bool // primary or linked to a primary
	recipeID   string
	timeJoined int64
	tenants    []string
	email      string
	phone      string
	tparty     *store.ThirdPartyInfo
	verified   bool
}

// loadedMethods are a chunk's recipe users by id, in the order read, and
// the persons they make up, in the order of the chunk's ids.
type loadedMethods struct {
	byID        map[string]*loadMethod
	memberOrder []string
	persons     []string
}

// add records one row of recipe user and tenant (nil for none).
func (l *loadedMethods) add(id, person string, linked bool, recipe string, joined int64, tenant *string) {
	m := l.byID[id]
	if m == nil {
		m = &loadMethod{person: person, linked: linked, recipeID: recipe, timeJoined: joined, tenants: []string{}}
		l.byID[id] = m
		l.memberOrder = append(l.memberOrder, id)
	}
	if tenant != nil {
		m.tenants = append(m.tenants, *tenant)
	}
}

func (s *DB) loadChunk(ctx context.Context, q querier, ids []string) ([]store.User, error) {
	l, err := s.loadUnlinked(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	if l == nil {
		if l, err = s.loadLinked(ctx, q, ids); err != nil {
			return nil, err
		}
	}
	if len(l.persons) == 0 {
		return nil, nil
	}
	return s.loadIdentifiers(ctx, q, l)
}

// loadUnlinked reads the recipe users and tenants of ids in one query, for
// the usual chunk, in which no user is linked to another (no account
// linking) and each id is its own person: it returns nil when one is
// primary or linked, for loadLinked to read the chunk instead. An export
// reads every user this way, and one query instead of two per chunk is a
// quarter of its time on a million users.
func (s *DB) loadUnlinked(ctx context.Context, q querier, ids []string) (*loadedMethods, error) {
	idIn, idsArg := s.dialect.InStrings("u.user_id", "$1", ids)
	rows, err := q.QueryContext(ctx, `SELECT u.user_id, u.primary_user_id IS NOT NULL, u.recipe_id, u.time_joined, t.tenant_id FROM users u
LEFT JOIN tenant_users t ON t.user_id = u.user_id WHERE `+idIn, idsArg)
	if err != nil {
		return nil, s.wrap("load users", err)
	}
	defer rows.Close()
	l := &loadedMethods{byID: make(map[string]*loadMethod, len(ids))}
	for rows.Next() {
		var (
			id, recipe string
			linked     bool
			joined     int64
			tenant     *string
		)
		if err := rows.Scan(&id, &linked, &recipe, &joined, &tenant); err != nil {
			return nil, s.wrap("load users", err)
		}
		if linked {
			return nil, nil
		}
		l.add(id, id, false, recipe, joined, tenant)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("load users", err)
	}
	for _, id := range ids {
		if l.byID[id] != nil {
			l.persons = append(l.persons, id)
		}
	}
	l.persons = dedupe(l.persons)
	return l, nil
}

// loadLinked reads the recipe users and tenants of the persons of ids: a
// linked or primary recipe user stands for its primary user, whose every
// login method it reads.
func (s *DB) loadLinked(ctx context.Context, q querier, ids []string) (*loadedMethods, error) {
	idIn, idsArg := s.dialect.InStrings("user_id", "$1", ids)
	rows, err := q.QueryContext(ctx, `SELECT user_id, COALESCE(primary_user_id, user_id) FROM users WHERE `+idIn, idsArg)
	if err != nil {
		return nil, s.wrap("load users", err)
	}
	personOf := make(map[string]string, len(ids))
	for rows.Next() {
		var id, person string
		if err := rows.Scan(&id, &person); err != nil {
			rows.Close()
			return nil, s.wrap("load users", err)
		}
		personOf[id] = person
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap("load users", err)
	}
	l := &loadedMethods{byID: map[string]*loadMethod{}}
	for _, id := range ids {
		if p, ok := personOf[id]; ok {
			l.persons = append(l.persons, p)
		}
	}
	l.persons = dedupe(l.persons)
	if len(l.persons) == 0 {
		return l, nil
	}

	userIn, personsArg := s.dialect.InStrings("u.user_id", "$1", l.persons)
	primaryIn, _ := s.dialect.InStrings("u.primary_user_id", "$1", l.persons)
	// A member's tenants are its listing rows, or, while it is linked, the
	// rows kept aside in linked_user_tenants: one branch each, so that each
	// is an index lookup per user (a join to the UNION ALL of both tables
	// made SQLite read all of them, 6 s a page on a million users). The
	// first branch also gives a user without tenants its one row.
	cols := `SELECT u.user_id, COALESCE(u.primary_user_id, u.user_id), u.primary_user_id IS NOT NULL, u.recipe_id, u.time_joined, t.tenant_id FROM users u `
	query := cols + `LEFT JOIN tenant_users t ON t.user_id = u.user_id WHERE (` + userIn + ` OR ` + primaryIn + `)
UNION ALL ` + cols + `JOIN linked_user_tenants t ON t.user_id = u.user_id WHERE (` + userIn + ` OR ` + primaryIn + `)`
	rows, err = q.QueryContext(ctx, query, personsArg)
	if err != nil {
		return nil, s.wrap("load users", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id, person, recipe string
			linked             bool
			joined             int64
			tenant             *string
		)
		if err := rows.Scan(&id, &person, &linked, &recipe, &joined, &tenant); err != nil {
			return nil, s.wrap("load users", err)
		}
		l.add(id, person, linked, recipe, joined, tenant)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("load users", err)
	}
	return l, nil
}

// loadIdentifiers reads the identifiers of the recipe users that l holds
// and builds their persons, in l.persons' order.
func (s *DB) loadIdentifiers(ctx context.Context, q querier, l *loadedMethods) ([]store.User, error) {
	byID, memberOrder, persons := l.byID, l.memberOrder, l.persons
	// An identifier appears once per tenant; DISTINCT folds them. An email
	// is verified when (recipe user id, email) has a verified_emails row.
	infoIn, membersArg := s.dialect.InStrings("a.user_id", "$1", memberOrder)
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT a.user_id, a.info_type, a.info_value, v.user_id IS NOT NULL
FROM account_infos a
LEFT JOIN verified_emails v ON a.info_type = 'email' AND v.user_id = a.user_id AND v.email = a.info_value
WHERE `+infoIn, membersArg)
	if err != nil {
		return nil, s.wrap("load users", err)
	}
	for rows.Next() {
		var (
			id, infoType, value string
			verified            bool
		)
		if err := rows.Scan(&id, &infoType, &value, &verified); err != nil {
			rows.Close()
			return nil, s.wrap("load users", err)
		}
		m := byID[id]
		if m == nil {
			continue // deleted between the queries
		}
		switch infoType {
		case infoEmail:
			m.email, m.verified = value, verified
		case infoPhone:
			m.phone = value
		case infoTParty:
			if tpID, tpUser, ok := strings.Cut(value, "::"); ok {
				m.tparty = &store.ThirdPartyInfo{ID: tpID, UserID: tpUser}
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap("load users", err)
	}

	users := make(map[string]*store.User, len(persons))
	for _, id := range memberOrder {
		m := byID[id]
		sort.Strings(m.tenants)
		if m.recipeID == store.RecipePasswordless && m.email == "" {
			// A passwordless login by phone alone counts as verified
			// (reference §2.1): the code proved the number.
			m.verified = true
		}
		joined := fromMS(m.timeJoined)
		u := users[m.person]
		if u == nil {
			u = &store.User{ID: m.person, TimeJoined: joined, TenantIDs: []string{}}
			users[m.person] = u
		}
		u.IsPrimary = u.IsPrimary || m.linked
		if joined.Before(u.TimeJoined) {
			u.TimeJoined = joined
		}
		for _, t := range m.tenants {
			if !slices.Contains(u.TenantIDs, t) {
				u.TenantIDs = append(u.TenantIDs, t)
			}
		}
		u.LoginMethods = append(u.LoginMethods, store.LoginMethod{
			RecipeID:     m.recipeID,
			RecipeUserID: id,
			TenantIDs:    append([]string(nil), m.tenants...),
			TimeJoined:   joined,
			Email:        m.email,
			PhoneNumber:  m.phone,
			ThirdParty:   m.tparty,
			Verified:     m.verified,
		})
	}
	out := make([]store.User, 0, len(persons))
	for _, p := range persons {
		u := users[p]
		if u == nil {
			continue // deleted between the queries
		}
		sort.Strings(u.TenantIDs)
		sort.SliceStable(u.LoginMethods, func(i, j int) bool {
			a, b := u.LoginMethods[i], u.LoginMethods[j]
			if !a.TimeJoined.Equal(b.TimeJoined) {
				return a.TimeJoined.Before(b.TimeJoined)
			}
			return a.RecipeUserID < b.RecipeUserID
		})
		out = append(out, *u)
	}
	return out, nil
}
