package dashboard

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/throttle"
	"github.com/latchkey-dev/latchkey/store"
)

// signInSubject is the account counter of a dashboard sign-in with email,
// as SignIn counts it.
func (s *Service) signInSubject(email string) throttle.Subject {
	return s.SignInRule.Subjects("dashboard-signin", "", normaliseEmail(email))[0]
}

// SignInLocks returns, for the accounts among us whose sign-in is locked
// after too many wrong passwords, when the lock ends, by account id. One
// store read for the whole list.
func (s *Service) SignInLocks(ctx context.Context, us []store.DashboardUser) (map[string]time.Time, error) {
	if s.Limiter == nil || len(us) == 0 {
		return nil, nil
	}
	keys := make([]string, len(us))
	for i, u := range us {
		keys[i] = s.signInSubject(u.Email).Key
	}
	cs, err := s.Limiter.Store.ThrottleCounters(ctx, keys)
	if err != nil {
		return nil, err
	}
	now := s.Limiter.Now()
	out := map[string]time.Time{}
	for i, u := range us {
		if c, ok := cs[keys[i]]; ok && c.LockedUntil.After(now) {
			out[u.ID] = c.LockedUntil
		}
	}
	return out, nil
}

// Unlock clears the failed sign-ins of an account, so that it may sign in
// at once (an admin unlocks a colleague). cdi.ErrUnknownUser when there is
// no such account. The client IP counters stay: they are about the
// network an attack came from, not about the account.
func (s *Service) Unlock(ctx context.Context, a Account) error {
	u, err := s.User(ctx, a)
	if errors.Is(err, store.ErrNotFound) {
		return cdi.ErrUnknownUser
	}
	if err != nil {
		return err
	}
	if s.Limiter == nil {
		return nil
	}
	return s.Limiter.Store.DeleteThrottleCounter(ctx, s.signInSubject(u.Email).Key)
}

// unlock answers POST /recipe/dashboard/user/signin-lock/remove {email or
// userId} (a Latchkey extension): {status: OK} or UNKNOWN_USER_ERROR.
func (h *Handler) unlock(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	id, _ := field(b, "userId", false)
	email, _ := field(b, "email", false)
	if err := b.Err(); err != nil {
		return err
	}
	if err := h.Service.Unlock(r.Context(), Account{UserID: id, Email: email}); err != nil {
		return err
	}
	cdi.OK(w, nil)
	return nil
}
