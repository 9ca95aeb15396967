package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/latchkey-dev/latchkey/internal/tenantid"
)

// Recipe ids, as the CDI spells them.
const (
	RecipeEmailPassword = "emailpassword"
	RecipePasswordless  = "passwordless"
	RecipeThirdParty    = "thirdparty"
)

// DefaultTenant is the tenant of a request that names none, the one
// tenant every store has from its first migration on. It is the core
// side's name for the rule the SDK shares (internal/tenantid).
const DefaultTenant = tenantid.Default

// Store is everything an engine provides.
type Store interface {
	Tenants
	Users
	EmailPassword
	EmailVerification
	Sessions
	Keys
	Metadata
	Roles
	DashboardUsers
	Passwordless
	ThirdParty
	Stats
	AccountLinking
	Throttles
	Suspensions
	Activity
	Audit

	// Ping touches the database, for /hello.
	Ping(ctx context.Context) error
	// Close releases the engine's connections.
	Close() error
}

// ---------------------------------------------------------------------------
// Tenants

// Tenant is a tenant of the app: its login methods, its per-tenant core
// settings and its third-party providers (reference/cdi-api-spec.yaml,
// tenantConfigV2). The store keeps what it is given; the core checks it.
type Tenant struct {
	ID        string
	CreatedAt time.Time
	// FirstFactors are the login methods users may start with: nil means
	// every one, empty means none.
	FirstFactors []string
	// RequiredSecondaryFactors are the factors a user must complete after
	// the first: nil means none.
	RequiredSecondaryFactors []string
	// CoreConfig holds the tenant's own core settings, by config key.
	// Never nil when read.
	CoreConfig map[string]any
	// Providers are the tenant's third-party provider configs, oldest
	// first. Tenant and ListTenants fill it; CreateOrUpdateTenant ignores
	// it.
	Providers []TenantProvider
}

// TenantProvider is one third-party provider config of a tenant, kept as
// the JSON object the CDI carries (thirdPartyProviderConfig).
type TenantProvider struct {
	ThirdPartyID string
	Config       json.RawMessage
}

// MaxTenants caps ListTenants, and so how many tenants the core lets an
// app create.
const MaxTenants = 10_000

// Errors associating a user with a tenant can fail with. Each wraps
// ErrAlreadyExists and names the identifier another user of the tenant
// already has.
var (
	// ErrEmailPasswordEmailTaken: another email-password user of the
	// tenant has the email.
	ErrEmailPasswordEmailTaken = fmt.Errorf("%w: email-password email", ErrAlreadyExists)
	// ErrThirdPartyUserTaken: another user of the tenant has the provider
	// account.
	ErrThirdPartyUserTaken = fmt.Errorf("%w: third-party account", ErrAlreadyExists)
)

// Tenants keeps the tenants of the app. Every store has DefaultTenant,
// which its migrations create and nothing removes.
type Tenants interface {
	// Tenant returns the tenant with this id (ids are lower case).
	// ErrNotFound when there is none.
	Tenant(ctx context.Context, tenantID string) (Tenant, error)
	// ListTenants returns the tenants by id, at most limit of them.
	ListTenants(ctx context.Context, limit int) ([]Tenant, error)
	// CreateOrUpdateTenant creates the tenant (at now) when it is missing
	// and, in the same transaction, applies update to it: to its stored
	// state, or to an empty tenant when created. Changes to ID,
	// CreatedAt and Providers are ignored; an error from update is
	// returned unchanged and nothing is written.
	CreateOrUpdateTenant(ctx context.Context, tenantID string, now time.Time, update func(t *Tenant, created bool) error) (created bool, err error)
	// DeleteTenant removes the tenant and everything that is only its:
	// its providers, the users associated with no other tenant (as
	// DeleteUser removes them), the other users' association, sessions,
	// role assignments and verification tokens in it, its passwordless
	// codes and its counters. It reports whether the tenant existed;
	// DefaultTenant gives ErrConflict.
	DeleteTenant(ctx context.Context, tenantID string) (bool, error)
	// PutTenantProvider stores p for the tenant, replacing the config with
	// its ThirdPartyID, and reports whether it is new. ErrNotFound when
	// the tenant is unknown.
	PutTenantProvider(ctx context.Context, tenantID string, p TenantProvider, now time.Time) (created bool, err error)
	// DeleteTenantProvider removes a provider config and reports whether
	// it existed.
	DeleteTenantProvider(ctx context.Context, tenantID, thirdPartyID string) (bool, error)
	// AddUserToTenant associates the (recipe) user with the tenant, so
	// that its login method works in it, and reports whether it already
	// was. ErrNotFound when the user or the tenant is unknown;
	// ErrEmailPasswordEmailTaken, ErrEmailTaken, ErrPhoneNumberTaken or
	// ErrThirdPartyUserTaken when another user of the tenant has one of
	// its identifiers.
	AddUserToTenant(ctx context.Context, tenantID, userID string) (alreadyAssociated bool, err error)
	// RemoveUserFromTenant ends the association, with the user's
	// sessions, role assignments and verification tokens in the tenant,
	// and reports whether there was one. The user stays in the app, also
	// when it is left without tenants (it can be associated again).
	RemoveUserFromTenant(ctx context.Context, tenantID, userID string) (bool, error)
}

// ---------------------------------------------------------------------------
// Users

// User is an application user with every login method it has (CDI 4.0+
// User object). A user that is not linked has exactly one login method
// and ID equals that method's RecipeUserID. A primary user (IsPrimary)
// has its own login method and those of every recipe user linked to it;
// its TimeJoined is the earliest of theirs and its TenantIDs their union.
type User struct {
	ID           string
	IsPrimary    bool
	TimeJoined   time.Time
	TenantIDs    []string
	LoginMethods []LoginMethod
}

// LoginMethod is one way a user signs in (CDI "loginMethods[]").
type LoginMethod struct {
	RecipeID     string
	RecipeUserID string
	TenantIDs    []string
	TimeJoined   time.Time
	Email        string // "" when the method has none
	PhoneNumber  string // E.164, "" when the method has none
	ThirdParty   *ThirdPartyInfo
	// Verified is true when (RecipeUserID, Email) is a verified email.
	Verified bool
}

// ThirdPartyInfo identifies a user at a third-party provider.
type ThirdPartyInfo struct {
	ID     string // provider id, such as "google"
	UserID string // the user's id at the provider
}

// UserCursor is a keyset position in a user listing: the listing resumes at
// (and includes) this user.
type UserCursor struct {
	UserID     string
	TimeJoined time.Time
}

// UserSearch narrows a listing. Within one field the terms are ORed; across
// fields they are ANDed. Terms are lower-case prefixes.
type UserSearch struct {
	// Emails match when the email, or the domain after its '@', starts with
	// the term.
	Emails []string
	// Phones match when the E.164 number starts with the term.
	Phones []string
	// Providers match when the third-party provider id starts with the term.
	Providers []string
}

// Empty reports whether the search has no terms.
func (s UserSearch) Empty() bool {
	return len(s.Emails) == 0 && len(s.Phones) == 0 && len(s.Providers) == 0
}

// ListUsersQuery selects a page of users in one tenant.
type ListUsersQuery struct {
	TenantID string
	// Limit is the most users returned. Required, > 0.
	Limit int
	// Descending orders newest first. The order is always (TimeJoined in the
	// chosen direction, then ID descending).
	Descending bool
	// After, when set, starts the page at this cursor row (inclusive).
	After *UserCursor
	// RecipeIDs, when non-empty, keeps only users with one of these recipes.
	RecipeIDs []string
	// Search, when not empty, keeps only matching users.
	Search UserSearch
	// EmailVerified, when set, keeps only users with an email login
	// method whose email is verified (true) or is not (false). A user with
	// no email (a phone number only) matches neither. With account
	// linking, the listed user's own login methods count.
	EmailVerified *bool
	// Role, when not "", keeps only users who have this role in TenantID.
	Role string
	// JoinedFrom and JoinedTo, when not zero, keep only users who joined
	// at or after JoinedFrom and before JoinedTo.
	JoinedFrom, JoinedTo time.Time
}

// Filtered reports whether q uses a filter that the counters in
// user_counts cannot answer: email verified, role or joined range.
func (q ListUsersQuery) Filtered() bool {
	return q.EmailVerified != nil || q.Role != "" || !q.JoinedFrom.IsZero() || !q.JoinedTo.IsZero()
}

// DayCount is how many users joined on one UTC day.
type DayCount struct {
	Day   time.Time // midnight UTC
	Count int64
}

// UserCount is how many users a tenant has with one login method: a row
// of the counters that CountUsers reads. TenantID "" counts the whole app
// (each user once).
type UserCount struct {
	TenantID string
	RecipeID string
	N        int64
}

// MaxStatsDays is the longest range SignUpsPerDay answers for.
const MaxStatsDays = 366

// Stats answers the dashboard's overview from what the store keeps
// anyway, so that it stays fast however many users there are.
type Stats interface {
	// SignUpsPerDay counts the sign-ups in tenantID on each UTC day that
	// [from, to) touches (a day it covers in part counts whole), oldest
	// first; days without sign-ups are left out. Sign-ups count as they
	// happened: a user deleted since still counts on the day it joined. A
	// range over MaxStatsDays is refused with an error.
	SignUpsPerDay(ctx context.Context, tenantID string, from, to time.Time) ([]DayCount, error)
	// UserCounts returns every counter, by tenant and login method.
	UserCounts(ctx context.Context) ([]UserCount, error)
	// ActiveUsers counts the app's users active at or after each of since
	// (by their last-active time; see Activity), in one read per value.
	ActiveUsers(ctx context.Context, since []time.Time) ([]int64, error)
}

// AccountInfo is what /users/by-accountinfo looks up. Empty fields are not
// used.
type AccountInfo struct {
	Email       string
	PhoneNumber string
	ThirdParty  *ThirdPartyInfo
}

// Users reads and removes users of every recipe.
type Users interface {
	// User returns one user by id. ErrNotFound when unknown.
	User(ctx context.Context, userID string) (User, error)
	// ListUsers returns up to q.Limit users in q's order.
	ListUsers(ctx context.Context, q ListUsersQuery) ([]User, error)
	// CountUsersMatching counts the users ListUsers(q) would return (up
	// to q.Limit) without reading them: how many users a search or a
	// filter matches, capped.
	CountUsersMatching(ctx context.Context, q ListUsersQuery) (int, error)
	// CountUsers counts users in tenantID ("" counts every tenant, each user
	// once), only those with one of recipeIDs when it is non-empty.
	CountUsers(ctx context.Context, tenantID string, recipeIDs []string) (int64, error)
	// UsersByAccountInfo returns the users in tenantID with a login method
	// that matches info, ordered by TimeJoined ascending. With union, a user
	// matching any given field is returned; without, a user must match every
	// given field. No fields given returns no users.
	UsersByAccountInfo(ctx context.Context, tenantID string, info AccountInfo, union bool) ([]User, error)
	// DeleteUser removes the user and everything the store holds for that
	// user id: login methods, password-reset tokens, sessions, email
	// verification tokens and verified emails, metadata and roles. Deleting
	// an unknown id is not an error; it still removes rows keyed by the id
	// (metadata, roles, ...), which need not belong to a user.
	//
	// With removeAllLinked, a userID that belongs to a primary user (as its
	// id or as one of its login methods) removes the whole person: every
	// linked recipe user. Without it, only the recipe user userID goes;
	// when that is the primary user's own login method and others remain,
	// the oldest remaining login method becomes the primary user and takes
	// over its metadata and roles.
	DeleteUser(ctx context.Context, userID string, removeAllLinked bool) error
}

// ---------------------------------------------------------------------------
// Email-password

// EmailPasswordUser is an email-password login method.
type EmailPasswordUser struct {
	ID           string
	TenantID     string
	Email        string // trimmed and lower-cased by the caller
	PasswordHash string
	TimeJoined   time.Time
}

// PasswordResetToken is a single-use token that lets a user set a password.
type PasswordResetToken struct {
	UserID    string
	Email     string
	TokenHash string // sha256 hex of the token; the token itself is never stored
	Expiry    time.Time
}

// EmailPassword stores email-password users and their reset tokens.
type EmailPassword interface {
	// CreateEmailPasswordUser stores a new user. ErrAlreadyExists when the
	// email already has an email-password login in u.TenantID.
	CreateEmailPasswordUser(ctx context.Context, u EmailPasswordUser) error
	// EmailPasswordUser returns a user by id. ErrNotFound when there is no
	// email-password user with that id.
	EmailPasswordUser(ctx context.Context, userID string) (EmailPasswordUser, error)
	// EmailPasswordUserByEmail returns the user with this email in tenantID.
	// ErrNotFound when there is none.
	EmailPasswordUserByEmail(ctx context.Context, tenantID, email string) (EmailPasswordUser, error)
	// UpdateEmailPasswordUser changes a user's email or password hash in one
	// transaction. ErrNotFound when unknown; ErrAlreadyExists when the new
	// email is taken. ID, TenantID and TimeJoined cannot change. When the
	// email changes, every password-reset token of the user is deleted in
	// the same transaction: those were sent to the old address.
	UpdateEmailPasswordUser(ctx context.Context, userID string, update func(*EmailPasswordUser) error) (EmailPasswordUser, error)
	// ImportEmailPasswordUser creates u, or, when an email-password user with
	// u.Email exists in u.TenantID, replaces only its password hash. It
	// returns the stored user and whether it existed before.
	ImportEmailPasswordUser(ctx context.Context, u EmailPasswordUser) (EmailPasswordUser, bool, error)

	// CreatePasswordResetToken stores a reset token. ErrNotFound when the
	// user does not exist.
	CreatePasswordResetToken(ctx context.Context, t PasswordResetToken) error
	// ConsumePasswordResetToken finds the token by hash and, in one
	// transaction, deletes every reset token of its user. It returns the
	// token, or ErrNotFound when no token has that hash or it expired before
	// now (the user's tokens are deleted either way).
	ConsumePasswordResetToken(ctx context.Context, tokenHash string, now time.Time) (PasswordResetToken, error)
	// DeleteExpiredPasswordResetTokens removes tokens that expired before now.
	DeleteExpiredPasswordResetTokens(ctx context.Context, now time.Time) (int64, error)
}

// ---------------------------------------------------------------------------
// Email verification

// EmailVerificationToken proves that whoever holds it can read Email.
type EmailVerificationToken struct {
	TenantID  string
	UserID    string
	Email     string
	TokenHash string // sha256 hex of the token
	Expiry    time.Time
}

// EmailVerification stores verification tokens and verified emails.
// Verified emails are kept per (user id, email), across tenants; user ids
// need not belong to a stored user.
type EmailVerification interface {
	// CreateEmailVerificationToken stores a token.
	CreateEmailVerificationToken(ctx context.Context, t EmailVerificationToken) error
	// ConsumeEmailVerificationToken finds the token by tenant and hash and,
	// in one transaction, deletes every token of its (tenant, user, email)
	// and marks (user, email) verified. It returns ErrNotFound when no token
	// matches or it expired before now (the tokens are deleted either way,
	// and nothing is marked verified).
	ConsumeEmailVerificationToken(ctx context.Context, tenantID, tokenHash string, now time.Time) (EmailVerificationToken, error)
	// IsEmailVerified reports whether (userID, email) is verified.
	IsEmailVerified(ctx context.Context, userID, email string) (bool, error)
	// SetEmailVerified marks (userID, email) verified or not. Either is
	// idempotent.
	SetEmailVerified(ctx context.Context, userID, email string, verified bool) error
	// DeleteEmailVerificationTokens removes every token of (tenant, user,
	// email).
	DeleteEmailVerificationTokens(ctx context.Context, tenantID, userID, email string) error
	// DeleteExpiredEmailVerificationTokens removes tokens that expired before
	// now.
	DeleteExpiredEmailVerificationTokens(ctx context.Context, now time.Time) (int64, error)
}

// ---------------------------------------------------------------------------
// Sessions

// Session is one signed-in device: the row behind a refresh token.
type Session struct {
	Handle   string // unique across tenants
	TenantID string
	// UserID is the recipe user id the session was created for.
	UserID string
	// RefreshTokenHash2 is sha256hex(sha256hex(refresh token)) of the
	// current parent refresh token.
	RefreshTokenHash2 string
	// SessionData is userDataInDatabase, a JSON object.
	SessionData json.RawMessage
	// JWTPayload is userDataInJWT, a JSON object.
	JWTPayload   json.RawMessage
	UseStaticKey bool
	CreatedAt    time.Time
	// ExpiresAt is when the refresh token expires.
	ExpiresAt time.Time
	// ClientIP and UserAgent say where the session was created from (a
	// Latchkey extension); "" when the caller did not say.
	ClientIP  string
	UserAgent string
	// LastRefreshed is when the session was last refreshed, as the core
	// records it (at most once per few minutes); zero when never.
	LastRefreshed time.Time
	// NotSignIn, which is not stored, makes CreateSession record no
	// sign-in: the session was made by back-office code, or activity is
	// off.
	NotSignIn bool
}

// Sessions stores session rows.
type Sessions interface {
	// CreateSession stores a new session. ErrAlreadyExists on a duplicate
	// handle. In the same transaction it counts a sign-in of s.UserID at
	// s.CreatedAt in the user's activity, when s.UserID is a stored user
	// and s.NotSignIn is false.
	CreateSession(ctx context.Context, s Session) error
	// Session returns a session by handle. ErrNotFound when unknown
	// (expired rows are returned; the caller judges expiry).
	Session(ctx context.Context, handle string) (Session, error)
	// UpdateSession reads, updates and writes one session in a transaction
	// that holds the row, so concurrent updates of one handle run one after
	// the other. ErrNotFound when unknown. Handle, TenantID, UserID,
	// CreatedAt, ClientIP and UserAgent cannot change. When update moves
	// LastRefreshed, the same transaction moves the user's last-active
	// time to it. An error from update aborts the transaction and is
	// returned as is.
	UpdateSession(ctx context.Context, handle string, update func(*Session) error) (Session, error)
	// DeleteSessions removes sessions by handle and returns the handles
	// that existed.
	DeleteSessions(ctx context.Context, handles []string) ([]string, error)
	// DeleteUserSessions removes the sessions of these user ids, in tenantID
	// or in every tenant when tenantID is "", and returns their handles.
	DeleteUserSessions(ctx context.Context, userIDs []string, tenantID string) ([]string, error)
	// UserSessionHandles returns the handles of the sessions of these user
	// ids, in tenantID or in every tenant when tenantID is "", that have not
	// expired at now.
	UserSessionHandles(ctx context.Context, userIDs []string, tenantID string, now time.Time) ([]string, error)
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}

// ---------------------------------------------------------------------------
// Signing keys

// SigningKey is a key pair that signs access tokens or JWTs.
type SigningKey struct {
	// ID is the JWK "kid": "d-<created ms>" for dynamic keys, "s-<uuid>" for
	// static ones.
	ID        string
	Algorithm string // "RS256", "ES256" or "EdDSA"
	// Value holds the key pair, encoded by the caller (opaque to the store).
	Value     string
	CreatedAt time.Time
}

// Keys stores dynamic (rotating) and static signing keys, shared by every
// core process on one database.
type Keys interface {
	// DynamicSigningKeys returns every dynamic key, newest first.
	DynamicSigningKeys(ctx context.Context) ([]SigningKey, error)
	// AddDynamicSigningKey stores k unless a dynamic key of k.Algorithm
	// created after newerThan already exists (each algorithm's keys rotate
	// on their own). The check and the insert are serialised
	// across processes, so that processes racing to create the first key end
	// up with one. It returns every dynamic key afterwards, newest first,
	// and whether k was stored.
	AddDynamicSigningKey(ctx context.Context, k SigningKey, newerThan time.Time) ([]SigningKey, bool, error)
	// DeleteDynamicSigningKeys removes dynamic keys created before before.
	DeleteDynamicSigningKeys(ctx context.Context, before time.Time) (int64, error)
	// StaticSigningKey returns the static key for k.Algorithm, storing k
	// first when there is none. Racing callers all get the same key.
	StaticSigningKey(ctx context.Context, k SigningKey) (SigningKey, error)
}

// ---------------------------------------------------------------------------
// User metadata

// Metadata stores one JSON object per user id (the id need not belong to a
// user).
type Metadata interface {
	// Metadata returns the user's metadata object, or nil when none is
	// stored.
	Metadata(ctx context.Context, userID string) (json.RawMessage, error)
	// MetadataForUsers returns the metadata objects of the users that have
	// one, by user id, in one read (ids without metadata are absent). It
	// takes any number of ids; callers cap how many a request may ask for.
	MetadataForUsers(ctx context.Context, userIDs []string) (map[string]json.RawMessage, error)
	// UpdateMetadata calls update with the stored object (nil when none) and
	// stores what it returns, in one transaction that serialises updates of
	// one user id. It returns the stored object.
	UpdateMetadata(ctx context.Context, userID string, update func(old json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error)
	// DeleteMetadata removes the user's metadata; removing none is not an
	// error.
	DeleteMetadata(ctx context.Context, userID string) error
}

// ---------------------------------------------------------------------------
// User roles

// Roles stores roles, their permissions, and which users have them. Roles
// are app-wide; user-role assignments are per tenant. Lists come back in
// insertion order.
type Roles interface {
	// CreateRole creates the role if it is missing and adds the permissions
	// (existing ones are kept). It reports whether the role was created.
	CreateRole(ctx context.Context, role string, permissions []string) (bool, error)
	// RolePermissions returns the role's permissions. ErrNotFound for an
	// unknown role.
	RolePermissions(ctx context.Context, role string) ([]string, error)
	// RemoveRolePermissions removes the given permissions from the role, or
	// every permission when permissions is nil. ErrNotFound for an unknown
	// role.
	RemoveRolePermissions(ctx context.Context, role string, permissions []string) error
	// RolesWithPermission returns the roles that have the permission.
	RolesWithPermission(ctx context.Context, permission string) ([]string, error)
	// DeleteRole removes the role from every user and then deletes it. It
	// reports whether the role existed.
	DeleteRole(ctx context.Context, role string) (bool, error)
	// ListRoles returns every role.
	ListRoles(ctx context.Context) ([]string, error)
	// AddUserRole gives the user the role in tenantID and reports whether
	// the user already had it. ErrNotFound for an unknown role, including
	// one deleted concurrently.
	AddUserRole(ctx context.Context, tenantID, userID, role string) (bool, error)
	// RemoveUserRole takes the role from the user in tenantID and reports
	// whether the user had it. ErrNotFound for an unknown role.
	RemoveUserRole(ctx context.Context, tenantID, userID, role string) (bool, error)
	// UserRoles returns the user's roles in tenantID.
	UserRoles(ctx context.Context, tenantID, userID string) ([]string, error)
	// RoleUsers returns the users that have the role in tenantID.
	// ErrNotFound for an unknown role.
	RoleUsers(ctx context.Context, tenantID, role string) ([]string, error)
}

// ---------------------------------------------------------------------------
// Dashboard accounts

// DashboardUser is an operator account that signs in to the dashboard (not
// an application user).
type DashboardUser struct {
	ID           string
	Email        string // trimmed and lower-cased by the caller
	PasswordHash string
	TimeJoined   time.Time
	// ReadOnly marks an account that may look but not change anything
	// (a Latchkey extension). The SDK's Admins config, when set, decides
	// instead.
	ReadOnly bool
}

// DashboardSession is a signed-in dashboard account.
type DashboardSession struct {
	// ID is what the core stores for the session: the sha256 hex of the
	// id the account holds (migration 0008), never the id itself.
	ID          string
	UserID      string
	Email       string // the account's email; filled in on reads
	ReadOnly    bool   // the account's read-only flag; filled in on reads
	TimeCreated time.Time
	Expiry      time.Time
}

// DashboardUsers stores dashboard accounts and their sessions.
type DashboardUsers interface {
	// CreateDashboardUser stores an account. ErrAlreadyExists when the
	// email is taken.
	CreateDashboardUser(ctx context.Context, u DashboardUser) error
	// DashboardUser returns an account by id. ErrNotFound when unknown.
	DashboardUser(ctx context.Context, userID string) (DashboardUser, error)
	// DashboardUserByEmail returns an account by email. ErrNotFound when
	// unknown.
	DashboardUserByEmail(ctx context.Context, email string) (DashboardUser, error)
	// ListDashboardUsers returns every account, oldest first.
	ListDashboardUsers(ctx context.Context) ([]DashboardUser, error)
	// UpdateDashboardUser changes an account's email, password hash or
	// read-only flag and, in the same transaction, deletes all of its
	// sessions. ErrNotFound when
	// unknown; ErrAlreadyExists when the new email is taken.
	UpdateDashboardUser(ctx context.Context, userID string, update func(*DashboardUser) error) (DashboardUser, error)
	// DeleteDashboardUser removes an account and its sessions and reports
	// whether it existed.
	DeleteDashboardUser(ctx context.Context, userID string) (bool, error)

	// CreateDashboardSession stores a session. ErrNotFound when the account
	// does not exist (it may have been deleted concurrently).
	CreateDashboardSession(ctx context.Context, s DashboardSession) error
	// DashboardSession returns a session with its account's email and
	// read-only flag.
	// ErrNotFound when unknown.
	DashboardSession(ctx context.Context, sessionID string) (DashboardSession, error)
	// DashboardSessions returns an account's sessions, oldest first.
	DashboardSessions(ctx context.Context, userID string) ([]DashboardSession, error)
	// DeleteDashboardSession removes a session; removing none is not an
	// error.
	DeleteDashboardSession(ctx context.Context, sessionID string) error
	// DeleteExpiredDashboardSessions removes sessions that expired before
	// now.
	DeleteExpiredDashboardSessions(ctx context.Context, now time.Time) (int64, error)
}

// ---------------------------------------------------------------------------
// Passwordless

// PasswordlessUser is a passwordless login method: a user who signs in with
// a one-time code or magic link sent to an email address, a phone number,
// or either. At least one of Email and PhoneNumber is set.
type PasswordlessUser struct {
	ID          string
	TenantID    string
	Email       string // trimmed and lower-cased by the caller; "" when none
	PhoneNumber string // E.164 (normalised by the caller); "" when none
	TimeJoined  time.Time
}

// PasswordlessDevice is one passwordless sign-in attempt: the browser that
// asked for a code, identified by the hash of the device id it holds, with
// the codes sent to it. Exactly one of Email and PhoneNumber is set.
type PasswordlessDevice struct {
	TenantID string
	// PreAuthSessionID is the hash of the device id (the device id itself is
	// never stored). Unique per tenant.
	PreAuthSessionID string
	Email            string
	PhoneNumber      string
	// LinkCodeSalt is mixed into the link codes derived for this device, so
	// that a client that knows its device id still cannot compute a link
	// code from a guessed user input code.
	LinkCodeSalt   string
	FailedAttempts int
	// Codes are the device's codes, oldest first; filled in on reads.
	Codes []PasswordlessCode
}

// PasswordlessCode is one code sent to a device. The user input code and
// the link code are never stored: both are checked through LinkCodeHash,
// because the link code is derived from the device id, the device's salt
// and the user input code.
type PasswordlessCode struct {
	ID               string
	PreAuthSessionID string
	// LinkCodeHash is the hash of the link code. Unique per tenant.
	LinkCodeHash string
	CreatedAt    time.Time
}

// PasswordlessOutcome is what a ConsumePasswordlessCode check decides, and
// what the store then does in the same transaction.
type PasswordlessOutcome int

const (
	// PasswordlessKeep changes nothing (a code that is merely checked, or a
	// wrong link code, which does not count as an attempt).
	PasswordlessKeep PasswordlessOutcome = iota
	// PasswordlessFailedAttempt adds one to the device's failed attempts.
	PasswordlessFailedAttempt
	// PasswordlessRevoke deletes the device and its codes: the flow must
	// restart.
	PasswordlessRevoke
	// PasswordlessSignIn deletes every device of the device's email or
	// phone number (and of the other contact of the user it signs in),
	// finds the passwordless user with that email or phone number in the
	// tenant or creates one, and marks a consumed email verified.
	PasswordlessSignIn
)

// PasswordlessConsumed is what ConsumePasswordlessCode did.
type PasswordlessConsumed struct {
	// Device is the device as the check saw it, codes included.
	Device PasswordlessDevice
	// User is the signed-in user, set for PasswordlessSignIn only.
	User User
	// CreatedNewUser reports whether signing in created User.
	CreatedNewUser bool
}

// Errors a passwordless user update can fail with. Both wrap
// ErrAlreadyExists, so that errors.Is(err, ErrAlreadyExists) holds too.
var (
	// ErrEmailTaken means another passwordless user of the tenant has the
	// email.
	ErrEmailTaken = fmt.Errorf("%w: email", ErrAlreadyExists)
	// ErrPhoneNumberTaken means another passwordless user of the tenant has
	// the phone number.
	ErrPhoneNumberTaken = fmt.Errorf("%w: phone number", ErrAlreadyExists)
)

// Passwordless stores passwordless sign-in attempts (devices and their
// codes) and passwordless users. A user's email and phone number are each
// unique among the passwordless users of a tenant; the database enforces it,
// so racing sign-ups with one phone number create one user.
//
// Every method that locks more than one device locks them in one ordered
// statement before it writes, so that no two transactions wait for each
// other's devices.
type Passwordless interface {
	// CreatePasswordlessDevice stores a new device with its first code.
	// ErrAlreadyExists when the pre-auth session id, the code id or the
	// link code hash is taken in the tenant. d.Codes is ignored.
	CreatePasswordlessDevice(ctx context.Context, d PasswordlessDevice, c PasswordlessCode) error
	// CreatePasswordlessCode adds a code to the device c.PreAuthSessionID
	// and, in the same transaction, deletes its oldest codes beyond
	// maxCodes (0: no cap), so that a device never holds more than
	// maxCodes live codes however often the code is resent.
	// ErrNotFound when the device does not exist (it may have been
	// consumed); ErrAlreadyExists when the code id or link code hash is
	// taken in the tenant.
	CreatePasswordlessCode(ctx context.Context, tenantID string, c PasswordlessCode, maxCodes int) error
	// PasswordlessDevice returns a device with its codes. ErrNotFound when
	// unknown.
	PasswordlessDevice(ctx context.Context, tenantID, preAuthSessionID string) (PasswordlessDevice, error)
	// PasswordlessDevicesByEmail returns the devices of an email, with
	// their codes, ordered by pre-auth session id.
	PasswordlessDevicesByEmail(ctx context.Context, tenantID, email string) ([]PasswordlessDevice, error)
	// PasswordlessDevicesByPhoneNumber returns the devices of a phone
	// number, with their codes, ordered by pre-auth session id.
	PasswordlessDevicesByPhoneNumber(ctx context.Context, tenantID, phoneNumber string) ([]PasswordlessDevice, error)
	// PasswordlessCodeByLinkCodeHash returns the code with this link code
	// hash. ErrNotFound when unknown.
	PasswordlessCodeByLinkCodeHash(ctx context.Context, tenantID, linkCodeHash string) (PasswordlessCode, error)
	// DeletePasswordlessCode removes a code, and its device when it was the
	// device's last code. Removing an unknown code is not an error.
	DeletePasswordlessCode(ctx context.Context, tenantID, codeID string) error
	// DeletePasswordlessDevicesByEmail removes every device of an email.
	DeletePasswordlessDevicesByEmail(ctx context.Context, tenantID, email string) error
	// DeletePasswordlessDevicesByPhoneNumber removes every device of a
	// phone number.
	DeletePasswordlessDevicesByPhoneNumber(ctx context.Context, tenantID, phoneNumber string) error
	// DeleteExpiredPasswordlessDevices removes the devices that have no
	// code created at or after createdBefore (now minus the code lifetime).
	DeleteExpiredPasswordlessDevices(ctx context.Context, createdBefore time.Time) (int64, error)

	// ConsumePasswordlessCode is the one atomic step of a passwordless
	// sign-in. In one transaction it locks the device (and every other
	// device of its email or phone number), calls check with the device and
	// its codes, and does what check decides (see PasswordlessOutcome).
	// The device's changes are committed even when check also returns an
	// error, which is then returned as is: a wrong code counts as a failed
	// attempt and reports it. For PasswordlessSignIn a new user gets
	// newUser.ID and newUser.TimeJoined (its other fields are ignored).
	// ErrNotFound, without calling check, when the device does not exist
	// (it was consumed, revoked or expired). check may be called more than
	// once, when a concurrent sign-up makes the store retry, so it must
	// only decide, not act.
	ConsumePasswordlessCode(ctx context.Context, tenantID, preAuthSessionID string, newUser PasswordlessUser,
		check func(d PasswordlessDevice) (PasswordlessOutcome, error)) (PasswordlessConsumed, error)

	// CreatePasswordlessUser stores a new user. ErrEmailTaken or
	// ErrPhoneNumberTaken (both ErrAlreadyExists) when another passwordless
	// user of u.TenantID has the email or phone number.
	CreatePasswordlessUser(ctx context.Context, u PasswordlessUser) error
	// PasswordlessUser returns a user by id. ErrNotFound when there is no
	// passwordless user with that id.
	PasswordlessUser(ctx context.Context, userID string) (PasswordlessUser, error)
	// PasswordlessUserByEmail returns the passwordless user with this email
	// in tenantID. ErrNotFound when there is none.
	PasswordlessUserByEmail(ctx context.Context, tenantID, email string) (PasswordlessUser, error)
	// PasswordlessUserByPhoneNumber returns the passwordless user with this
	// phone number in tenantID. ErrNotFound when there is none.
	PasswordlessUserByPhoneNumber(ctx context.Context, tenantID, phoneNumber string) (PasswordlessUser, error)
	// UpdatePasswordlessUser changes a user's email and phone number ("" is
	// none; update must leave at least one) in one transaction, which also
	// deletes the devices of the old and new email and phone number.
	// ErrNotFound when unknown; ErrEmailTaken or ErrPhoneNumberTaken when
	// the new value belongs to another user. An error from update aborts the
	// transaction and is returned as is. ID, TenantID and TimeJoined cannot
	// change.
	UpdatePasswordlessUser(ctx context.Context, userID string, update func(*PasswordlessUser) error) (PasswordlessUser, error)
}

// ---------------------------------------------------------------------------
// Third party

// ThirdPartyUser is a third-party login method: a user who signs in with
// an account at a provider (Google, GitHub, an OpenID provider).
type ThirdPartyUser struct {
	ID       string
	TenantID string
	// ThirdPartyID is the provider's id, such as "google". It must not
	// contain "::".
	ThirdPartyID string
	// ThirdPartyUserID is the user's id at the provider.
	ThirdPartyUserID string
	// Email is the email the provider gave last, trimmed and lower-cased
	// by the caller.
	Email      string
	TimeJoined time.Time
}

// ThirdParty stores third-party users. (TenantID, ThirdPartyID,
// ThirdPartyUserID) is unique; the database enforces it, so racing
// sign-ups with one account create one user.
type ThirdParty interface {
	// ThirdPartySignInUp finds the user with u's (TenantID, ThirdPartyID,
	// ThirdPartyUserID) and gives it u.Email, or creates u (u.ID and
	// u.TimeJoined are used only then); when emailVerified, it marks
	// (user, email) verified. All in one transaction. It returns the
	// stored user and whether it was created.
	ThirdPartySignInUp(ctx context.Context, u ThirdPartyUser, emailVerified bool) (ThirdPartyUser, bool, error)
	// ThirdPartyUser returns a third-party user by id. ErrNotFound when
	// there is no third-party user with that id.
	ThirdPartyUser(ctx context.Context, userID string) (ThirdPartyUser, error)
	// ThirdPartyUserByAccount returns the user with the provider account
	// in tenantID. ErrNotFound when there is none.
	ThirdPartyUserByAccount(ctx context.Context, tenantID, thirdPartyID, thirdPartyUserID string) (ThirdPartyUser, error)
}

// ---------------------------------------------------------------------------
// Account linking

// LinkReason says why an account-linking write was refused.
type LinkReason int

const (
	// LinkAlreadyLinked: the recipe user is already a primary user or
	// linked to one (PrimaryUserID), other than the one asked for.
	LinkAlreadyLinked LinkReason = iota + 1
	// LinkAccountInfoConflict: another primary user (PrimaryUserID) has an
	// email, phone number or third-party identity of the recipe user in
	// one of its tenants.
	LinkAccountInfoConflict
	// LinkNotPrimary: the user to link to is not a primary user.
	LinkNotPrimary
)

// LinkError is an account-linking write the rules refuse. Nothing was
// changed. Match it with errors.As.
type LinkError struct {
	Reason LinkReason
	// PrimaryUserID is the primary user in the way (not set for
	// LinkNotPrimary).
	PrimaryUserID string
	// InfoType is, for LinkAccountInfoConflict, which identifier is
	// shared: InfoEmail, InfoPhoneNumber or InfoThirdParty.
	InfoType string
}

// Identifier kinds of a LinkError.
const (
	InfoEmail       = "email"
	InfoPhoneNumber = "phoneNumber"
	InfoThirdParty  = "thirdParty"
)

func (e *LinkError) Error() string {
	switch e.Reason {
	case LinkAlreadyLinked:
		return "store: recipe user already linked with primary user " + e.PrimaryUserID
	case LinkAccountInfoConflict:
		return "store: account info already associated with primary user " + e.PrimaryUserID
	default:
		return "store: input user is not a primary user"
	}
}

// UnlinkResult is what UnlinkAccount did.
type UnlinkResult struct {
	// WasLinked reports whether the recipe user was a primary user or
	// linked to one.
	WasLinked bool
	// WasRecipeUserDeleted reports whether the recipe user was deleted:
	// it was the primary user's own login method while others remained
	// (as the reference does), and, as in DeleteUser, the oldest remaining
	// login method became the primary user.
	WasRecipeUserDeleted bool
}

// AccountLinking groups recipe users into primary users (one person,
// several login methods). Every write is one transaction; the rule that no
// two primary users share an email, phone number or third-party identity
// in a tenant is a unique key, so racing writes cannot break it. Each
// write has a check-only form (dryRun) that decides the same way and
// changes nothing.
type AccountLinking interface {
	// CreatePrimaryUser makes the recipe user recipeUserID a primary user
	// and returns it, with whether it already was one. ErrNotFound when
	// there is no such recipe user; *LinkError (LinkAlreadyLinked,
	// LinkAccountInfoConflict) when the rules refuse.
	CreatePrimaryUser(ctx context.Context, recipeUserID string, dryRun bool) (User, bool, error)
	// LinkAccounts links the recipe user recipeUserID to the primary user
	// of primaryUserID (a primary user id, or the id of one of its login
	// methods) and returns the primary user, with whether the two were
	// already linked. ErrNotFound when either is unknown; *LinkError when
	// the rules refuse (linking a user to itself is "already linked" when
	// it is primary, LinkNotPrimary when it is not).
	LinkAccounts(ctx context.Context, recipeUserID, primaryUserID string, dryRun bool) (User, bool, error)
	// UnlinkAccount takes the recipe user out of its primary user: a linked
	// login method becomes a user of its own; a primary user alone stops
	// being primary; the primary user's own login method, while others
	// remain, is deleted (see UnlinkResult). ErrNotFound when unknown.
	UnlinkAccount(ctx context.Context, recipeUserID string) (UnlinkResult, error)
	// PrimaryUserID returns the primary user id of userID: its primary
	// user when it is linked or primary, userID itself otherwise (also for
	// an id that is no user).
	PrimaryUserID(ctx context.Context, userID string) (string, error)
	// LinkedUserIDs returns the recipe user ids of the person userID
	// belongs to (by its primary id or any of its login methods), userID
	// itself included, in id order; just userID when it is not linked.
	LinkedUserIDs(ctx context.Context, userID string) ([]string, error)
}

// ---------------------------------------------------------------------------
// Throttling

// ThrottleCounter counts failed attempts under one key (such as one
// account's sign-ins, or one client IP's), so that every core on one
// database enforces one limit. The core decides what the fields mean; the
// store only keeps them and serialises updates.
type ThrottleCounter struct {
	Key         string // an opaque key the core chose (a hash)
	Failures    int    // failures counted in the current window
	WindowStart time.Time
	LockedUntil time.Time // zero when not locked
	Expiry      time.Time // after which the row means nothing and may go
}

// Throttles stores brute-force counters.
type Throttles interface {
	// ThrottleCounters returns the counters that exist among keys, by key.
	ThrottleCounters(ctx context.Context, keys []string) (map[string]ThrottleCounter, error)
	// UpdateThrottleCounter calls update with the key's counter (a zero
	// counter with Key set when there is none) and stores the result, in
	// one transaction serialised per key.
	UpdateThrottleCounter(ctx context.Context, key string, update func(*ThrottleCounter) error) (ThrottleCounter, error)
	// DeleteThrottleCounter removes a counter; removing none is not an
	// error.
	DeleteThrottleCounter(ctx context.Context, key string) error
	// DeleteExpiredThrottleCounters removes counters whose Expiry is
	// before now.
	DeleteExpiredThrottleCounters(ctx context.Context, now time.Time) (int64, error)
}

// ---------------------------------------------------------------------------
// Suspensions (Latchkey)

// Suspension keeps a user from signing in, refreshing or getting a new
// session until it is lifted or its end time passes.
type Suspension struct {
	UserID string
	// Reason is the operator's words, shown to operators only.
	Reason string
	// Actor is who suspended: a dashboard account's email, or what the
	// caller of the core API names.
	Actor       string
	SuspendedAt time.Time
	// Until is when the suspension ends by itself; zero means when the user
	// is reinstated.
	Until time.Time
}

// ActiveAt reports whether the suspension is in force at now.
func (s Suspension) ActiveAt(now time.Time) bool { return s.Until.IsZero() || now.Before(s.Until) }

// SuspensionCursor is a keyset position in a listing of suspensions, newest
// first: the listing resumes at (and includes) this row.
type SuspensionCursor struct {
	SuspendedAt time.Time
	UserID      string
}

// Suspensions stores suspended users. Every read takes now and ignores
// suspensions that have ended by then.
type Suspensions interface {
	// SuspendUser stores s and, in the same transaction, removes every
	// session of the user in every tenant, returning their handles.
	// ErrNotFound when the user does not exist; ErrAlreadyExists when the
	// user has a suspension active at now (an ended one is replaced).
	SuspendUser(ctx context.Context, s Suspension, now time.Time) ([]string, error)
	// ReinstateUser removes the user's suspension and returns it.
	// ErrNotFound when the user has none active at now (an ended one is
	// removed all the same).
	ReinstateUser(ctx context.Context, userID string, now time.Time) (Suspension, error)
	// Suspension returns the user's suspension active at now. ErrNotFound
	// when there is none.
	Suspension(ctx context.Context, userID string, now time.Time) (Suspension, error)
	// UserStanding returns, in one read, the primary user of a recipe
	// user id (the id itself when it is no linked user, or no stored user
	// at all) and whether that primary user has a suspension active at
	// now: what every session mint and refresh asks.
	UserStanding(ctx context.Context, userID string, now time.Time) (primary string, suspended bool, err error)
	// SuspensionsForUsers returns the suspensions active at now of those of
	// userIDs that have one, by user id, in one read. Callers cap how many
	// ids a request may ask for.
	SuspensionsForUsers(ctx context.Context, userIDs []string, now time.Time) (map[string]Suspension, error)
	// ListSuspensions returns up to limit (> 0) suspensions active at now
	// of users in tenantID, newest first (SuspendedAt, then UserID,
	// descending), starting at after when it is set.
	ListSuspensions(ctx context.Context, tenantID string, limit int, after *SuspensionCursor, now time.Time) ([]Suspension, error)
}

// ---------------------------------------------------------------------------
// Activity (Latchkey)

// UserActivity is what the core knows of a user's use of the app.
type UserActivity struct {
	UserID string
	// LastSignIn is when the user's last session was created.
	LastSignIn time.Time
	// LastActive is the later of LastSignIn and the last recorded refresh.
	LastActive time.Time
	// SignIns counts the sessions created for the user.
	SignIns int64
}

// Activity reads what CreateSession and UpdateSession record.
type Activity interface {
	// ActivityForUsers returns the activity of those of userIDs that have
	// any, by user id, in one read. Callers cap how many ids a request
	// may ask for.
	ActivityForUsers(ctx context.Context, userIDs []string) (map[string]UserActivity, error)
	// ListUsersByActivity returns up to q.Limit users of q.TenantID that
	// have signed in, by last-active time (then user id) in q's direction,
	// starting at (and including) q.After, and the cursor of the next
	// page (nil on the last). Users who never signed in are not listed.
	ListUsersByActivity(ctx context.Context, q ActivityListQuery) ([]User, *ActivityCursor, error)
}

// ActivityCursor is a keyset position in a listing by last-active time.
type ActivityCursor struct {
	LastActive time.Time
	UserID     string
}

// ActivityListQuery selects a page of ListUsersByActivity.
type ActivityListQuery struct {
	TenantID string
	// Limit is the most users returned. Required, > 0.
	Limit int
	// Ascending lists the least recently active first; default: most
	// recently active first.
	Ascending bool
	// BySignIn orders by the last sign-in instead of the last activity
	// (ActivityCursor.LastActive then holds the last sign-in).
	BySignIn bool
	After    *ActivityCursor
}

// ---------------------------------------------------------------------------
// Audit log (Latchkey)

// AuditEvent is one entry of the audit log.
type AuditEvent struct {
	// ID orders events of one millisecond; set by the store.
	ID   int64
	Time time.Time
	// Actor is who acted: a dashboard account's email, "user" for the
	// user's own sign-in, "api" for a call of the core API.
	Actor string
	// Action names the event, such as "signin.success" or
	// "dashboard.user.suspend".
	Action string
	// UserID is the user acted on; "" when none.
	UserID string
	// Summary says what changed, in a line (never a secret).
	Summary   string
	ClientIP  string
	UserAgent string
}

// AuditCursor is a keyset position in the audit log, newest first: a
// page resumes after (and excludes) this event.
type AuditCursor struct {
	Time time.Time
	ID   int64
}

// AuditQuery selects audit events. Empty fields do not filter.
type AuditQuery struct {
	UserID string
	Actor  string
	Action string
	// Since and Until bound Time: Since <= Time < Until.
	Since, Until time.Time
	// Limit is the most events returned. Required, > 0.
	Limit int
	// Before continues a listing after this event.
	Before *AuditCursor
}

// Audit stores the audit log: append-only, newest first, pruned by age.
type Audit interface {
	// AppendAuditEvents stores events in one transaction.
	AppendAuditEvents(ctx context.Context, events []AuditEvent) error
	// AuditEvents returns up to q.Limit events matching q, newest first
	// (Time, then ID, descending).
	AuditEvents(ctx context.Context, q AuditQuery) ([]AuditEvent, error)
	// DeleteAuditEventsBefore removes events older than before.
	DeleteAuditEventsBefore(ctx context.Context, before time.Time) (int64, error)
}
