package session

import (
	"errors"
	"net/http"

	"github.com/latchkey-dev/latchkey"
)

// UnauthorisedError means the request has no valid session: the frontend
// must sign in again. The answer is 401 {"message":"unauthorised"}, and the
// session's tokens are cleared unless KeepTokens is set.
type UnauthorisedError struct {
	Message string
	// KeepTokens leaves the client's tokens in place (used when the
	// request simply carried none, to avoid races with a refresh).
	KeepTokens bool
}

// Error implements error.
func (e *UnauthorisedError) Error() string { return "session: unauthorised: " + e.Message }

// TryRefreshTokenError means the access token expired or is not valid any
// more: the frontend must refresh and retry. The answer is 401
// {"message":"try refresh token"}.
type TryRefreshTokenError struct {
	Message string
}

// Error implements error.
func (e *TryRefreshTokenError) Error() string { return "session: try refresh token: " + e.Message }

// TokenTheftDetectedError means an old refresh token was used again, so
// two parties hold the session. [Recipe.RefreshSession] has revoked the
// session (and called Config.OnTokenTheftDetected) before it returns the
// error, so an app that answers the error itself is safe too; WriteError
// clears the tokens and answers 401 {"message":"token theft detected"}.
type TokenTheftDetectedError struct {
	SessionHandle string
	UserID        string
	RecipeUserID  string
}

// Error implements error.
func (e *TokenTheftDetectedError) Error() string { return "session: token theft detected" }

// InvalidClaimError means the session failed a claim validator, such as an
// unverified email in REQUIRED mode. The answer is 403 with the failures.
type InvalidClaimError struct {
	Claims []ClaimValidationError
}

// Error implements error.
func (e *InvalidClaimError) Error() string {
	msg := "session: invalid claim"
	for _, c := range e.Claims {
		msg += " " + c.ID
	}
	return msg
}

// ClaimValidationError is one failed validator.
type ClaimValidationError struct {
	ID     string `json:"id"`
	Reason any    `json:"reason,omitempty"`
}

// errNotInitialised is returned when a recipe is used before latchkey.New.
var errNotInitialised = errors.New("session: the recipe is not initialised: pass it in latchkey.Config.Recipes and call latchkey.New first")

// WriteError writes the FDI response for the session errors and reports
// whether err was one (latchkey.ErrorWriter).
func (rc *Recipe) WriteError(w http.ResponseWriter, r *http.Request, err error) bool {
	var (
		tryRefresh *TryRefreshTokenError
		unauth     *UnauthorisedError
		theft      *TokenTheftDetectedError
		claims     *InvalidClaimError
	)
	switch {
	case errors.As(err, &tryRefresh):
		latchkey.WriteJSON(w, rc.cfg.SessionExpiredStatusCode, map[string]string{"message": "try refresh token"})
	case errors.As(err, &unauth):
		if !unauth.KeepTokens {
			rc.clearTokens(w, r)
		}
		latchkey.WriteJSON(w, rc.cfg.SessionExpiredStatusCode, map[string]string{"message": "unauthorised"})
	case errors.As(err, &theft):
		// The refresh path has revoked the session already.
		rc.clearTokens(w, r)
		latchkey.WriteJSON(w, rc.cfg.SessionExpiredStatusCode, map[string]string{"message": "token theft detected"})
	case errors.As(err, &claims):
		latchkey.WriteJSON(w, rc.cfg.InvalidClaimStatusCode, map[string]any{"message": "invalid claim", "claimValidationErrors": claims.Claims})
	default:
		return false
	}
	return true
}
