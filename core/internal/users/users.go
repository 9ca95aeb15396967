package users

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/userjson"
	"github.com/latchkey-dev/latchkey/store"
)

// Limits from the reference (§2.2, §3.5).
const (
	defaultLimit = 100
	maxLimit     = 500
	searchLimit  = 1000
)

// Caps on a search, ours (the reference sets none): at most
// maxSearchTerms ';'-separated terms per tag, each at most
// maxSearchTermBytes long. The dashboard sends one term per chip an
// operator typed, and emails are at most 254 bytes, so no real search
// comes near them; past them the answer is 400 before the store is asked.
const (
	maxSearchTerms     = 100
	maxSearchTermBytes = 256
)

// knownRecipes are the ids includeRecipeIds accepts.
var knownRecipes = map[string]bool{
	store.RecipeEmailPassword: true,
	store.RecipePasswordless:  true,
	store.RecipeThirdParty:    true,
	"webauthn":                true,
}

// Service is what the user endpoints read and delete users with: the
// store, and the phone-number reading passwordless sign-in stores with.
type Service struct {
	Store store.Users
	// Stats answers the overview; Now is the clock its days count from
	// (default time.Now).
	Stats store.Stats
	Now   func() time.Time
	// Activity orders the list by last activity (latchkeyOrderBy); nil
	// refuses that order.
	Activity store.Activity
	// NormalisePhone turns a search or lookup phone number into the stored
	// (E.164) form; the core sets the one passwordless sign-in stores with.
	// Default: trims spaces.
	NormalisePhone func(string) string
}

func (s *Service) normalisePhone(p string) string {
	if s.NormalisePhone != nil {
		return s.NormalisePhone(p)
	}
	return strings.TrimSpace(p)
}

// Handler serves the user endpoints over a Service.
type Handler struct {
	Service *Service
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// maxRoleBytes caps latchkeyRole: no stored role is longer than a
// search term.
const maxRoleBytes = 256

// filterCountCap is the most users a count with a filter (and no search)
// counts: more than any one tenant holds, so the total is exact, while
// the work stays bounded.
const filterCountCap = 10_000_000

// readFilters reads the list's Latchkey filters into fq, recording a 400
// for a bad value, and reports whether any was given:
//
//   - latchkeyEmailVerified=true|false: users with a verified (or an
//     unverified) email;
//   - latchkeyRole=R: users who have role R in the tenant;
//   - latchkeyJoinedFrom=ms, latchkeyJoinedTo=ms: users who joined in
//     [from, to), Unix milliseconds.
//
// A SuperTokens core ignores them: the SDK sends them only to a Latchkey
// core.
func readFilters(q *cdi.Query, fq *store.ListUsersQuery) bool {
	given := false
	if v, ok := q.OptString("latchkeyEmailVerified"); ok {
		given = true
		switch v {
		case "true", "false":
			b := v == "true"
			fq.EmailVerified = &b
		default:
			q.Fail(cdi.BadRequest("latchkeyEmailVerified must be true or false"))
		}
	}
	if v, ok := q.OptString("latchkeyRole"); ok {
		given = true
		v = strings.TrimSpace(v)
		switch {
		case v == "":
			q.Fail(cdi.BadRequest("latchkeyRole must not be empty"))
		case len(v) > maxRoleBytes:
			q.Fail(cdi.BadRequestf("latchkeyRole is too long: at most %d bytes are allowed", maxRoleBytes))
		}
		fq.Role = v
	}
	for _, b := range []struct {
		name string
		to   *time.Time
	}{{"latchkeyJoinedFrom", &fq.JoinedFrom}, {"latchkeyJoinedTo", &fq.JoinedTo}} {
		v, ok := q.OptString(b.name)
		if !ok {
			continue
		}
		given = true
		ms, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || ms < 0 || ms > maxJoinedMillis {
			q.Fail(cdi.BadRequest(b.name + " must be a time in Unix milliseconds, from 0"))
			continue
		}
		*b.to = time.UnixMilli(ms)
	}
	if !fq.JoinedFrom.IsZero() && !fq.JoinedTo.IsZero() && !fq.JoinedFrom.Before(fq.JoinedTo) {
		q.Fail(cdi.BadRequest("latchkeyJoinedFrom must be before latchkeyJoinedTo"))
	}
	return given
}

// maxJoinedMillis is the year 9999: a later bound is a typo.
const maxJoinedMillis = 253402300799999

// list answers GET /users. A search takes at most maxSearchTerms terms per
// tag, each at most maxSearchTermBytes long: past that it is a 400.
//
// The Latchkey filters of readFilters combine with each other, the
// recipe filter and a search, in either join-time order; not with
// latchkeyOrderBy.
//
// pagedSearch=true is a Latchkey extension: a search then pages like the
// list (limit, paginationToken, nextPaginationToken) instead of answering
// up to searchLimit users at once, so every match can be reached. A
// SuperTokens core ignores the parameter and answers the CDI's one page,
// without a token, which a client reads as the last page.
//
// An answer that applied the Latchkey filters says so with
// "latchkeyFiltered": true, and one ordered by activity with
// "latchkeyOrderBy", so that a client can tell them from another core's
// answer, which ignores those parameters and lists everyone.
func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	limit := q.Int("limit", defaultLimit)
	order, hasOrder := q.OptString("timeJoinedOrder")
	token, hasToken := q.OptString("paginationToken")
	paged := q.Bool("pagedSearch", false)
	orderBy, _ := q.OptString("latchkeyOrderBy")
	recipeIDs := recipeIDs(q)
	search := store.UserSearch{
		Emails:    terms(q, "email", strings.ToLower),
		Phones:    terms(q, "phone", h.Service.normalisePhone),
		Providers: terms(q, "provider", strings.ToLower),
	}
	var filters store.ListUsersQuery
	filtered := readFilters(q, &filters)
	if err := q.Err(); err != nil {
		return err
	}
	if limit < 1 {
		return cdi.BadRequest("limit must a positive integer with min value 1")
	}
	searching := hasSearchTag(q)
	if limit > maxLimit && (!searching || paged) {
		return cdi.BadRequest("max limit allowed is " + strconv.Itoa(maxLimit))
	}
	if hasOrder && order != "ASC" && order != "DESC" {
		return cdi.BadRequest("timeJoinedOrder can be either ASC OR DESC")
	}
	if orderBy != "" {
		return h.listByActivity(w, r, orderBy, limit, order == "ASC", token, hasToken, searching || len(recipeIDs) > 0 || filtered)
	}
	query := filters
	query.TenantID = cdi.Tenant(r.Context())
	query.Limit = limit + 1
	query.Descending = order == "DESC"
	query.RecipeIDs = recipeIDs
	query.Search = search
	resp := map[string]any{}
	if filtered {
		resp["latchkeyFiltered"] = true
	}
	if searching && search.Empty() {
		// A tag given with no usable term matches nobody.
		resp["users"] = []userjson.User{}
		cdi.OK(w, resp)
		return nil
	}
	if searching && !paged {
		// A CDI search has no pages: up to searchLimit results, whatever
		// limit says (reference §2.2).
		query.Limit = searchLimit
		found, err := h.Service.Store.ListUsers(r.Context(), query)
		if err != nil {
			return err
		}
		resp["users"] = userjson.FromAll(found)
		cdi.OK(w, resp)
		return nil
	}
	if hasToken {
		cursor, err := decodeToken(token)
		if err != nil {
			return err
		}
		query.After = &cursor
	}
	found, err := h.Service.Store.ListUsers(r.Context(), query)
	if err != nil {
		return err
	}
	if len(found) > limit {
		next := found[limit]
		resp["nextPaginationToken"] = encodeToken(next.ID, next.TimeJoined)
		found = found[:limit]
	}
	resp["users"] = userjson.FromAll(found)
	cdi.OK(w, resp)
	return nil
}

// hasSearchTag reports whether any search tag was given, even empty.
func hasSearchTag(q *cdi.Query) bool {
	for _, tag := range []string{"email", "phone", "provider"} {
		if _, ok := q.OptString(tag); ok {
			return true
		}
	}
	return false
}

// terms splits a search tag on ';', trims, normalises and drops empties.
// More than maxSearchTerms terms, or one longer than maxSearchTermBytes, is
// a 400, found without splitting the whole value first.
func terms(q *cdi.Query, tag string, normalise func(string) string) []string {
	v, ok := q.OptString(tag)
	if !ok {
		return nil
	}
	var out []string
	n := 0
	for t := range strings.SplitSeq(v, ";") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if n++; n > maxSearchTerms {
			q.Fail(cdi.BadRequestf("Too many search terms in '%s': at most %d are allowed", tag, maxSearchTerms))
			return nil
		}
		if len(t) > maxSearchTermBytes {
			q.Fail(cdi.BadRequestf("A search term in '%s' is too long: at most %d bytes are allowed", tag, maxSearchTermBytes))
			return nil
		}
		if t = normalise(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// recipeIDs parses includeRecipeIds, recording a 400 for an unknown id.
func recipeIDs(q *cdi.Query) []string {
	v, ok := q.OptString("includeRecipeIds")
	if !ok || strings.TrimSpace(v) == "" {
		return nil
	}
	var out []string
	for _, id := range strings.Split(v, ",") {
		id = strings.TrimSpace(id)
		if !knownRecipes[id] {
			q.Fail(cdi.BadRequest("Unknown recipe ID: " + id))
			return nil
		}
		out = append(out, id)
	}
	return out
}

// encodeToken makes the reference's pagination token:
// base64std("<userId>;<timeJoined ms>").
func encodeToken(userID string, joined time.Time) string {
	return base64.StdEncoding.EncodeToString([]byte(userID + ";" + strconv.FormatInt(joined.UnixMilli(), 10)))
}

func decodeToken(token string) (store.UserCursor, error) {
	invalid := cdi.BadRequest("invalid pagination token")
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return store.UserCursor{}, invalid
	}
	parts := strings.Split(string(raw), ";")
	if len(parts) != 2 || parts[0] == "" {
		return store.UserCursor{}, invalid
	}
	ms, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return store.UserCursor{}, invalid
	}
	return store.UserCursor{UserID: parts[0], TimeJoined: time.UnixMilli(ms)}, nil
}

// searchCountCap is the most matches a search count counts: past it the
// answer says "more than searchCountCap", which is as much as an operator
// needs to know, and costs what one broad search page does.
const searchCountCap = 1000

// count answers GET /users/count. With search tags (a Latchkey
// extension) it counts the tenant's users that the search matches, up to
// searchCountCap, and says so with "searched": true (a SuperTokens core
// ignores the tags and counts every user, without that field) and
// "countIsCapped" when more match. With the list's filters (readFilters)
// and no search, it counts their users exactly, with "filtered": true.
func (h *Handler) count(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	recipes := recipeIDs(q)
	all := q.Bool("includeAllTenants", false)
	search := store.UserSearch{
		Emails:    terms(q, "email", strings.ToLower),
		Phones:    terms(q, "phone", h.Service.normalisePhone),
		Providers: terms(q, "provider", strings.ToLower),
	}
	var query store.ListUsersQuery
	filtered := readFilters(q, &query)
	if err := q.Err(); err != nil {
		return err
	}
	tenant := cdi.Tenant(r.Context())
	query.TenantID, query.RecipeIDs, query.Search = tenant, recipes, search
	if hasSearchTag(q) {
		if all {
			return cdi.BadRequest("a search counts the users of one tenant: drop includeAllTenants")
		}
		n := 0
		if !search.Empty() {
			var err error
			query.Limit = searchCountCap + 1
			if n, err = h.Service.Store.CountUsersMatching(r.Context(), query); err != nil {
				return err
			}
		}
		cdi.OK(w, map[string]any{"count": min(n, searchCountCap), "searched": true, "countIsCapped": n > searchCountCap})
		return nil
	}
	if filtered {
		// The filters (a Latchkey extension) are counted by reading their
		// index ranges; "filtered": true says they were applied.
		if all {
			return cdi.BadRequest("a filtered count counts the users of one tenant: drop includeAllTenants")
		}
		query.Limit = filterCountCap + 1
		n, err := h.Service.Store.CountUsersMatching(r.Context(), query)
		if err != nil {
			return err
		}
		cdi.OK(w, map[string]any{"count": min(n, filterCountCap), "filtered": true, "countIsCapped": n > filterCountCap})
		return nil
	}
	if all {
		tenant = ""
	}
	n, err := h.Service.Store.CountUsers(r.Context(), tenant, recipes)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"count": n})
	return nil
}

// get answers GET /user/id.
func (h *Handler) get(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	id := q.String("userId")
	if err := q.Err(); err != nil {
		return err
	}
	u, err := h.Service.Store.User(r.Context(), strings.TrimSpace(id))
	if errors.Is(err, store.ErrNotFound) {
		return cdi.ErrUnknownUserID
	}
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"user": userjson.From(u)})
	return nil
}

// remove answers POST /user/remove. Removing an unknown user is OK.
func (h *Handler) remove(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id := b.String("userId")
	// removeAllLinkedAccounts defaults to true, as in the reference core:
	// deleting a person by any of its ids removes every login method.
	all, hasAll := b.OptBool("removeAllLinkedAccounts")
	if err := b.Err(); err != nil {
		return err
	}
	if !hasAll {
		all = true
	}
	if err := h.Service.Store.DeleteUser(r.Context(), strings.TrimSpace(id), all); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}

// searchTags answers GET /user/search/tags.
func (h *Handler) searchTags(w http.ResponseWriter, r *http.Request) error {
	cdi.OK(w, map[string]any{"tags": []string{"email", "phone", "provider"}})
	return nil
}

// byAccountInfo answers GET /users/by-accountinfo.
func (h *Handler) byAccountInfo(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	email, _ := q.OptString("email")
	phone, _ := q.OptString("phoneNumber")
	tpID, hasTPID := q.OptString("thirdPartyId")
	tpUserID, hasTPUserID := q.OptString("thirdPartyUserId")
	webauthnID, _ := q.OptString("webauthnCredentialId")
	union := q.StrictBool("doUnionOfAccountInfo")
	if err := q.Err(); err != nil {
		return err
	}
	if hasTPID != hasTPUserID {
		return cdi.BadRequest("If 'thirdPartyId' is provided, 'thirdPartyUserId' must also be provided, and vice versa")
	}
	info := store.AccountInfo{
		Email:       strings.ToLower(strings.TrimSpace(email)),
		PhoneNumber: h.Service.normalisePhone(phone),
	}
	if hasTPID {
		info.ThirdParty = &store.ThirdPartyInfo{ID: strings.TrimSpace(tpID), UserID: strings.TrimSpace(tpUserID)}
	}
	if webauthnID != "" && !union {
		// No user has a webauthn credential, so nobody matches every field.
		cdi.OK(w, map[string]any{"users": []userjson.User{}})
		return nil
	}
	found, err := h.Service.Store.UsersByAccountInfo(r.Context(), cdi.Tenant(r.Context()), info, union)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"users": userjson.FromAll(found)})
	return nil
}

// listByActivity answers GET /users?latchkeyOrderBy=lastActive|lastSignIn
// (a Latchkey extension): the tenant's users who have signed in, most
// recently active (or signed in) first (timeJoinedOrder=ASC: least
// recently), in keyset pages like the list. It does not combine with a
// search, a recipe filter or the Latchkey filters: the activity index
// orders the whole app, and filtering it would scan it.
func (h *Handler) listByActivity(w http.ResponseWriter, r *http.Request, orderBy string, limit int, asc bool, token string, hasToken, filtered bool) error {
	if orderBy != "lastActive" && orderBy != "lastSignIn" {
		return cdi.BadRequest("latchkeyOrderBy can only be lastActive or lastSignIn")
	}
	if filtered {
		return cdi.BadRequest("latchkeyOrderBy does not combine with a search, includeRecipeIds or the latchkey filters")
	}
	if h.Service.Activity == nil {
		return cdi.BadRequest("this core keeps no activity to order by")
	}
	q := store.ActivityListQuery{TenantID: cdi.Tenant(r.Context()), Limit: limit, Ascending: asc, BySignIn: orderBy == "lastSignIn"}
	if hasToken {
		c, err := decodeToken(token)
		if err != nil {
			return err
		}
		q.After = &store.ActivityCursor{LastActive: c.TimeJoined, UserID: c.UserID}
	}
	users, next, err := h.Service.Activity.ListUsersByActivity(r.Context(), q)
	if err != nil {
		return err
	}
	resp := map[string]any{"users": userjson.FromAll(users), "latchkeyOrderBy": orderBy}
	if next != nil {
		resp["nextPaginationToken"] = encodeToken(next.UserID, next.LastActive)
	}
	cdi.OK(w, resp)
	return nil
}
