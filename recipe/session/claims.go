package session

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"time"
)

// Claim is a value kept in the access-token payload as
// "<Key>": {"v": value, "t": fetchedAtMs} (reference/sdk-fdi.md §1.7),
// such as st-ev (email verified) or st-role (roles).
type Claim struct {
	// Key is the payload key, such as "st-role".
	Key string
	// Fetch returns the claim's current value. A nil value leaves the
	// claim out of the payload.
	Fetch func(ctx context.Context, userID, recipeUserID, tenantID string) (any, error)
	// DefaultMaxAge is the age after which validators built without an
	// explicit max age refetch the value. Zero means never.
	DefaultMaxAge time.Duration
	// CoreValue, when set, names the value in the Latchkey core's one-call
	// claim read (GET /recipe/user/claims, a Latchkey extension:
	// "emailVerified", "roles" or "permissions"). A new session then takes
	// every such claim from one call, and Fetch runs only when the core
	// does not answer that value (an official SuperTokens core). Set it
	// only when Fetch reads exactly that value from the core; leave it
	// empty when an override changes what Fetch returns.
	CoreValue string
}

// Build fetches the value and returns the payload entries to add, or nil.
func (c *Claim) Build(ctx context.Context, userID, recipeUserID, tenantID string, now time.Time) (map[string]any, error) {
	v, err := c.Fetch(ctx, userID, recipeUserID, tenantID)
	if err != nil || v == nil {
		return nil, err
	}
	return map[string]any{c.Key: map[string]any{"v": jsonValue(v), "t": now.UnixMilli()}}, nil
}

// jsonValue gives v the shape it has after a JSON round trip, so that a
// value just fetched compares equal to one read from a token.
func jsonValue(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(raw, &out) != nil {
		return v
	}
	return out
}

// Value returns the claim's value in payload.
func (c *Claim) Value(payload map[string]any) (any, bool) {
	e, ok := payload[c.Key].(map[string]any)
	if !ok {
		return nil, false
	}
	v, ok := e["v"]
	return v, ok && v != nil
}

// FetchedAt returns when the claim's value in payload was fetched.
func (c *Claim) FetchedAt(payload map[string]any) (time.Time, bool) {
	e, ok := payload[c.Key].(map[string]any)
	if !ok {
		return time.Time{}, false
	}
	// "t" is a float64 when read from a token, an int64 when just built.
	switch t := e["t"].(type) {
	case float64:
		return time.UnixMilli(int64(t)), true
	case int64:
		return time.UnixMilli(t), true
	case int:
		return time.UnixMilli(int64(t)), true
	case json.Number:
		n, err := t.Int64()
		return time.UnixMilli(n), err == nil
	}
	return time.Time{}, false
}

// Validator checks a session's claims. ShouldRefetch, when set and true,
// makes the check fetch Claim anew first.
type Validator struct {
	// ID names the validator in a 403 answer; usually the claim key.
	ID string
	// Claim is the claim to refetch; nil for a validator of its own.
	Claim *Claim
	// ShouldRefetch reports whether Claim should be fetched before
	// Validate runs.
	ShouldRefetch func(payload map[string]any, now time.Time) bool
	// Validate reports whether payload passes and, when not, why (sent to
	// the frontend as "reason").
	Validate func(payload map[string]any, now time.Time) (ok bool, reason any)
}

// stale reports whether the claim is missing or older than maxAge.
func (c *Claim) stale(payload map[string]any, now time.Time, maxAge time.Duration) bool {
	if _, ok := c.Value(payload); !ok {
		return true
	}
	if maxAge <= 0 {
		return false
	}
	t, ok := c.FetchedAt(payload)
	return !ok || now.Sub(t) > maxAge
}

// check is the shared part of every validator: the value must exist and
// be younger than maxAge, then pass test.
func (c *Claim) check(maxAge time.Duration, test func(v any) (bool, map[string]any), expected map[string]any) Validator {
	return Validator{
		ID:    c.Key,
		Claim: c,
		ShouldRefetch: func(p map[string]any, now time.Time) bool {
			return c.stale(p, now, maxAge)
		},
		Validate: func(p map[string]any, now time.Time) (bool, any) {
			v, ok := c.Value(p)
			if !ok {
				reason := map[string]any{"message": "value does not exist", "actualValue": nil}
				for k, e := range expected {
					reason[k] = e
				}
				return false, reason
			}
			if maxAge > 0 {
				t, _ := c.FetchedAt(p)
				if age := now.Sub(t); age > maxAge {
					return false, map[string]any{"message": "expired", "ageInSeconds": int64(age / time.Second), "maxAgeInSeconds": int64(maxAge / time.Second)}
				}
			}
			if ok, reason := test(v); !ok {
				reason["message"] = "wrong value"
				reason["actualValue"] = v
				return false, reason
			}
			return true, nil
		},
	}
}

func (c *Claim) maxAge(given []time.Duration) time.Duration {
	if len(given) > 0 {
		return given[0]
	}
	return c.DefaultMaxAge
}

// HasValue requires the claim to equal want. maxAge, when given, overrides
// DefaultMaxAge.
func (c *Claim) HasValue(want any, maxAge ...time.Duration) Validator {
	w := jsonValue(want)
	return c.check(c.maxAge(maxAge), func(v any) (bool, map[string]any) {
		return reflect.DeepEqual(v, w), map[string]any{"expectedValue": w}
	}, map[string]any{"expectedValue": w})
}

// BooleanClaim is a claim whose value is true or false.
type BooleanClaim struct{ *Claim }

// IsTrue requires the claim to be true.
func (c BooleanClaim) IsTrue(maxAge ...time.Duration) Validator { return c.HasValue(true, maxAge...) }

// IsFalse requires the claim to be false.
func (c BooleanClaim) IsFalse(maxAge ...time.Duration) Validator { return c.HasValue(false, maxAge...) }

// ArrayClaim is a claim whose value is a list, such as st-role.
type ArrayClaim struct{ *Claim }

func contains(v any, want any) bool {
	list, _ := v.([]any)
	return slices.ContainsFunc(list, func(e any) bool { return reflect.DeepEqual(e, want) })
}

// Includes requires the list to contain want.
func (c ArrayClaim) Includes(want any, maxAge ...time.Duration) Validator {
	w := jsonValue(want)
	return c.check(c.maxAge(maxAge), func(v any) (bool, map[string]any) {
		return contains(v, w), map[string]any{"expectedToInclude": w}
	}, map[string]any{"expectedToInclude": w})
}

// Excludes requires the list not to contain want.
func (c ArrayClaim) Excludes(want any, maxAge ...time.Duration) Validator {
	w := jsonValue(want)
	return c.check(c.maxAge(maxAge), func(v any) (bool, map[string]any) {
		return !contains(v, w), map[string]any{"expectedToNotInclude": w}
	}, map[string]any{"expectedToNotInclude": w})
}

// IncludesAll requires the list to contain every one of want.
func (c ArrayClaim) IncludesAll(want []any, maxAge ...time.Duration) Validator {
	w := jsonValue(want)
	return c.check(c.maxAge(maxAge), func(v any) (bool, map[string]any) {
		list, _ := w.([]any)
		for _, e := range list {
			if !contains(v, e) {
				return false, map[string]any{"expectedToInclude": w}
			}
		}
		return true, nil
	}, map[string]any{"expectedToInclude": w})
}

// IncludesAny requires the list to contain at least one of want.
func (c ArrayClaim) IncludesAny(want []any, maxAge ...time.Duration) Validator {
	w := jsonValue(want)
	return c.check(c.maxAge(maxAge), func(v any) (bool, map[string]any) {
		list, _ := w.([]any)
		for _, e := range list {
			if contains(v, e) {
				return true, nil
			}
		}
		return false, map[string]any{"expectedToIncludeAtLeastOneOf": w}
	}, map[string]any{"expectedToIncludeAtLeastOneOf": w})
}

// ExcludesAll requires the list to contain none of want.
func (c ArrayClaim) ExcludesAll(want []any, maxAge ...time.Duration) Validator {
	w := jsonValue(want)
	return c.check(c.maxAge(maxAge), func(v any) (bool, map[string]any) {
		list, _ := w.([]any)
		for _, e := range list {
			if contains(v, e) {
				return false, map[string]any{"expectedToNotInclude": w}
			}
		}
		return true, nil
	}, map[string]any{"expectedToNotInclude": w})
}
