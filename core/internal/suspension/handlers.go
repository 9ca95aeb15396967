package suspension

import (
	"net/http"
	"time"

	"github.com/latchkey-dev/latchkey/core/internal/cdi"
	"github.com/latchkey-dev/latchkey/core/internal/userjson"
	"github.com/latchkey-dev/latchkey/store"
)

// Handler serves the endpoints over a Service.
type Handler struct {
	Service *Service
}

// New returns a Handler over s.
func New(s *Service) *Handler { return &Handler{Service: s} }

// suspensionJSON is a suspension on the wire: times in milliseconds, until
// null when the suspension lasts until the user is reinstated.
type suspensionJSON struct {
	UserID      string `json:"userId"`
	Reason      string `json:"reason"`
	Actor       string `json:"actor"`
	SuspendedAt int64  `json:"suspendedAt"`
	Until       *int64 `json:"until"`
}

func toJSON(su store.Suspension) suspensionJSON {
	out := suspensionJSON{UserID: su.UserID, Reason: su.Reason, Actor: su.Actor, SuspendedAt: su.SuspendedAt.UnixMilli()}
	if !su.Until.IsZero() {
		u := su.Until.UnixMilli()
		out.Until = &u
	}
	return out
}

// suspend serves POST /recipe/latchkey/user/suspend:
// {userId, reason, until?: ms, actor?} answers {status: "OK", suspension,
// revokedSessionHandles}.
func (h *Handler) suspend(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	userID := b.String("userId")
	reason, _ := b.OptString("reason")
	actor, _ := b.OptString("actor")
	untilMS, hasUntil := b.OptInt64("until")
	if err := b.Err(); err != nil {
		return err
	}
	var until time.Time
	if hasUntil {
		if untilMS <= 0 {
			return errUntilInPast
		}
		until = time.UnixMilli(untilMS).UTC()
	}
	su, handles, err := h.Service.Suspend(r.Context(), userID, reason, actor, until)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"suspension": toJSON(su), "revokedSessionHandles": handles})
	return nil
}

// reinstate serves POST /recipe/latchkey/user/reinstate: {userId}
// answers {status: "OK", suspension} with the lifted suspension.
func (h *Handler) reinstate(w http.ResponseWriter, r *http.Request) error {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return err
	}
	userID := b.String("userId")
	if err := b.Err(); err != nil {
		return err
	}
	su, err := h.Service.Reinstate(r.Context(), userID)
	if err != nil {
		return err
	}
	cdi.OK(w, map[string]any{"suspension": toJSON(su)})
	return nil
}

// bulk serves POST /recipe/latchkey/user/suspensions/bulk: {userIds}
// answers {status: "OK", suspensions: {<userId>: suspension}} for those
// suspended now.
func (h *Handler) bulk(w http.ResponseWriter, r *http.Request) error {
	ids, err := readUserIDs(r)
	if err != nil {
		return err
	}
	m, err := h.Service.ForUsers(r.Context(), ids)
	if err != nil {
		return err
	}
	out := make(map[string]suspensionJSON, len(m))
	for id, su := range m {
		out[id] = toJSON(su)
	}
	cdi.OK(w, map[string]any{"suspensions": out})
	return nil
}

// list serves GET /recipe/latchkey/suspensions?limit&paginationToken:
// {status: "OK", suspensions: [{suspension, user}], nextPaginationToken?}
// for the request's tenant, newest first.
func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	q := cdi.ReadQuery(r)
	limit := q.Int("limit", 10)
	token, _ := q.OptString("paginationToken")
	if err := q.Err(); err != nil {
		return err
	}
	if limit < 1 || limit > MaxListLimit {
		return cdi.BadRequestf("limit must be an integer from 1 to %d", MaxListLimit)
	}
	list, users, next, err := h.Service.List(r.Context(), cdi.Tenant(r.Context()), limit, token)
	if err != nil {
		return err
	}
	type row struct {
		Suspension suspensionJSON `json:"suspension"`
		User       userjson.User  `json:"user"`
	}
	rows := make([]row, len(list))
	for i := range list {
		rows[i] = row{Suspension: toJSON(list[i]), User: userjson.From(users[i])}
	}
	out := map[string]any{"suspensions": rows}
	if next != "" {
		out["nextPaginationToken"] = next
	}
	cdi.OK(w, out)
	return nil
}

// activity serves POST /recipe/latchkey/user/activity/bulk: {userIds}
// answers {status: "OK", activity: {<userId>: {lastSignIn, lastActive,
// signIns}}} (times in ms) for the users with any, at most MaxBulkUsers
// ids.
func (h *Handler) activity(w http.ResponseWriter, r *http.Request) error {
	ids, err := readUserIDs(r)
	if err != nil {
		return err
	}
	m, err := h.Service.Store.ActivityForUsers(r.Context(), ids)
	if err != nil {
		return err
	}
	out := make(map[string]activityJSON, len(m))
	for id, a := range m {
		out[id] = activityJSON{LastSignIn: a.LastSignIn.UnixMilli(), LastActive: a.LastActive.UnixMilli(), SignIns: a.SignIns}
	}
	cdi.OK(w, map[string]any{"activity": out})
	return nil
}

// activityJSON is a user's activity on the wire (times in ms).
type activityJSON struct {
	LastSignIn int64 `json:"lastSignIn"`
	LastActive int64 `json:"lastActive"`
	SignIns    int64 `json:"signIns"`
}

// pageExtras serves POST /recipe/latchkey/users/page-extras {userIds}
// (a Latchkey extension): what the dashboard shows beside a page of users,
// in one call, so that a page costs the count, the list and this: the
// users' suspensions in force, their activity and their metadata, each by
// user id for the users that have any, at most MaxBulkUsers ids.
func (h *Handler) pageExtras(w http.ResponseWriter, r *http.Request) error {
	ids, err := readUserIDs(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	sus, err := h.Service.ForUsers(ctx, ids)
	if err != nil {
		return err
	}
	act, err := h.Service.Store.ActivityForUsers(ctx, ids)
	if err != nil {
		return err
	}
	md, err := h.Service.Store.MetadataForUsers(ctx, ids)
	if err != nil {
		return err
	}
	suspensions := make(map[string]suspensionJSON, len(sus))
	for id, su := range sus {
		suspensions[id] = toJSON(su)
	}
	activity := make(map[string]activityJSON, len(act))
	for id, a := range act {
		activity[id] = activityJSON{LastSignIn: a.LastSignIn.UnixMilli(), LastActive: a.LastActive.UnixMilli(), SignIns: a.SignIns}
	}
	cdi.OK(w, map[string]any{"suspensions": suspensions, "activity": activity, "metadata": md})
	return nil
}

// readUserIDs reads the {userIds: [...]} body of the bulk reads, at most
// MaxBulkUsers of them.
func readUserIDs(r *http.Request) ([]string, error) {
	b, err := cdi.ReadBody(r)
	if err != nil {
		return nil, err
	}
	ids, ok := b.StringArray("userIds")
	if !ok && b.Err() == nil {
		return nil, cdi.BadRequest("Field name 'userIds' is invalid in JSON input")
	}
	if err := b.Err(); err != nil {
		return nil, err
	}
	if len(ids) > MaxBulkUsers {
		return nil, errTooManyUsers
	}
	return ids, nil
}
