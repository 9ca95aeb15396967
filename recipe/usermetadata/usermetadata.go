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
	"net/url"

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
}

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
	svc, err := latchkey.Override[Service]("usermetadata: Config.Override", coreService{lk: lk}, rc.cfg.Override)
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

type coreService struct{ lk *latchkey.Latchkey }

type answer struct {
	Status   string         `json:"status"`
	Metadata map[string]any `json:"metadata"`
}

func (s coreService) UserMetadata(ctx context.Context, userID string) (map[string]any, error) {
	var a answer
	err := s.lk.Core().Do(ctx, latchkey.CoreRequest{Path: "/recipe/user/metadata", Query: url.Values{"userId": {userID}}, RecipeID: RecipeID}, &a)
	if a.Metadata == nil {
		a.Metadata = map[string]any{}
	}
	return a.Metadata, err
}

func (s coreService) UpdateUserMetadata(ctx context.Context, userID string, update map[string]any) (map[string]any, error) {
	if update == nil {
		update = map[string]any{}
	}
	var a answer
	err := s.lk.Core().Do(ctx, latchkey.CoreRequest{Method: "PUT", Path: "/recipe/user/metadata", Body: map[string]any{"userId": userID, "metadataUpdate": update}, RecipeID: RecipeID}, &a)
	return a.Metadata, err
}

func (s coreService) ClearUserMetadata(ctx context.Context, userID string) error {
	return s.lk.Core().Do(ctx, latchkey.CoreRequest{Method: "POST", Path: "/recipe/user/metadata/remove", Body: map[string]any{"userId": userID}, RecipeID: RecipeID}, nil)
}
