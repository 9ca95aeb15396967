// Package usermetadata keeps free-form JSON metadata per user in the core
// (reference/sdk-fdi.md §2.5). It serves no HTTP APIs.
//
//	md := usermetadata.New(usermetadata.Config{})
//	// latchkey.New(latchkey.Config{Recipes: []latchkey.Recipe{..., md}})
//	md.UpdateUserMetadata(ctx, userID, map[string]any{"theme": "dark"})
package usermetadata

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/latchkey-dev/latchkey"
)

// RecipeID is the recipe's id.
const RecipeID = "usermetadata"

// Config configures the recipe.
type Config struct {
	// Override wraps or replaces the recipe's functions.
	Override func(Service) Service
}

// Service is the recipe's functions. Config.Override wraps it; embed the
// value it is given to replace one method.
type Service interface {
	// UserMetadata returns a user's metadata ({} when there is none).
	// CDI: GET /recipe/user/metadata.
	UserMetadata(ctx context.Context, userID string) (map[string]any, error)
	// UpdateUserMetadata merges update into the metadata at the top
	// level (a nil value removes a key) and returns the result.
	// CDI: PUT /recipe/user/metadata.
	UpdateUserMetadata(ctx context.Context, userID string, update map[string]any) (map[string]any, error)
	// ClearUserMetadata removes all of a user's metadata.
	// CDI: POST /recipe/user/metadata/remove.
	ClearUserMetadata(ctx context.Context, userID string) error
	// BulkUserMetadata returns the metadata of each user ({} when there
	// is none), by user id, in one call per MaxBulkUsers ids to a Latchkey
	// core. A core without the bulk read (an official SuperTokens core
	// answers 404) is asked user by user, a few at a time, from then on.
	// Latchkey core: POST /recipe/user/metadata/bulk; else CDI: GET
	// /recipe/user/metadata per user.
	BulkUserMetadata(ctx context.Context, userIDs []string) (map[string]map[string]any, error)
}

// MaxBulkUsers is the most user ids one bulk metadata call to the core
// carries: the most users one page or search of users holds.
const MaxBulkUsers = 1000

// fallbackConcurrency bounds the per-user metadata calls to a core without
// the bulk read: enough to hide the latency of a remote core, few enough
// not to flood it with a 1000-user search.
const fallbackConcurrency = 8

// Recipe is the user-metadata recipe. Its methods are those of Service.
type Recipe struct {
	cfg Config
	svc Service
}

var _ latchkey.Recipe = (*Recipe)(nil)

// New returns the recipe for cfg.
func New(cfg Config) *Recipe { return &Recipe{cfg: cfg} }

// ID implements latchkey.Recipe.
func (rc *Recipe) ID() string { return RecipeID }

// Init implements latchkey.Recipe.
func (rc *Recipe) Init(lk *latchkey.Latchkey) error {
	svc, err := latchkey.Override[Service]("usermetadata: Config.Override", &coreService{lk: lk}, rc.cfg.Override)
	if err != nil {
		return err
	}
	rc.svc = svc
	return nil
}

var errNotInitialised = errors.New("usermetadata: the recipe is not initialised: pass it in latchkey.Config.Recipes and call latchkey.New first")

// UserMetadata returns a user's metadata.
func (rc *Recipe) UserMetadata(ctx context.Context, userID string) (map[string]any, error) {
	if rc.svc == nil {
		return nil, errNotInitialised
	}
	return rc.svc.UserMetadata(ctx, userID)
}

// UpdateUserMetadata merges update into a user's metadata.
func (rc *Recipe) UpdateUserMetadata(ctx context.Context, userID string, update map[string]any) (map[string]any, error) {
	if rc.svc == nil {
		return nil, errNotInitialised
	}
	return rc.svc.UpdateUserMetadata(ctx, userID, update)
}

// ClearUserMetadata removes a user's metadata.
func (rc *Recipe) ClearUserMetadata(ctx context.Context, userID string) error {
	if rc.svc == nil {
		return errNotInitialised
	}
	return rc.svc.ClearUserMetadata(ctx, userID)
}

// Overridden reports whether Config.Override changes the recipe's
// functions: callers that could read metadata another way (the dashboard,
// with a page's other data) then go through the recipe instead.
func (rc *Recipe) Overridden() bool { return rc.cfg.Override != nil }

// BulkUserMetadata returns the metadata of each user, by user id.
func (rc *Recipe) BulkUserMetadata(ctx context.Context, userIDs []string) (map[string]map[string]any, error) {
	if rc.svc == nil {
		return nil, errNotInitialised
	}
	return rc.svc.BulkUserMetadata(ctx, userIDs)
}

type coreService struct {
	lk *latchkey.Latchkey
	// noBulk is set once the core answered 404 to the bulk read.
	noBulk atomic.Bool
}

type answer struct {
	Status   string         `json:"status"`
	Metadata map[string]any `json:"metadata"`
}

func (s *coreService) UserMetadata(ctx context.Context, userID string) (map[string]any, error) {
	var a answer
	err := s.lk.Core().Do(ctx, latchkey.CoreRequest{Path: "/recipe/user/metadata", Query: url.Values{"userId": {userID}}, RecipeID: RecipeID}, &a)
	if a.Metadata == nil {
		a.Metadata = map[string]any{}
	}
	return a.Metadata, err
}

func (s *coreService) UpdateUserMetadata(ctx context.Context, userID string, update map[string]any) (map[string]any, error) {
	if update == nil {
		update = map[string]any{}
	}
	var a answer
	err := s.lk.Core().Do(ctx, latchkey.CoreRequest{Method: "PUT", Path: "/recipe/user/metadata", Body: map[string]any{"userId": userID, "metadataUpdate": update}, RecipeID: RecipeID}, &a)
	return a.Metadata, err
}

func (s *coreService) ClearUserMetadata(ctx context.Context, userID string) error {
	return s.lk.Core().Do(ctx, latchkey.CoreRequest{Method: "POST", Path: "/recipe/user/metadata/remove", Body: map[string]any{"userId": userID}, RecipeID: RecipeID}, nil)
}

func (s *coreService) BulkUserMetadata(ctx context.Context, userIDs []string) (map[string]map[string]any, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(userIDs)))
	out := make(map[string]map[string]any, len(ids))
	for len(ids) > 0 && !s.noBulk.Load() {
		batch := ids[:min(len(ids), MaxBulkUsers)]
		var a struct {
			Metadata map[string]map[string]any `json:"metadata"`
		}
		err := s.lk.Core().Do(ctx, latchkey.CoreRequest{Method: "POST", Path: "/recipe/user/metadata/bulk", Body: map[string]any{"userIds": batch}, RecipeID: RecipeID}, &a)
		var ce *latchkey.CoreError
		if errors.As(err, &ce) && ce.Code == http.StatusNotFound {
			// Not a Latchkey core: it will not learn the path while we run.
			s.noBulk.Store(true)
			break
		}
		if err != nil {
			return nil, err
		}
		for _, id := range batch {
			if md := a.Metadata[id]; md != nil {
				out[id] = md
			} else {
				out[id] = map[string]any{}
			}
		}
		ids = ids[len(batch):]
	}
	if len(ids) == 0 {
		return out, nil
	}
	return out, s.eachUser(ctx, ids, out)
}

// eachUser reads the metadata of ids into out one user at a time, a few
// at once, and stops at the first failure.
func (s *coreService) eachUser(ctx context.Context, ids []string, out map[string]map[string]any) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	sem := make(chan struct{}, fallbackConcurrency)
	for _, id := range ids {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			md, err := s.UserMetadata(ctx, id)
			if err != nil {
				cancel(err)
				return
			}
			mu.Lock()
			out[id] = md
			mu.Unlock()
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}
