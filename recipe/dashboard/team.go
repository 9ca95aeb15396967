package dashboard

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/latchkey-dev/latchkey"
)

// The team page's APIs (Latchkey extensions, below /dashboard/api/team):
// admins list, create, remove dashboard accounts and set their role;
// every account changes its own password. The accounts live in the core
// (CDI /recipe/dashboard/user*), so the sign-in screen's curl commands
// keep working beside them.

// Refusals of the team APIs. Nobody demotes or removes themselves, so the
// account that acts keeps writing and a team cannot lock itself out from
// the page (two admins demoting each other at once can; the core's PUT
// /recipe/dashboard/user with "readOnly": false, run where the core runs,
// restores one).
const (
	msgTeamAPIKeyMode  = "The dashboard runs in API-key mode, which has no accounts to manage"
	msgTeamRolesConfig = "Roles come from the Admins list in the backend's dashboard config; change it there"
	msgTeamSelf        = "You cannot change your own role or remove yourself; ask another admin"
	msgTeamNoAccount   = "No dashboard account has this id"
)

// teamAccount is a dashboard account as the team page shows it.
type teamAccount struct {
	UserID     string `json:"userId"`
	Email      string `json:"email"`
	TimeJoined int64  `json:"timeJoined"`
	// ReadOnly is the account's effective role: from Config.Admins when
	// set, else its stored flag.
	ReadOnly bool `json:"readOnly"`
	// You marks the signed-in account.
	You bool `json:"you"`
	// LockedUntil (ms) is set while the account's sign-in is locked after
	// too many wrong passwords.
	LockedUntil int64 `json:"lockedUntil,omitempty"`
}

// teamAccounts lists the accounts, refusing API-key mode.
func (rc *Recipe) teamAccounts(r *http.Request) ([]latchkey.DashboardAccount, error) {
	if rc.cfg.APIKey != "" {
		return nil, badInput(msgTeamAPIKeyMode)
	}
	return rc.lk.DashboardAccounts(r.Context())
}

// team serves GET /dashboard/api/team: the accounts, oldest first, and
// whether roles come from Config.Admins (then the page cannot change
// them).
func (rc *Recipe) team(w http.ResponseWriter, r *http.Request) error {
	as, err := rc.teamAccounts(r)
	if err != nil {
		return err
	}
	me := callerFrom(r.Context())
	out := make([]teamAccount, len(as))
	for i, a := range as {
		email := normaliseEmail(a.Email)
		out[i] = teamAccount{UserID: a.UserID, Email: a.Email, TimeJoined: a.TimeJoined.UnixMilli(),
			ReadOnly: !rc.canWrite(email, a.ReadOnly), You: email == me.email}
		if !a.LockedUntil.IsZero() {
			out[i].LockedUntil = a.LockedUntil.UnixMilli()
		}
	}
	writeStatus(w, "OK", map[string]any{"accounts": out, "rolesFromConfig": rc.admins != nil})
	return nil
}

// refusal answers the core's refusal of an account change with its status
// (and message), as the dashboard's other forms get theirs.
func refusal(w http.ResponseWriter, err error) error {
	var refused *latchkey.DashboardAccountRefusedError
	if !errors.As(err, &refused) {
		return err
	}
	var fields map[string]any
	if refused.Message != "" {
		fields = map[string]any{"message": refused.Message}
	}
	writeStatus(w, refused.Status, fields)
	return nil
}

// createTeamAccount serves POST /dashboard/api/team {email, password,
// readOnly}: OK with the account, or the core's EMAIL_ALREADY_EXISTS_ERROR,
// INVALID_EMAIL_ERROR or PASSWORD_WEAK_ERROR (with its message).
func (rc *Recipe) createTeamAccount(w http.ResponseWriter, r *http.Request) error {
	if rc.cfg.APIKey != "" {
		return badInput(msgTeamAPIKeyMode)
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	email, err := b.nonEmpty("email")
	if err != nil {
		return err
	}
	password, err := b.nonEmpty("password")
	if err != nil {
		return err
	}
	readOnly := false
	if b.has("readOnly") {
		if readOnly, err = b.bool("readOnly"); err != nil {
			return err
		}
	}
	a, err := rc.lk.CreateDashboardAccount(r.Context(), email, password, readOnly)
	if err != nil {
		return refusal(w, err)
	}
	writeStatus(w, "OK", map[string]any{"account": teamAccount{UserID: a.UserID, Email: a.Email,
		TimeJoined: a.TimeJoined.UnixMilli(), ReadOnly: !rc.canWrite(normaliseEmail(a.Email), a.ReadOnly)}})
	return nil
}

// otherAccount checks the account an admin acts on: it must exist and not
// be the caller's.
func (rc *Recipe) otherAccount(r *http.Request, userID string) error {
	as, err := rc.teamAccounts(r)
	if err != nil {
		return err
	}
	me := callerFrom(r.Context())
	for _, a := range as {
		if a.UserID != userID {
			continue
		}
		if a.UserID == me.userID || normaliseEmail(a.Email) == me.email {
			return badInput(msgTeamSelf)
		}
		return nil
	}
	return badInput(msgTeamNoAccount)
}

// setTeamRole serves PUT /dashboard/api/team/account {userId, readOnly}.
// Changing a role ends the account's sessions, so it signs in again under
// its new role.
func (rc *Recipe) setTeamRole(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	id, err := b.nonEmpty("userId")
	if err != nil {
		return err
	}
	readOnly, err := b.bool("readOnly")
	if err != nil {
		return err
	}
	if rc.admins != nil {
		return badInput(msgTeamRolesConfig)
	}
	if err := rc.otherAccount(r, id); err != nil {
		return err
	}
	a, err := rc.lk.UpdateDashboardAccount(r.Context(), id, latchkey.DashboardAccountChange{ReadOnly: &readOnly})
	if err != nil {
		return refusal(w, err)
	}
	writeStatus(w, "OK", map[string]any{"account": teamAccount{UserID: a.UserID, Email: a.Email,
		TimeJoined: a.TimeJoined.UnixMilli(), ReadOnly: a.ReadOnly}})
	return nil
}

// unlockTeamAccount serves POST /dashboard/api/team/account/unlock
// {userId}: the account's failed sign-ins are cleared so that it may sign
// in at once. An admin may unlock any account, their own too (someone
// guessing an admin's password locks it while the admin is signed in).
func (rc *Recipe) unlockTeamAccount(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	id, err := b.nonEmpty("userId")
	if err != nil {
		return err
	}
	as, err := rc.teamAccounts(r)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(as, func(a latchkey.DashboardAccount) bool { return a.UserID == id }) {
		return badInput(msgTeamNoAccount)
	}
	if err := rc.lk.UnlockDashboardAccount(r.Context(), id); err != nil {
		return refusal(w, err)
	}
	writeStatus(w, "OK", nil)
	return nil
}

// removeTeamAccount serves DELETE /dashboard/api/team/account?userId=:
// the account and its sessions go.
func (rc *Recipe) removeTeamAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := query(r, "userId")
	if err != nil {
		return err
	}
	if err := rc.otherAccount(r, id); err != nil {
		return err
	}
	existed, err := rc.lk.DeleteDashboardAccount(r.Context(), id)
	if err != nil {
		return err
	}
	writeStatus(w, "OK", map[string]any{"didUserExist": existed})
	return nil
}

// changeOwnPassword serves PUT /dashboard/api/team/password
// {currentPassword, newPassword}, open to every signed-in account, read-only
// ones too. The current password is checked by signing in with it (so the
// core's sign-in rules and timing apply); the change ends every session of
// the account, this one included, so the page signs in again.
// INVALID_CREDENTIALS_ERROR for a wrong current password, or the core's
// PASSWORD_WEAK_ERROR with its message.
func (rc *Recipe) changeOwnPassword(w http.ResponseWriter, r *http.Request) error {
	me := callerFrom(r.Context())
	if rc.cfg.APIKey != "" || me.email == "" {
		return badInput(msgTeamAPIKeyMode)
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	current, err := b.string("currentPassword")
	if err != nil {
		return err
	}
	next, err := b.nonEmpty("newPassword")
	if err != nil {
		return err
	}
	if strings.TrimSpace(current) == "" {
		writeStatus(w, "INVALID_CREDENTIALS_ERROR", nil)
		return nil
	}
	check, err := rc.lk.DashboardSignIn(r.Context(), me.email, current)
	if errors.Is(err, latchkey.ErrDashboardWrongCredentials) {
		writeStatus(w, "INVALID_CREDENTIALS_ERROR", nil)
		return nil
	}
	if err != nil {
		return err
	}
	// The check's session is not needed; the update below ends it anyway,
	// but end it now in case the update is refused.
	if err := rc.lk.DashboardSignOut(r.Context(), check); err != nil {
		return err
	}
	id := me.userID
	if id == "" {
		return badInput("The core does not say which account this session belongs to; change the password with the curl command on the sign-in screen")
	}
	if _, err := rc.lk.UpdateDashboardAccount(r.Context(), id, latchkey.DashboardAccountChange{Password: &next}); err != nil {
		return refusal(w, err)
	}
	writeStatus(w, "OK", nil)
	return nil
}
