package latchkey_test

import (
	"testing"

	"github.com/latchkey-dev/latchkey"
)

type greeter interface{ Greet() string }

type plain struct{}

func (plain) Greet() string { return "hello" }

type loud struct{ greeter }

func (l loud) Greet() string { return l.greeter.Greet() + "!" }

func TestOverride(t *testing.T) {
	for _, tc := range []struct {
		name     string
		override func(greeter) greeter
		want     string
		wantErr  string
	}{
		{"none", nil, "hello", ""},
		{"wraps by embedding", func(g greeter) greeter { return loud{g} }, "hello!", ""},
		{"returns nil", func(greeter) greeter { return nil }, "", "x: Config.Override returned nil"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := latchkey.Override[greeter]("x: Config.Override", plain{}, tc.override)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr || g != nil {
					t.Fatalf("got %v, %v; want the error %q", g, err, tc.wantErr)
				}
				return
			}
			if err != nil || g.Greet() != tc.want {
				t.Fatalf("got %v, %v; want %q", g, err, tc.want)
			}
		})
	}
}
