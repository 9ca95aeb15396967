package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/latchkey-dev/latchkey/bench/internal/load"
)

func TestTableRender(t *testing.T) {
	tb := newTable([]string{"figure", "per s"}, "lr")
	tb.add("signin", "19.8")
	tb.add("a|b", "12345")
	var buf bytes.Buffer
	tb.render(&buf)
	want := `| figure | per s |
| ------ | ----: |
| signin |  19.8 |
| a\|b   | 12345 |
`
	if buf.String() != want {
		t.Errorf("render:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestTableRenderPadsWideRunes(t *testing.T) {
	tb := newTable([]string{"× floor", "x"}, "rl")
	tb.add("0.95–1.02", "≥")
	var buf bytes.Buffer
	tb.render(&buf)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	for _, l := range lines[1:] {
		if n, first := len([]rune(l)), len([]rune(lines[0])); n != first {
			t.Errorf("line %q is %d runes, the header %d: columns do not line up", l, n, first)
		}
	}
}

func TestFormats(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{fmtRate(2612.4), "2612"},
		{fmtRate(19.84), "19.8"},
		{fmtRate(3.14159), "3.14"},
		{fmtMs(0.0312), "0.031"},
		{fmtMs(4.567), "4.57"},
		{fmtMs(45.67), "45.7"},
		{fmtMs(3456.7), "3457"},
		{fmtMB(0), "–"},
		{fmtMB(21.66), "21.7"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func result(ops int64, errs int64, elapsed time.Duration, lat ...time.Duration) load.Result {
	return load.Result{Ops: ops, Errors: errs, Elapsed: elapsed, Latencies: lat}
}

func TestNewFigureRow(t *testing.T) {
	f := &figure{
		item: item{scenario: scSignIn, engine: &engine{name: "sqlite"}, clients: 16},
		system: []measurement{
			{Result: result(19, 0, time.Second, 800*time.Millisecond, 900*time.Millisecond), CoreCalls: 57, CoreRSS: 30 << 20, BackendRSS: 20 << 20},
			{Result: result(21, 0, time.Second, 850*time.Millisecond), CoreCalls: 63, CoreRSS: 31 << 20, BackendRSS: 19 << 20},
		},
		floors: []measurement{
			{Result: result(20, 0, time.Second)},
			{Result: result(20, 0, time.Second)},
		},
	}
	r := newFigureRow(f)
	if r.Throughput != 20 || r.FloorThroughput != 20 || r.Ratio != 1 {
		t.Errorf("throughput %v, floor %v, ratio %v: want 20, 20, 1", r.Throughput, r.FloorThroughput, r.Ratio)
	}
	// Rounds whose measurements ran for different times (a long drain)
	// must not pull the ratio away from the rounds' own: both are 1 here,
	// though the sums (50 in 3 s over 30 in 2 s) would say 1.11.
	g := &figure{item: f.item,
		system: []measurement{{Result: result(10, 0, time.Second)}, {Result: result(40, 0, 2*time.Second)}},
		floors: []measurement{{Result: result(10, 0, time.Second)}, {Result: result(20, 0, time.Second)}},
	}
	if r := newFigureRow(g); r.Ratio != 1 || r.RatioMin != 1 || r.RatioMax != 1 {
		t.Errorf("ratio %v (%v–%v), want 1 (1–1)", r.Ratio, r.RatioMin, r.RatioMax)
	}
	if r.RatioMin != 0.95 || r.RatioMax != 1.05 {
		t.Errorf("ratio range %v–%v, want 0.95–1.05 (the rounds' own ratios)", r.RatioMin, r.RatioMax)
	}
	if r.CoreCallsPerOp != 3 {
		t.Errorf("core calls per op %v, want 3 (120 calls for 40 sign-ins)", r.CoreCallsPerOp)
	}
	if r.CoreRSSMB != 31 || r.BackendRSSMB != 20 {
		t.Errorf("memory %v / %v MB, want the largest of the rounds, 31 / 20", r.CoreRSSMB, r.BackendRSSMB)
	}
	if r.P50Ms != 850 || r.P99Ms != 900 {
		t.Errorf("p50 %v p99 %v, want 850 and 900", r.P50Ms, r.P99Ms)
	}
	if r.Floor != "bcrypt" || !r.Met {
		t.Errorf("floor %q, met %v: want bcrypt, met", r.Floor, r.Met)
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		xs   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{0.9, 0.7}, 0.8}, {[]float64{1, 0.2, 0.9}, 0.9}} {
		if got := median(tt.xs); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
}

func TestCheckTarget(t *testing.T) {
	tests := []struct {
		name string
		row  figureRow
		want bool
	}{
		{"protected at 0.85", figureRow{Scenario: scProtectedCookie, Ratio: 0.85}, true},
		{"protected below", figureRow{Scenario: scProtectedHeader, Ratio: 0.84}, false},
		{"refresh on sqlite needs 0.75", figureRow{Scenario: scRefresh, Engine: "sqlite", Ratio: 0.70}, false},
		{"refresh on postgres needs 0.65", figureRow{Scenario: scRefresh, Engine: "postgres", Ratio: 0.70}, true},
		{"refresh with ES256 has no target", figureRow{Scenario: scRefresh, Engine: "sqlite", Algorithm: algES256, Ratio: 0.10}, true},
		{"refresh with RS256 named", figureRow{Scenario: scRefresh, Engine: "sqlite", Algorithm: algRS256, Ratio: 0.70}, false},
		{"sign-in meets all three", figureRow{Scenario: scSignIn, Ratio: 0.96, Throughput: 19, P50Ms: 800, P99Ms: 2000}, true},
		{"sign-in with one error", figureRow{Scenario: scSignIn, Ratio: 0.96, Throughput: 19, Errors: 1, P50Ms: 800, P99Ms: 2000}, false},
		{"sign-up with a long tail", figureRow{Scenario: scSignUp, Ratio: 0.99, Throughput: 19, P50Ms: 800, P99Ms: 2400}, false},
		{"sign-up that measured nothing", figureRow{Scenario: scSignUp, Ratio: 0.99}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := checkTarget(tt.row); got != tt.want {
				t.Errorf("met = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRoundTripTarget(t *testing.T) {
	tests := []struct {
		op   string
		n    int64
		want bool
	}{
		{rtSignIn, 3, true},
		{rtSignIn, 4, false},
		{rtRefresh, 1, true},
		{rtRefresh, 2, false},
		{rtProtectedCookie, 0, true},
		{rtProtectedHeader, 1, false},
		{rtDashboardPage, 14, false},
		{rtDashboardPage, 3, true},
		{rtSignUp, 6, true}, // no target
	}
	for _, tt := range tests {
		if _, got := roundTripTarget(tt.op, tt.n); got != tt.want {
			t.Errorf("%s with %d calls: met = %v, want %v", tt.op, tt.n, got, tt.want)
		}
	}
}

func TestRouteList(t *testing.T) {
	got := routeList(map[string]int64{"POST /b": 1, "GET /m": 10, "POST /a": 1})
	if want := "10× GET /m, POST /a, POST /b"; got != want {
		t.Errorf("routeList = %q, want %q", got, want)
	}
}

func TestCoreCallsMinus(t *testing.T) {
	before := coreCalls{Total: 5, ByRoute: map[string]int64{"GET /a": 3, "POST /b": 2}}
	after := coreCalls{Total: 8, ByRoute: map[string]int64{"GET /a": 3, "POST /b": 4, "GET /c": 1}}
	d := after.minus(before)
	if d.Total != 3 || len(d.ByRoute) != 2 || d.ByRoute["POST /b"] != 2 || d.ByRoute["GET /c"] != 1 {
		t.Errorf("minus = %+v", d)
	}
}

func TestSetCookie(t *testing.T) {
	h := map[string][]string{"Set-Cookie": {
		"sAccessToken=aaa.bbb.ccc; Path=/; HttpOnly; SameSite=Lax",
		"sRefreshToken=rrr; Path=/auth/session/refresh; HttpOnly",
	}}
	if v, ok := setCookie(h, "sRefreshToken"); !ok || v != "rrr" {
		t.Errorf("sRefreshToken = %q, %v", v, ok)
	}
	if v, ok := setCookie(h, "sAccessToken"); !ok || v != "aaa.bbb.ccc" {
		t.Errorf("sAccessToken = %q, %v", v, ok)
	}
	if _, ok := setCookie(h, "sAccess"); ok {
		t.Error("a prefix of a cookie name matched")
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-clients", "16, 64,16", "-scenarios", "signin,refresh", "-cost", "4"})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.clients) != 2 || o.maxClients() != 64 || !o.has(scSignIn) || o.has(scSignUp) || o.cost != 4 {
		t.Errorf("options %+v", o)
	}
	_, err = parseFlags([]string{"-clients", "0", "-scenarios", "login", "-cost", "3", "-engines", "mysql", "-rounds", "0"})
	if err == nil {
		t.Fatal("bad flags accepted")
	}
	for _, want := range []string{"-clients", "login", "-cost", "mysql", "-rounds"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}
