package dashboard

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/emailpassword"
	"github.com/latchkey-dev/latchkey/recipe/passwordless"
)

// sessionsConcurrency bounds the session lookups of GET /user/sessions:
// enough to hide the per-call latency of a remote core, few enough not to
// flood it.
const sessionsConcurrency = 8

// notEnabledName is the name the UI shows as "not editable" when the
// metadata recipe is not configured.
const notEnabledName = "FEATURE_NOT_ENABLED"

// listedUser is a user of the list: names only when set.
type listedUser struct {
	latchkey.User
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
	// Suspension is set when the user is suspended (a Latchkey field).
	Suspension *latchkey.Suspension `json:"suspension,omitempty"`
	// Activity is set when the core has any (a Latchkey field).
	Activity *latchkey.UserActivity `json:"activity,omitempty"`
}

// detailedUser is the user of GET /user: names always, "" when unset.
type detailedUser struct {
	latchkey.User
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	// Activity is set when the core has any (a Latchkey field).
	Activity *latchkey.UserActivity `json:"activity,omitempty"`
}

// searchTags serves GET /dashboard/api/search/tags.
// CDI: GET /user/search/tags.
func (rc *Recipe) searchTags(w http.ResponseWriter, r *http.Request) error {
	tags, err := rc.lk.SearchTags(r.Context())
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"tags": tags})
	return nil
}

// users serves GET /dashboard/api/users: a page of the tenant's users,
// newest first unless timeJoinedOrder=ASC, or the result of a search by
// email, phone or provider, with names from the user metadata.
// CDI: GET /{tenantId}/users.
func (rc *Recipe) users(w http.ResponseWriter, r *http.Request) error {
	q, err := rc.searchQuery(r.URL.Query())
	if err != nil {
		return err
	}
	if strings.TrimSpace(q.Get("limit")) == "" {
		return badInput("Missing required parameter 'limit'")
	}
	limit, err := positiveInt("limit", q.Get("limit"))
	if err != nil {
		return err
	}
	order := q.Get("timeJoinedOrder")
	if order == "" {
		order = "DESC"
	}
	if order != "ASC" && order != "DESC" {
		return badInput("Invalid value received for 'timeJoinedOrder': use ASC or DESC")
	}
	opts := latchkey.ListUsersOptions{TenantID: latchkey.TenantID(r.Context()), Order: latchkey.UserOrder(order), PaginationToken: q.Get("paginationToken")}
	// recipeIds, emailVerified, role, joinedFrom, joinedTo: listFilters.
	filtered, err := listFilters(q, &opts)
	if err != nil {
		return err
	}
	opts.Search = searchOf(q)
	narrowed := filtered || len(opts.RecipeIDs) > 0 || isSearch(opts.Search)
	if q.Get("suspended") == "true" {
		if narrowed {
			return badInput(errSuspendedFiltered)
		}
		return rc.suspendedUsers(w, r, limit)
	}
	max := latchkey.MaxUsersPerPage
	// pagedSearch=true (a Latchkey extension) pages a search like the
	// list; without it a search answers up to MaxSearchResults at once.
	opts.PagedSearch = q.Get("pagedSearch") == "true"
	// orderBy=lastActive|lastSignIn (a Latchkey extension): the users who
	// signed in, by last activity or sign-in, in timeJoinedOrder's
	// direction, across the tenant.
	switch v := q.Get("orderBy"); v {
	case "", "timeJoined":
	case "lastActive", "lastSignIn":
		if narrowed {
			return badInput(errActivityFiltered)
		}
		opts.ByLastActive, opts.ByLastSignIn = v == "lastActive", v == "lastSignIn"
	default:
		return badInput("Invalid value received for 'orderBy': use timeJoined, lastActive or lastSignIn")
	}
	if isSearch(opts.Search) && !opts.PagedSearch {
		max = latchkey.MaxSearchResults
	}
	// The UI's search asks for 1000; a larger number is capped rather than
	// refused, since the core would answer 400 (supertokens-node#997).
	opts.Limit = min(limit, max)
	page, err := rc.lk.ListUsers(r.Context(), opts)
	if err != nil {
		return err
	}
	users, suspended, activity, err := rc.pageWithExtras(r.Context(), page.Users)
	if err != nil {
		return err
	}
	for i := range users {
		if su, ok := suspended[users[i].ID]; ok {
			users[i].Suspension = &su
		}
		if a, ok := activity[users[i].ID]; ok {
			users[i].Activity = &a
		}
	}
	out := map[string]any{"users": users}
	if page.NextPaginationToken != "" {
		out["nextPaginationToken"] = page.NextPaginationToken
	}
	writeStatus(w, "OK", out)
	return nil
}

// pageWithExtras adds to a page of users what the list shows beside them:
// names from their metadata, suspensions and activity. From a Latchkey
// core that is one call (POST /recipe/latchkey/users/page-extras), so a
// page costs three with the count and the list; from another core, or when
// the metadata recipe is overridden (its functions then decide), the reads
// are separate.
func (rc *Recipe) pageWithExtras(ctx context.Context, page []latchkey.User) ([]listedUser, map[string]latchkey.Suspension, map[string]latchkey.UserActivity, error) {
	if len(page) > 0 && !rc.noPageExtras.Load() && (rc.md == nil || !rc.md.Overridden()) {
		ids := make([]string, len(page))
		for i := range page {
			ids[i] = page[i].ID
		}
		x, err := rc.lk.UserPageExtras(ctx, ids)
		var ce *latchkey.CoreError
		switch {
		case errors.As(err, &ce) && ce.Code == http.StatusNotFound:
			rc.noPageExtras.Store(true)
		case err != nil:
			return nil, nil, nil, err
		default:
			users := make([]listedUser, len(page))
			for i := range page {
				users[i].User = page[i]
				if rc.md != nil {
					users[i].FirstName, users[i].LastName = names(x.Metadata[page[i].ID])
				}
			}
			return users, x.Suspensions, x.Activity, nil
		}
	}
	users, err := rc.withNames(ctx, page)
	if err != nil {
		return nil, nil, nil, err
	}
	suspended, err := rc.suspensionsFor(ctx, page)
	if err != nil {
		return nil, nil, nil, err
	}
	activity, err := rc.activityFor(ctx, page)
	if err != nil {
		return nil, nil, nil, err
	}
	return users, suspended, activity, nil
}

// withNames adds first_name and last_name from the users' metadata, read
// in one call (one per user from a core without the bulk read).
func (rc *Recipe) withNames(ctx context.Context, users []latchkey.User) ([]listedUser, error) {
	out := make([]listedUser, len(users))
	for i := range users {
		out[i].User = users[i]
	}
	if rc.md == nil || len(users) == 0 {
		return out, nil
	}
	ids := make([]string, len(users))
	for i := range users {
		ids[i] = users[i].ID
	}
	md, err := rc.md.BulkUserMetadata(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].FirstName, out[i].LastName = names(md[out[i].ID])
	}
	return out, nil
}

// names returns the string values of first_name and last_name.
func names(md map[string]any) (first, last string) {
	first, _ = md["first_name"].(string)
	last, _ = md["last_name"].(string)
	return first, last
}

// usersCount serves GET /dashboard/api/users/count: the tenant's users.
// CDI: GET /{tenantId}/users/count.
//
// With the list's search tags or filters (Latchkey extensions) it counts
// their matches instead, a search's up to the core's cap
// ("countIsCapped": more match); a core that cannot count them leaves
// "count" out.
func (rc *Recipe) usersCount(w http.ResponseWriter, r *http.Request) error {
	q, err := rc.searchQuery(r.URL.Query())
	if err != nil {
		return err
	}
	tenant := latchkey.TenantID(r.Context())
	opts := latchkey.ListUsersOptions{TenantID: tenant, Search: searchOf(q)}
	filtered, err := listFilters(q, &opts)
	if err != nil {
		return err
	}
	recipes := opts.RecipeIDs
	if isSearch(opts.Search) || filtered {
		c, err := rc.lk.CountSearchResults(r.Context(), opts)
		if errors.Is(err, latchkey.ErrSearchCountUnsupported) {
			writeStatus(w, "OK", nil)
			return nil
		}
		if err != nil {
			return err
		}
		writeStatus(w, "OK", map[string]any{"count": c.N, "countIsCapped": c.Capped})
		return nil
	}
	n, err := rc.lk.CountUsers(r.Context(), latchkey.CountUsersOptions{TenantID: tenant, RecipeIDs: recipes})
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"count": n})
	return nil
}

// user serves GET /dashboard/api/user: one user by user or recipe user
// id, with names ("FEATURE_NOT_ENABLED" without the metadata recipe).
// CDI: GET /user/id, GET /recipe/user/metadata.
func (rc *Recipe) user(w http.ResponseWriter, r *http.Request) error {
	id, err := query(r, "userId")
	if err != nil {
		return err
	}
	u, err := rc.lk.User(r.Context(), id)
	if err != nil {
		return err
	}
	if u == nil {
		writeStatus(w, "NO_USER_FOUND_ERROR", nil)
		return nil
	}
	out := detailedUser{User: *u, FirstName: notEnabledName, LastName: notEnabledName}
	if rc.md != nil {
		md, err := rc.md.UserMetadata(r.Context(), u.ID)
		if err != nil {
			return err
		}
		out.FirstName, out.LastName = names(md)
	}
	activity, err := rc.activityFor(r.Context(), []latchkey.User{*u})
	if err != nil {
		return err
	}
	if a, ok := activity[u.ID]; ok {
		out.Activity = &a
	}
	writeStatus(w, "OK", map[string]any{"user": out})
	return nil
}

// loginMethod finds the user and login method of a recipe user id; a
// *latchkey.BadInputError when there is none.
func (rc *Recipe) loginMethod(ctx context.Context, recipeUserID string) (*latchkey.User, latchkey.LoginMethod, error) {
	u, err := rc.lk.User(ctx, recipeUserID)
	if err != nil {
		return nil, latchkey.LoginMethod{}, err
	}
	if u != nil {
		if m, ok := u.LoginMethod(recipeUserID); ok {
			return u, m, nil
		}
	}
	return nil, latchkey.LoginMethod{}, badInput("Unknown User ID provided")
}

// updateUser serves PUT /dashboard/api/user: names, then email, then
// phone of one login method; an empty string leaves a value unchanged.
func (rc *Recipe) updateUser(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	var in [6]string
	for i, name := range []string{"recipeUserId", "recipeId", "firstName", "lastName", "email", "phone"} {
		if in[i], err = b.string(name); err != nil {
			return err
		}
		in[i] = strings.TrimSpace(in[i])
	}
	recipeUserID, recipeID, first, last, email, phone := in[0], in[1], in[2], in[3], in[4], in[5]
	switch recipeID {
	case "emailpassword", "thirdparty", "passwordless", "webauthn":
	default:
		return badInput("Invalid recipe id")
	}
	u, m, err := rc.loginMethod(r.Context(), recipeUserID)
	if err != nil {
		return err
	}
	if m.RecipeID != recipeID {
		return badInput("'recipeId' is not the recipe of that login method")
	}
	if (first != "" || last != "") && rc.md != nil {
		update := map[string]any{}
		if first != "" {
			update["first_name"] = first
		}
		if last != "" {
			update["last_name"] = last
		}
		if _, err := rc.md.UpdateUserMetadata(r.Context(), u.ID, update); err != nil {
			return err
		}
	}
	if email != "" {
		status, msg, err := rc.updateEmail(r.Context(), latchkey.TenantID(r.Context()), m, email)
		if err != nil {
			return err
		}
		if status != "OK" {
			writeError(w, status, "error", msg)
			return nil
		}
	}
	if phone != "" {
		if m.RecipeID != "passwordless" {
			writeError(w, "PHONE_NUMBER_CHANGE_NOT_ALLOWED_ERROR", "error", "Only a passwordless login method has a phone number")
			return nil
		}
		if rc.pwless == nil {
			return badInput("The passwordless recipe is not configured on this backend")
		}
		if err := rc.pwless.ValidatePhoneNumber(r.Context(), latchkey.TenantID(r.Context()), phone); err != nil {
			writeError(w, "INVALID_PHONE_ERROR", "error", err.Error())
			return nil
		}
		err := rc.pwless.UpdateUser(r.Context(), m.RecipeUserID, passwordless.UserUpdate{PhoneNumber: &phone})
		switch {
		case errors.Is(err, passwordless.ErrPhoneNumberAlreadyExists):
			writeStatus(w, "PHONE_ALREADY_EXISTS_ERROR", nil)
			return nil
		case errors.Is(err, passwordless.ErrUnknownUserID):
			return badInput("Unknown User ID provided")
		case err != nil:
			return err
		}
	}
	writeStatus(w, "OK", nil)
	return nil
}

// updateEmail changes the email of login method m, after the recipe's
// email validator for tenantID. It returns the status and, for a refusal,
// the message to show.
func (rc *Recipe) updateEmail(ctx context.Context, tenantID string, m latchkey.LoginMethod, email string) (status, msg string, err error) {
	switch m.RecipeID {
	case "emailpassword":
		if rc.ep == nil {
			return "", "", badInput("The emailpassword recipe is not configured on this backend")
		}
		if err := rc.ep.ValidateSignUpField(ctx, tenantID, "email", email); err != nil {
			return "INVALID_EMAIL_ERROR", err.Error(), nil
		}
		_, err := rc.ep.UpdateEmailOrPassword(ctx, m.RecipeUserID, email, "", false)
		switch {
		case errors.Is(err, emailpassword.ErrEmailAlreadyExists):
			return "EMAIL_ALREADY_EXISTS_ERROR", "", nil
		case errors.Is(err, emailpassword.ErrUnknownUserID):
			return "", "", badInput("Unknown User ID provided")
		case err != nil:
			return "", "", err
		}
		return "OK", "", nil
	case "passwordless":
		if rc.pwless == nil {
			break
		}
		if err := rc.pwless.ValidateEmail(ctx, tenantID, email); err != nil {
			return "INVALID_EMAIL_ERROR", err.Error(), nil
		}
		err := rc.pwless.UpdateUser(ctx, m.RecipeUserID, passwordless.UserUpdate{Email: &email})
		switch {
		case errors.Is(err, passwordless.ErrEmailAlreadyExists):
			return "EMAIL_ALREADY_EXISTS_ERROR", "", nil
		case errors.Is(err, passwordless.ErrUnknownUserID):
			return "", "", badInput("Unknown User ID provided")
		case err != nil:
			return "", "", err
		}
		return "OK", "", nil
	case "thirdparty":
		return "EMAIL_CHANGE_NOT_ALLOWED_ERROR", "The email of a third-party login method comes from its provider and cannot be changed here", nil
	}
	return "", "", badInput("The " + m.RecipeID + " recipe is not configured on this backend")
}

// writeError answers 200 {"status": status, key: msg}, or just the status
// when msg is "".
func writeError(w http.ResponseWriter, status, key, msg string) {
	if msg == "" {
		writeStatus(w, status, nil)
		return
	}
	writeStatus(w, status, map[string]any{key: msg})
}

// deleteUser serves DELETE /dashboard/api/user. Without account linking
// removeAllLinkedAccounts changes nothing, but is still checked.
// CDI: POST /user/remove.
func (rc *Recipe) deleteUser(w http.ResponseWriter, r *http.Request) error {
	id, err := query(r, "userId")
	if err != nil {
		return err
	}
	all := true
	switch v := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("removeAllLinkedAccounts"))); v {
	case "", "true":
	case "false":
		all = false
	default:
		return badInput("'removeAllLinkedAccounts' must be true or false")
	}
	if err := rc.lk.DeleteUser(r.Context(), id, all); err != nil {
		return err
	}
	writeStatus(w, "OK", nil)
	return nil
}

// unlink serves GET /dashboard/api/user/unlink: the login method leaves
// its primary user (CDI POST /recipe/accountlinking/user/unlink), and the
// sessions it made are revoked, since their user changed. It is a GET
// that changes things, so it is a write, refused to read-only accounts.
func (rc *Recipe) unlink(w http.ResponseWriter, r *http.Request) error {
	id, err := query(r, "recipeUserId")
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, _, err := rc.loginMethod(ctx, id); err != nil {
		return err
	}
	var res struct {
		Status               string `json:"status"`
		WasLinked            bool   `json:"wasLinked"`
		WasRecipeUserDeleted bool   `json:"wasRecipeUserDeleted"`
	}
	if err := rc.lk.Core().Do(ctx, latchkey.CoreRequest{Method: "POST", Path: "/recipe/accountlinking/user/unlink",
		Body: map[string]string{"recipeUserId": id}, RecipeID: "accountlinking"}, &res); err != nil {
		return err
	}
	if res.WasLinked && !res.WasRecipeUserDeleted {
		if err := rc.lk.Core().Do(ctx, latchkey.CoreRequest{Method: "POST", Path: "/recipe/session/remove",
			Body: map[string]any{"userId": id, "revokeAcrossAllTenants": true, "revokeSessionsForLinkedAccounts": false}}, nil); err != nil {
			return err
		}
	}
	writeStatus(w, "OK", nil)
	return nil
}

// loginMethods are the recipe ids the list can be filtered by.
var loginMethods = map[string]bool{"emailpassword": true, "passwordless": true, "thirdparty": true, "webauthn": true}

// recipeFilter reads the list's recipeIds filter (comma-separated login
// methods), or nil for every user.
func recipeFilter(q url.Values) ([]string, error) {
	v := strings.TrimSpace(q.Get("recipeIds"))
	if v == "" {
		return nil, nil
	}
	var out []string
	for id := range strings.SplitSeq(v, ",") {
		id = strings.TrimSpace(id)
		if !loginMethods[id] {
			return nil, badInput("Invalid value received for 'recipeIds': use emailpassword, passwordless, thirdparty or webauthn, separated by commas")
		}
		out = append(out, id)
	}
	return out, nil
}
