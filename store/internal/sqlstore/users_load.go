package sqlstore

import (
	"context"
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

func (s *DB) loadChunk(ctx context.Context, q querier, ids []string) ([]store.User, error) {
	userIn, idsArg := s.dialect.InStrings("u.user_id", "$1", ids)
	infoIn, _ := s.dialect.InStrings("a.user_id", "$1", ids)

	// Each user is its own only login method until account linking exists;
	// with linking, this query would group recipe users by primary user.
	type method struct {
		recipeID   string
		timeJoined int64
		tenants    []string
		email      string
		phone      string
		tparty     *store.ThirdPartyInfo
		verified   bool
	}
	byID := make(map[string]*method, len(ids))
	rows, err := q.QueryContext(ctx, `SELECT u.user_id, u.recipe_id, u.time_joined, t.tenant_id
FROM users u LEFT JOIN tenant_users t ON t.user_id = u.user_id
WHERE `+userIn, idsArg)
	if err != nil {
		return nil, s.wrap("load users", err)
	}
	for rows.Next() {
		var (
			id, recipe string
			joined     int64
			tenant     *string
		)
		if err := rows.Scan(&id, &recipe, &joined, &tenant); err != nil {
			rows.Close()
			return nil, s.wrap("load users", err)
		}
		m := byID[id]
		if m == nil {
			m = &method{recipeID: recipe, timeJoined: joined, tenants: []string{}}
			byID[id] = m
		}
		if tenant != nil {
			m.tenants = append(m.tenants, *tenant)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap("load users", err)
	}
	if len(byID) == 0 {
		return nil, nil
	}

	// An identifier appears once per tenant; DISTINCT folds them. An email
	// is verified when (user id, email) has a verified_emails row.
	rows, err = q.QueryContext(ctx, `SELECT DISTINCT a.user_id, a.info_type, a.info_value, v.user_id IS NOT NULL
FROM account_infos a
LEFT JOIN verified_emails v ON a.info_type = 'email' AND v.user_id = a.user_id AND v.email = a.info_value
WHERE `+infoIn, idsArg)
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
			continue // deleted between the two queries
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

	out := make([]store.User, 0, len(byID))
	for _, id := range ids {
		m := byID[id]
		if m == nil {
			continue
		}
		delete(byID, id) // an id given twice is returned once
		sort.Strings(m.tenants)
		if m.recipeID == store.RecipePasswordless && m.email == "" {
			// A passwordless login by phone alone counts as verified
			// (reference §2.1): the code proved the number.
			m.verified = true
		}
		joined := fromMS(m.timeJoined)
		out = append(out, store.User{
			ID:         id,
			TimeJoined: joined,
			TenantIDs:  m.tenants,
			LoginMethods: []store.LoginMethod{{
				RecipeID:     m.recipeID,
				RecipeUserID: id,
				TenantIDs:    append([]string(nil), m.tenants...),
				TimeJoined:   joined,
				Email:        m.email,
				PhoneNumber:  m.phone,
				ThirdParty:   m.tparty,
				Verified:     m.verified,
			}},
		})
	}
	return out, nil
}
