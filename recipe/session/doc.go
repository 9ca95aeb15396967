// Package session is the session recipe: it creates sessions, moves their
// tokens between backend and frontend in cookies or headers, verifies
// access tokens locally against the core's JWKS, refreshes and revokes
// sessions, and checks claims (reference/sdk-fdi.md §1.6, §1.7, §2.2).
//
// Routes, below the API base path:
//
//	POST /session/refresh   new tokens from the refresh token
//	POST /signout           revoke the request's session
//
// Protect the application's own routes with [Recipe.VerifySession] and
// read the session with [FromContext]:
//
//	mux.Handle("GET /api/me", sess.VerifySession(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		s, _ := session.FromContext(r.Context())
//		fmt.Fprintln(w, s.UserID())
//	})))
//
// Errors that carry data are types matched with errors.As:
// [*UnauthorisedError], [*TryRefreshTokenError], [*TokenTheftDetectedError]
// and [*InvalidClaimError]. Pass them to latchkey.Latchkey.WriteError, which
// answers 401 or 403 as the frontend expects.
//
// A refresh token used twice means the session is stolen: the refresh path
// ([Recipe.RefreshSession]) revokes the session and calls
// Config.OnTokenTheftDetected before it returns the
// [*TokenTheftDetectedError], whoever answers the error.
package session
