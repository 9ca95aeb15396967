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
// their tenants, one for their identifiers and verified flags; and two
// more when one of the ids is linked (loadChunk).
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

// method is one login method (recipe user) of a loaded user.
type method struct {
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

func (s *DB) loadChunk(ctx context.Context, q querier, ids []string) ([]store.User, error) {
	// Usually no user of a page is linked (most stores use no account
	// linking): each id is then its own person with one login method, and
	// one query reads them all with their tenants. Only when a row says
	// otherwise are the persons and their members looked up, two queries
	// more. This saves a third of a page's load.
	persons := dedupe(slices.Clone(ids))
	byID, memberOrder, anyLinked, err := s.loadMethods(ctx, q, persons, false)
	if err != nil {
		return nil, err
	}
	if anyLinked {
		if persons, err = s.loadPersons(ctx, q, ids); err != nil {
			return nil, err
		}
		if byID, memberOrder, _, err = s.loadMethods(ctx, q, persons, true); err != nil {
			return nil, err
		}
	}
	if len(memberOrder) == 0 {
		return nil, nil
	}
	return s.loadIdentifiers(ctx, q, persons, byID, memberOrder)
}

// loadPersons returns the person of each id, in the order of ids, each
// once: a linked or primary recipe user stands for its primary user, any
// other for itself. Unknown ids are skipped.
func (s *DB) loadPersons(ctx context.Context, q querier, ids []string) ([]string, error) {
	idIn, idsArg := s.dialect.InStrings("user_id", "$1", ids)
	rows, err := q.QueryContext(ctx, `SELECT user_id, COALESCE(primary_user_id, user_id) FROM users WHERE `+idIn, idsArg)
	if err != nil {
		return nil, s.wrap("load users", err)
	}
	defer rows.Close()
	personOf := make(map[string]string, len(ids))
	for rows.Next() {
		var id, person string
		if err := rows.Scan(&id, &person); err != nil {
			return nil, s.wrap("load users", err)
		}
		personOf[id] = person
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("load users", err)
	}
	persons := make([]string, 0, len(personOf))
	for _, id := range ids {
		if p, ok := personOf[id]; ok {
			persons = append(persons, p)
		}
	}
	return dedupe(persons), nil
}

// loadMethods reads the login methods of persons with their tenants, by
// recipe user id, and the ids in the order read. With members, a person's
// linked members come too; without, only the recipe users named, and
// anyLinked says whether one of them is primary or linked, in which case
// the answer lacks its members.
func (s *DB) loadMethods(ctx context.Context, q querier, persons []string, members bool) (byID map[string]*method, memberOrder []string, anyLinked bool, err error) {
	byID = make(map[string]*method, len(persons))
	userIn, personsArg := s.dialect.InStrings("u.user_id", "$1", persons)
	// A member's tenants are its listing rows, or, while it is linked, the
	// rows kept aside in linked_user_tenants: one branch each, so that each
	// is an index lookup per user (a join to the UNION ALL of both tables
	// made SQLite read all of them, 6 s a page on a million users). The
	// first branch also gives a user without tenants its one row. Without
	// members, the persons are not linked, so have no rows aside, and the
	// first branch alone, without the primary_user_id lookups, is a third
	// of the time.
	cols := `SELECT u.user_id, COALESCE(u.primary_user_id, u.user_id), u.primary_user_id IS NOT NULL, u.recipe_id, u.time_joined, t.tenant_id FROM users u `
	query := cols + `LEFT JOIN tenant_users t ON t.user_id = u.user_id WHERE ` + userIn
	if members {
		primaryIn, _ := s.dialect.InStrings("u.primary_user_id", "$1", persons)
		query = cols + `LEFT JOIN tenant_users t ON t.user_id = u.user_id WHERE (` + userIn + ` OR ` + primaryIn + `)
UNION ALL ` + cols + `JOIN linked_user_tenants t ON t.user_id = u.user_id WHERE (` + userIn + ` OR ` + primaryIn + `)`
	}
	rows, err := q.QueryContext(ctx, query, personsArg)
	if err != nil {
		return nil, nil, false, s.wrap("load users", err)
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
			return nil, nil, false, s.wrap("load users", err)
		}
		anyLinked = anyLinked || linked
		m := byID[id]
		if m == nil {
			m = &method{person: person, linked: linked, recipeID: recipe, timeJoined: joined, tenants: []string{}}
			byID[id] = m
			memberOrder = append(memberOrder, id)
		}
		if tenant != nil {
			m.tenants = append(m.tenants, *tenant)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, false, s.wrap("load users", err)
	}
	return byID, memberOrder, anyLinked, nil
}

// loadIdentifiers fills in the identifiers of the login methods in byID
// and returns the users of persons, in that order.
func (s *DB) loadIdentifiers(ctx context.Context, q querier, persons []string, byID map[string]*method, memberOrder []string) ([]store.User, error) {
	// An identifier appears once per tenant, with the same value each
	// time, so a repeat only writes what the first wrote: no DISTINCT,
	// which sorted every row. An email is verified when (recipe user id,
	// email) has a verified_emails row.
	infoIn, membersArg := s.dialect.InStrings("a.user_id", "$1", memberOrder)
	rows, err := q.QueryContext(ctx, `SELECT a.user_id, a.info_type, a.info_value, v.user_id IS NOT NULL
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
