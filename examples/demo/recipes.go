package demo

import (
	"github.com/latchkey-dev/latchkey"
	"github.com/latchkey-dev/latchkey/recipe/dashboard"
)

// extraRecipes are the recipes beyond the sign-in flow: the dashboard, at
// {apiDomain}/auth/dashboard, open to every dashboard account.
func extraRecipes(cfg Config) []latchkey.Recipe {
	return []latchkey.Recipe{dashboard.New(dashboard.Config{})}
}
