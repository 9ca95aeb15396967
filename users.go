package latchkey

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The core's limits on listing users (reference/cdi-core.md §2.2).
const (
	// MaxUsersPerPage is the largest ListUsersOptions.Limit of a page.
	MaxUsersPerPage = 500
	// MaxSearchResults is the most users a search returns; a search has
	// no pages.
	MaxSearchResults = 1000
)

// UserOrder is the order of a list of users, by the time they joined.
type UserOrder string

// User orders.
const (
	// OldestFirst is the core's default.
	OldestFirst UserOrder = "ASC"
	NewestFirst UserOrder = "DESC"
)

// UserSearch narrows a list of users by prefix: an email or its domain,
// a phone number in E.164, a third-party provider id. The terms of one
// field are ORed (a match on any), the fields ANDed. A nil field is not
// searched; a non-nil one is sent even when it holds only "" (the core
// then matches nothing by it, and the list is still a search).
type UserSearch struct {
	Emails    []string
	Phones    []string
	Providers []string
}

// ListUsersOptions select a page of users for ListUsers.
type ListUsersOptions struct {
	// TenantID is the tenant whose users are listed. Default:
	// DefaultTenantID.
	TenantID string
	// Limit is the page size, 1 to MaxUsersPerPage. Default: 0, the core's
	// default of 100. A search ignores it and answers up to
	// MaxSearchResults users.
	Limit int
	// PaginationToken continues from the page that returned it.
	PaginationToken string
	// Order is by join time. Default: OldestFirst.
	Order UserOrder
	// RecipeIDs keeps only users with a login method of one of these
	// recipes, such as "emailpassword". Default: every recipe.
	RecipeIDs []string
	// Search narrows the list; a search has no pages unless PagedSearch.
	Search UserSearch
	// PagedSearch pages a search like the list, by Limit and
	// PaginationToken, so that every match is reached (a Latchkey
	// extension). A SuperTokens core ignores it and answers the CDI's one
	// page of up to MaxSearchResults users, with no NextPaginationToken,
	// which reads as the last page.
	PagedSearch bool
	// ByLastActive orders the list by the users' last activity instead of
	// their join time (Order says the direction; NewestFirst is the most
	// recently active first), listing only users who have signed in. A
	// Latchkey extension; it does not combine with Search, RecipeIDs or
	// the filters below.
	ByLastActive bool
	// ByLastSignIn is ByLastActive by the users' last sign-in instead.
	ByLastSignIn bool

	// The filters below are Latchkey extensions (a SuperTokens core
	// ignores them). They combine with each other, RecipeIDs and Search.

	// EmailVerified, when set, keeps only users with an email login method
	// whose email is verified (true) or is not (false); users with a phone
	// number only match neither.
	EmailVerified *bool
	// Role, when not "", keeps only users who have this role in the
	// tenant.
	Role string
	// JoinedFrom and JoinedTo, when not zero, keep only users who joined
	// at or after JoinedFrom and before JoinedTo (millisecond precision).
	JoinedFrom, JoinedTo time.Time
}

// filtered reports whether opts use a Latchkey filter.
func (opts ListUsersOptions) filtered() bool {
	return opts.EmailVerified != nil || opts.Role != "" || !opts.JoinedFrom.IsZero() || !opts.JoinedTo.IsZero()
}

// setFilters puts opts' recipe filter and Latchkey filters in q.
func (opts ListUsersOptions) setFilters(q url.Values) {
	if len(opts.RecipeIDs) > 0 {
		q.Set("includeRecipeIds", strings.Join(opts.RecipeIDs, ","))
	}
	if opts.EmailVerified != nil {
		q.Set("latchkeyEmailVerified", strconv.FormatBool(*opts.EmailVerified))
	}
	if opts.Role != "" {
		q.Set("latchkeyRole", opts.Role)
	}
	if !opts.JoinedFrom.IsZero() {
		q.Set("latchkeyJoinedFrom", strconv.FormatInt(opts.JoinedFrom.UnixMilli(), 10))
	}
	if !opts.JoinedTo.IsZero() {
		q.Set("latchkeyJoinedTo", strconv.FormatInt(opts.JoinedTo.UnixMilli(), 10))
	}
}

// UsersPage is one page of users.
type UsersPage struct {
	Users []User
	// NextPaginationToken fetches the next page; "" on the last page and
	// for a search without PagedSearch.
	NextPaginationToken string
}

// ListUsers returns a page of a tenant's users, or the result of a
// search. A value the core refuses (a limit over MaxUsersPerPage, a bad
// pagination token, an unknown recipe id) is a *CoreError with Code 400.
// CDI: GET /{tenantId}/users.
func (lk *Latchkey) ListUsers(ctx context.Context, opts ListUsersOptions) (*UsersPage, error) {
	users, next, err := listPage[User](ctx, lk, opts)
	if err != nil {
		return nil, err
	}
	if users == nil {
		users = []User{}
	}
	return &UsersPage{Users: users, NextPaginationToken: next}, nil
}

// listPage reads one page of GET /{tenantId}/users for opts, each user
// decoded as T (a User, or the core's JSON as it came), and refuses an
// answer that ignored the Latchkey filters or order opts asked for.
func listPage[T any](ctx context.Context, lk *Latchkey, opts ListUsersOptions) ([]T, string, error) {
	var a struct {
		Users               []T    `json:"users"`
		NextPaginationToken string `json:"nextPaginationToken"`
		listMarks
	}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/users", TenantID: TenantOrDefault(opts.TenantID), Query: opts.query()}, &a); err != nil {
		return nil, "", err
	}
	if err := a.check(opts); err != nil {
		return nil, "", err
	}
	return a.Users, a.NextPaginationToken, nil
}

// listMarks are the fields with which a Latchkey core says that it
// applied the list's Latchkey filters or order.
type listMarks struct {
	Filtered bool   `json:"latchkeyFiltered"`
	OrderBy  string `json:"latchkeyOrderBy"`
}

// check refuses an answer that ignored what opts asked of a Latchkey
// core: another core ignores those parameters and lists everyone, which
// must not pass for the filtered list.
func (m listMarks) check(opts ListUsersOptions) error {
	if (opts.filtered() && !m.Filtered) || ((opts.ByLastSignIn || opts.ByLastActive) && m.OrderBy == "") {
		return ErrListExtensionUnsupported
	}
	return nil
}

// query is the query string of GET /{tenantId}/users for opts.
func (opts ListUsersOptions) query() url.Values {
	q := url.Values{}
	if opts.Limit != 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	if opts.PaginationToken != "" {
		q.Set("paginationToken", opts.PaginationToken)
	}
	if opts.Order != "" {
		q.Set("timeJoinedOrder", string(opts.Order))
	}
	opts.setFilters(q)
	if opts.PagedSearch {
		q.Set("pagedSearch", "true")
	}
	switch {
	case opts.ByLastSignIn:
		q.Set("latchkeyOrderBy", "lastSignIn")
	case opts.ByLastActive:
		q.Set("latchkeyOrderBy", "lastActive")
	}
	for tag, terms := range map[string][]string{"email": opts.Search.Emails, "phone": opts.Search.Phones, "provider": opts.Search.Providers} {
		if terms != nil {
			q.Set(tag, strings.Join(terms, ";"))
		}
	}
	return q
}

// CountUsersOptions select the users that CountUsers counts.
type CountUsersOptions struct {
	// TenantID is the tenant whose users are counted. Default:
	// DefaultTenantID.
	TenantID string
	// AllTenants counts the users of every tenant instead.
	AllTenants bool
	// RecipeIDs counts only users with a login method of one of these
	// recipes. Default: every recipe.
	RecipeIDs []string
}

// CountUsers returns how many users a tenant (or the app) has.
// CDI: GET /{tenantId}/users/count.
func (lk *Latchkey) CountUsers(ctx context.Context, opts CountUsersOptions) (int64, error) {
	q := url.Values{}
	if opts.AllTenants {
		q.Set("includeAllTenants", "true")
	}
	if len(opts.RecipeIDs) > 0 {
		q.Set("includeRecipeIds", strings.Join(opts.RecipeIDs, ","))
	}
	var a struct {
		Count int64 `json:"count"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/users/count", TenantID: TenantOrDefault(opts.TenantID), Query: q}, &a); err != nil {
		return 0, err
	}
	return a.Count, nil
}

// SearchCount is how many users a search or a filter matches: N, or more
// than N when Capped (a Latchkey core stops counting a search at 1,000).
type SearchCount struct {
	N      int64
	Capped bool
}

// ErrListExtensionUnsupported is ListUsers' answer to the Latchkey filters
// (EmailVerified, Role, JoinedFrom, JoinedTo) or orders (ByLastSignIn,
// ByLastActive) from a core that ignored them, as every core but
// Latchkey's does. It is a *BadInputError, so that WriteError answers 400
// with its message.
var ErrListExtensionUnsupported error = &BadInputError{Message: "The email-verified, role and joined filters and the sorts by activity need a Latchkey core; this core ignores them"}

// ErrSearchCountUnsupported: the core cannot count a search's or a
// filter's matches (a SuperTokens core counts every user instead).
var ErrSearchCountUnsupported = errors.New("latchkey: the core cannot count a search's matches")

// CountSearchResults returns how many of a tenant's users opts' search
// and filters (RecipeIDs, EmailVerified, Role, JoinedFrom, JoinedTo)
// match; opts' paging and order fields are ignored. A Latchkey extension of
// GET /{tenantId}/users/count: ErrSearchCountUnsupported from another core
// for a search or a Latchkey filter.
func (lk *Latchkey) CountSearchResults(ctx context.Context, opts ListUsersOptions) (SearchCount, error) {
	q := url.Values{}
	opts.setFilters(q)
	searching := false
	for tag, terms := range map[string][]string{"email": opts.Search.Emails, "phone": opts.Search.Phones, "provider": opts.Search.Providers} {
		if terms != nil {
			q.Set(tag, strings.Join(terms, ";"))
			searching = true
		}
	}
	if !searching && !opts.filtered() {
		n, err := lk.CountUsers(ctx, CountUsersOptions{TenantID: opts.TenantID, RecipeIDs: opts.RecipeIDs})
		return SearchCount{N: n}, err
	}
	var a struct {
		Count         int64 `json:"count"`
		Searched      bool  `json:"searched"`
		Filtered      bool  `json:"filtered"`
		CountIsCapped bool  `json:"countIsCapped"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/users/count", TenantID: TenantOrDefault(opts.TenantID), Query: q}, &a); err != nil {
		return SearchCount{}, err
	}
	if (searching && !a.Searched) || (!searching && !a.Filtered) {
		return SearchCount{}, ErrSearchCountUnsupported
	}
	return SearchCount{N: a.Count, Capped: a.CountIsCapped}, nil
}

// SearchTags returns the fields the core can search users by, such as
// "email", "phone" and "provider". CDI: GET /user/search/tags.
func (lk *Latchkey) SearchTags(ctx context.Context) ([]string, error) {
	var a struct {
		Tags []string `json:"tags"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/user/search/tags"}, &a); err != nil {
		return nil, err
	}
	if a.Tags == nil {
		a.Tags = []string{}
	}
	return a.Tags, nil
}

// User returns the user with userID (a primary or recipe user id), or nil
// when there is none. CDI: GET /user/id.
func (lk *Latchkey) User(ctx context.Context, userID string) (*User, error) {
	var resp struct {
		Status string `json:"status"`
		User   *User  `json:"user"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/user/id", Query: url.Values{"userId": {userID}}}, &resp); err != nil {
		return nil, err
	}
	if resp.Status != "OK" {
		return nil, nil
	}
	return resp.User, nil
}

// AccountInfo is what UsersByAccountInfo looks users up by: every field
// that is set must match.
type AccountInfo struct {
	Email       string
	PhoneNumber string
	// ThirdParty, when set, must match the login method's provider and
	// provider user id.
	ThirdParty *ThirdParty
}

// UsersByAccountInfo returns the users of tenantID with a login method
// that matches every set field of info (none when no field is set), oldest
// first. The core normalises the email and the phone number.
// CDI: GET /{tenantId}/users/by-accountinfo.
func (lk *Latchkey) UsersByAccountInfo(ctx context.Context, tenantID string, info AccountInfo) ([]User, error) {
	q := url.Values{"doUnionOfAccountInfo": {"false"}}
	if info.Email != "" {
		q.Set("email", info.Email)
	}
	if info.PhoneNumber != "" {
		q.Set("phoneNumber", info.PhoneNumber)
	}
	if info.ThirdParty != nil {
		q.Set("thirdPartyId", info.ThirdParty.ID)
		q.Set("thirdPartyUserId", info.ThirdParty.UserID)
	}
	var resp struct {
		Users []User `json:"users"`
	}
	if err := lk.core.Do(ctx, CoreRequest{Path: "/users/by-accountinfo", TenantID: TenantOrDefault(tenantID), Query: q}, &resp); err != nil {
		return nil, err
	}
	return resp.Users, nil
}

// UsersByEmail returns the users of tenantID with a login method for
// email. CDI: GET /{tenantId}/users/by-accountinfo.
func (lk *Latchkey) UsersByEmail(ctx context.Context, tenantID, email string) ([]User, error) {
	return lk.UsersByAccountInfo(ctx, tenantID, AccountInfo{Email: email})
}

// DeleteUser removes a user and everything the core holds about them
// (metadata, sessions, email verification, roles); with
// removeAllLinkedAccounts, also every user linked to them. Deleting an
// unknown user is not an error. CDI: POST /user/remove.
func (lk *Latchkey) DeleteUser(ctx context.Context, userID string, removeAllLinkedAccounts bool) error {
	return lk.core.Do(ctx, CoreRequest{Method: "POST", Path: "/user/remove",
		Body: map[string]any{"userId": userID, "removeAllLinkedAccounts": removeAllLinkedAccounts}}, nil)
}

// DayCount is the number of users that joined on one UTC day.
type DayCount struct {
	Day   string `json:"day"` // YYYY-MM-DD
	Count int64  `json:"count"`
}

// TenantCount is the number of users of one tenant.
type TenantCount struct {
	TenantID string `json:"tenantId"`
	Count    int64  `json:"count"`
}

// UserStats is the dashboard overview's data: the tenant's sign-ups per
// day (every day of the range, oldest first), its users by login method,
// the app's users by tenant (most first), and the app's total.
type UserStats struct {
	Days               int              `json:"days"`
	SignUpsPerDay      []DayCount       `json:"signUpsPerDay"`
	UsersByLoginMethod map[string]int64 `json:"usersByLoginMethod"`
	UsersByTenant      []TenantCount    `json:"usersByTenant"`
	TotalUsers         int64            `json:"totalUsers"`
	// ActiveUsers counts the app's users active in the last day, week
	// and month (by their last activity): keys daily, weekly, monthly.
	ActiveUsers map[string]int64 `json:"activeUsers"`
}

// MaxStatsDays is the longest range UserStats counts sign-ups over.
const MaxStatsDays = 366

// UserStats returns the overview of a tenant over the last days days
// (1 to MaxStatsDays), today included. A Latchkey extension: a SuperTokens
// core answers it with a *CoreError of Code 404.
// Latchkey: GET /{tenantId}/recipe/latchkey/users/stats.
func (lk *Latchkey) UserStats(ctx context.Context, tenantID string, days int) (*UserStats, error) {
	var a UserStats
	if err := lk.core.Do(ctx, CoreRequest{Path: "/recipe/latchkey/users/stats", TenantID: TenantOrDefault(tenantID),
		Query: url.Values{"days": {strconv.Itoa(days)}}}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}
