package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/store"
)

// Opener opens a fresh, empty store for one test and arranges (with
// t.Cleanup) for it to be closed.
type Opener func(t *testing.T) store.Store

type suiteCase struct {
	name string
	fn   func(t *testing.T, open Opener)
}

// Run checks every method of the store and every error it documents. Each
// case opens its own store and runs in parallel with the others.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	runCases(t, open, []suiteCase{
		{"Ping", testPing},
		{"Tenants", testTenants},
		{"TenantCRUD", testTenantCRUD},
		{"TenantUsers", testTenantUsers},
		{"EmailPasswordUsers", testEmailPasswordUsers},
		{"UpdateEmailPasswordUser", testUpdateEmailPasswordUser},
		{"ImportEmailPasswordUser", testImportEmailPasswordUser},
		{"PasswordResetTokens", testPasswordResetTokens},
		{"ResetTokensDieWithTheEmail", testResetTokensDieWithTheEmail},
		{"ThrottleCounters", testThrottleCounters},
		{"EmailVerification", testEmailVerification},
		{"User", testUser},
		{"CountUsers", testCountUsers},
		{"ListUsers", testListUsers},
		{"PaginationWalk", testPaginationWalk},
		{"Search", testSearch},
		{"SearchManyTerms", testSearchManyTerms},
		{"CountUsersMatching", testCountUsersMatching},
		{"ListFilters", testListFilters},
		{"UsersByAccountInfo", testUsersByAccountInfo},
		{"DeleteUser", testDeleteUser},
		{"Sessions", testSessions},
		{"UpdateSession", testUpdateSession},
		{"SessionQueries", testSessionQueries},
		{"DynamicSigningKeys", testDynamicSigningKeys},
		{"StaticSigningKey", testStaticSigningKey},
		{"Metadata", testMetadata},
		{"MetadataForUsers", testMetadataForUsers},
		{"Roles", testRoles},
		{"UserRoles", testUserRoles},
		{"DashboardUsers", testDashboardUsers},
		{"DashboardSessions", testDashboardSessions},
		{"PasswordlessDevices", testPasswordlessDevices},
		{"PasswordlessCodeCap", testPasswordlessCodeCap},
		{"DeleteExpiredPasswordlessDevices", testDeleteExpiredPasswordlessDevices},
		{"ConsumePasswordlessCode", testConsumePasswordlessCode},
		{"PasswordlessUsers", testPasswordlessUsers},
		{"UpdatePasswordlessUser", testUpdatePasswordlessUser},
		{"ThirdPartyUsers", testThirdPartyUsers},
		{"Stats", testStats},
		{"AccountLinking", testAccountLinking},
		{"DeleteLinkedUser", testDeleteLinkedUser},
		{"Suspensions", testSuspensions},
		{"Activity", testActivity},
		{"ActivityOfLinkedUsers", testActivityOfLinkedUsers},
		{"ListUsersByActivity", testListUsersByActivity},
		{"Audit", testAudit},
	})
}

// RunConcurrency checks the race rules: each case starts many goroutines
// on one store and checks that the database, not luck, settled the race.
func RunConcurrency(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	runCases(t, open, []suiteCase{
		{"SignUpOneEmail", testRaceSignUp},
		{"DashboardSignUpOneEmail", testRaceDashboardSignUp},
		{"ImportOneEmail", testRaceImport},
		{"UpdateSessionCounter", testRaceUpdateSessionCounter},
		{"UpdateSessionRotate", testRaceUpdateSessionRotate},
		{"ConsumeResetToken", testRaceConsumeResetToken},
		{"ConsumeVerificationToken", testRaceConsumeVerificationToken},
		{"AddDynamicSigningKey", testRaceAddDynamicSigningKey},
		{"StaticSigningKey", testRaceStaticSigningKey},
		{"AddUserRoleDeleteRole", testRaceAddUserRoleDeleteRole},
		{"UpdateMetadata", testRaceUpdateMetadata},
		{"ThrottleCounter", testRaceThrottleCounter},
		{"UpdateEmailPasswordUserEmail", testRaceUpdateEmail},
		{"ConsumeOnePasswordlessCode", testRaceConsumeOneCode},
		{"SuspendOneUser", testRaceSuspend},
		{"PasswordlessFailedAttempts", testRaceFailedAttempts},
		{"PasswordlessSignUpOnePhone", testRaceSignUpOnePhone},
		{"PasswordlessConsumeAndUpdate", testRaceConsumeAndUpdate},
		{"ThirdPartySignUpOneAccount", testRaceThirdPartySignUp},
		{"LinkOneRecipeUser", testRaceLink},
		{"CreateOneTenant", testRaceCreateTenant},
		{"AssociateOneEmail", testRaceAssociateOneEmail},
	})
}

func runCases(t *testing.T, open Opener, cases []suiteCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, open)
		})
	}
}

// base is the time every case builds on: whole milliseconds, the stored
// unit, so that values round-trip exactly.
var base = time.UnixMilli(1_700_000_000_000).UTC()

// at returns base plus n milliseconds.
func at(n int64) time.Time { return base.Add(time.Duration(n) * time.Millisecond) }

// newID returns a random UUID-shaped id.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func ok(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", what, err)
	}
}

func is(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// errUpdater is what test updaters return to abort a transaction.
var errUpdater = errors.New("storetest: updater refused")

func testPing(t *testing.T, open Opener) {
	ok(t, open(t).Ping(t.Context()), "Ping")
}

// epUser returns an email-password user in the public tenant.
func epUser(email string, joined time.Time) store.EmailPasswordUser {
	return store.EmailPasswordUser{
		ID:           newID(),
		TenantID:     store.DefaultTenant,
		Email:        email,
		PasswordHash: "$2a$11$" + email,
		TimeJoined:   joined,
	}
}

func createEP(t *testing.T, ctx context.Context, s store.Store, u store.EmailPasswordUser) store.EmailPasswordUser {
	t.Helper()
	ok(t, s.CreateEmailPasswordUser(ctx, u), "CreateEmailPasswordUser "+u.Email)
	return u
}

func sameEP(t *testing.T, got, want store.EmailPasswordUser, what string) {
	t.Helper()
	if got.ID != want.ID || got.TenantID != want.TenantID || got.Email != want.Email ||
		got.PasswordHash != want.PasswordHash || !got.TimeJoined.Equal(want.TimeJoined) {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func wantStrings(t *testing.T, got, want []string, what string) {
	t.Helper()
	if !equalStrings(got, want) {
		t.Fatalf("%s: got %q, want %q", what, got, want)
	}
}
