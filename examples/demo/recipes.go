package demo

import "github.com/latchkey-dev/latchkey"

// extraRecipes are the recipes that arrive in later steps (the dashboard,
// passwordless).
func extraRecipes() []latchkey.Recipe { return nil }
