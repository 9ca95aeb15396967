package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/latchkey-dev/latchkey/bench/internal/load"
)

// figure is one system figure with the floor measurements paired with it,
// one of each per round.
type figure struct {
	item
	system []measurement
	floors []measurement
}

// report is everything a run prints, and its JSON.
type report struct {
	Meta       meta         `json:"meta"`
	Floors     []floorRow   `json:"floors"`
	Figures    []figureRow  `json:"figures"`
	RoundTrips []roundTrip  `json:"roundTrips,omitempty"`
	Processes  []processRow `json:"processes"`
}

type meta struct {
	Started    time.Time `json:"started"`
	CPUModel   string    `json:"cpuModel"`
	NumCPU     int       `json:"numCPU"`
	GOMAXPROCS int       `json:"gomaxprocs"`
	Go         string    `json:"go"`
	BcryptCost int       `json:"bcryptCost"`
	Duration   string    `json:"durationPerMeasurement"`
	Rounds     int       `json:"rounds"`
	Clients    []int     `json:"clients"`
	Stores     []string  `json:"stores"`
	// LoadStart and LoadEnd are /proc/loadavg's 1, 5 and 15 minute
	// averages when the run started and ended: other work on the machine.
	LoadStart string   `json:"loadAverageStart"`
	LoadEnd   string   `json:"loadAverageEnd"`
	Notes     []string `json:"notes,omitempty"`
}

type floorRow struct {
	Floor        string  `json:"floor"`
	Clients      int     `json:"clients"`
	Throughput   float64 `json:"perSecond"`
	P50Ms        float64 `json:"p50Ms"`
	P99Ms        float64 `json:"p99Ms"`
	Errors       int64   `json:"errors"`
	FirstError   string  `json:"firstError,omitempty"`
	RSSMB        float64 `json:"rssMB,omitempty"`
	Measurements int     `json:"measurements"`
}

type figureRow struct {
	Scenario string `json:"scenario"`
	Engine   string `json:"engine"`
	// Algorithm is the core's access-token signing algorithm.
	Algorithm       string  `json:"algorithm"`
	Clients         int     `json:"clients"`
	Throughput      float64 `json:"perSecond"`
	Floor           string  `json:"floor"`
	FloorThroughput float64 `json:"floorPerSecond"`
	Ratio           float64 `json:"ratio"`
	RatioMin        float64 `json:"ratioMin"`
	RatioMax        float64 `json:"ratioMax"`
	Target          string  `json:"target"`
	Met             bool    `json:"met"`
	P50Ms           float64 `json:"p50Ms"`
	P99Ms           float64 `json:"p99Ms"`
	Errors          int64   `json:"errors"`
	FirstError      string  `json:"firstError,omitempty"`
	BackendLog      string  `json:"backendLog,omitempty"`
	CoreCallsPerOp  float64 `json:"coreCallsPerOp"`
	CoreRSSMB       float64 `json:"coreRssMB"`
	BackendRSSMB    float64 `json:"backendRssMB"`
	// CoreCPUMs, BackendCPUMs and ClientCPUMs are the CPU milliseconds
	// each process used per operation (the core's includes SQLite's; a
	// PostgreSQL server's own is not counted).
	CoreCPUMs    float64 `json:"coreCpuMsPerOp"`
	BackendCPUMs float64 `json:"backendCpuMsPerOp"`
	ClientCPUMs  float64 `json:"clientCpuMsPerOp"`
	Rounds       int     `json:"rounds"`
}

type processRow struct {
	Process   string  `json:"process"`
	ReadyMs   float64 `json:"readyMs"`
	IdleRSSMB float64 `json:"idleRssMB"`
	PeakRSSMB float64 `json:"peakRssMB"`
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mb(bytes int64) float64     { return float64(bytes) / (1 << 20) }

// newFigureRow sums a figure's rounds. Its throughput and its floor's are
// summed over the rounds; the ratio is the median of the rounds' own
// ratios (each a figure over the floor measured next to it, which is what
// cancels drift), shown with their range.
func newFigureRow(f *figure) figureRow {
	sys, fl := mergeResults(f.system), mergeResults(f.floors)
	row := figureRow{
		Scenario: f.scenario, Engine: f.engine.name, Algorithm: cmp.Or(f.engine.alg, algRS256), Clients: f.clients,
		Throughput: sys.Throughput(), Floor: f.floor().String(), FloorThroughput: fl.Throughput(),
		P50Ms: ms(sys.Percentile(50)), P99Ms: ms(sys.Percentile(99)),
		Errors: sys.Errors, FirstError: sys.FirstError, Rounds: len(f.system),
	}
	var calls, attempts int64
	var coreCPU, backendCPU, clientCPU time.Duration
	var ratios []float64
	for i, m := range f.system {
		calls += m.CoreCalls
		attempts += m.Ops + m.Errors
		coreCPU, backendCPU, clientCPU = coreCPU+m.CoreCPU, backendCPU+m.BackendCPU, clientCPU+m.ClientCPU
		row.CoreRSSMB = max(row.CoreRSSMB, mb(m.CoreRSS))
		row.BackendRSSMB = max(row.BackendRSSMB, mb(m.BackendRSS))
		if row.BackendLog == "" {
			row.BackendLog = m.BackendLog
		}
		if i < len(f.floors) && f.floors[i].Throughput() > 0 {
			ratios = append(ratios, m.Throughput()/f.floors[i].Throughput())
		}
	}
	if len(ratios) > 0 {
		row.Ratio, row.RatioMin, row.RatioMax = median(ratios), slices.Min(ratios), slices.Max(ratios)
	}
	if attempts > 0 {
		row.CoreCallsPerOp = float64(calls) / float64(attempts)
		n := float64(attempts)
		row.CoreCPUMs, row.BackendCPUMs, row.ClientCPUMs = ms(coreCPU)/n, ms(backendCPU)/n, ms(clientCPU)/n
	}
	row.Target, row.Met = checkTarget(row)
	return row
}

// median returns the middle value of xs, or the mean of the two middle
// ones.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func mergeResults(runs []measurement) load.Result {
	rs := make([]load.Result, len(runs))
	for i, m := range runs {
		rs[i] = m.Result
	}
	return load.Merge(rs...)
}

// newFloorRow sums every measurement of one floor.
func newFloorRow(k floorKey, runs []measurement) floorRow {
	r := mergeResults(runs)
	row := floorRow{Floor: k.String(), Clients: k.clients, Throughput: r.Throughput(),
		P50Ms: ms(r.Percentile(50)), P99Ms: ms(r.Percentile(99)), Errors: r.Errors, FirstError: r.FirstError, Measurements: len(runs)}
	for _, m := range runs {
		row.RSSMB = max(row.RSSMB, mb(m.BackendRSS))
	}
	return row
}

// checkTarget returns issue 17's target for a figure and whether the
// figure meets it.
func checkTarget(r figureRow) (string, bool) {
	switch r.Scenario {
	case scProtectedCookie, scProtectedHeader:
		return "≥0.85×", r.Ratio >= 0.85
	case scRefresh:
		if r.Algorithm != "" && r.Algorithm != algRS256 {
			// No target: how much faster than RS256's refresh, against
			// the same RS256 floor.
			return "", true
		}
		if r.Engine == "postgres" {
			return "≥0.65×", r.Ratio >= 0.65
		}
		return "≥0.75×", r.Ratio >= 0.75
	case scSignUp, scSignIn:
		return "≥0.95×, 0 errors, p99<3×p50", r.Ratio >= 0.95 && r.Errors == 0 && r.Throughput > 0 && r.P99Ms < 3*r.P50Ms
	}
	return "", true
}

// roundTripTarget returns issue 17's cap on an operation's core calls, and
// whether n meets it; "" when there is none.
func roundTripTarget(op string, n int64) (string, bool) {
	switch op {
	case rtSignIn:
		return "≤3", n <= 3
	case rtRefresh:
		return "1", n == 1
	case rtProtectedCookie, rtProtectedHeader:
		return "0", n == 0
	case rtDashboardPage:
		return "≤3", n <= 3
	}
	return "", true
}

// writeMarkdown prints the report as markdown tables.
func writeMarkdown(w io.Writer, rep report) {
	m := rep.Meta
	fmt.Fprintf(w, "## Latchkey against its floors\n\n")
	rounds := "1 round"
	if m.Rounds != 1 {
		rounds = fmt.Sprintf("%d rounds", m.Rounds)
	}
	fmt.Fprintf(w, "%s, %d CPUs (GOMAXPROCS %d), %s; bcrypt cost %d; %s per measurement, %s, each figure next to its floor; %s.\n",
		m.CPUModel, m.NumCPU, m.GOMAXPROCS, m.Go, m.BcryptCost, m.Duration, rounds, m.Started.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "Load average %s at the start, %s at the end. Stores: %s.\n", m.LoadStart, m.LoadEnd, strings.Join(m.Stores, "; "))
	for _, n := range m.Notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
	fmt.Fprintln(w)

	ft := newTable([]string{"floor", "clients", "per s", "p50 ms", "p99 ms", "errors", "server RSS MB"}, "lrrrrrr")
	for _, f := range rep.Floors {
		ft.add(f.Floor, fmt.Sprint(f.Clients), fmtRate(f.Throughput), fmtMs(f.P50Ms), fmtMs(f.P99Ms), fmt.Sprint(f.Errors), fmtMB(f.RSSMB))
	}
	ft.render(w)
	fmt.Fprintln(w)

	st := newTable([]string{"figure", "store", "clients", "per s", "floor per s", "× floor (rounds)", "target", "met", "p50 ms", "p99 ms", "errors", "core calls/op", "CPU ms/op core+backend+client", "core RSS MB", "backend RSS MB"}, "llrrrrllrrrrrrr")
	for _, f := range rep.Figures {
		ratio := fmt.Sprintf("%.2f", f.Ratio)
		if f.Rounds > 1 {
			ratio += fmt.Sprintf(" (%.2f–%.2f)", f.RatioMin, f.RatioMax)
		}
		store := f.Engine
		if f.Algorithm != "" && f.Algorithm != algRS256 {
			store += " " + f.Algorithm
		}
		met := yesNo(f.Met)
		if f.Target == "" {
			met = ""
		}
		st.add(f.Scenario, store, fmt.Sprint(f.Clients), fmtRate(f.Throughput), fmtRate(f.FloorThroughput), ratio,
			f.Target, met, fmtMs(f.P50Ms), fmtMs(f.P99Ms), fmt.Sprint(f.Errors), fmt.Sprintf("%.2f", f.CoreCallsPerOp),
			fmt.Sprintf("%.2f+%.2f+%.2f", f.CoreCPUMs, f.BackendCPUMs, f.ClientCPUMs), fmtMB(f.CoreRSSMB), fmtMB(f.BackendRSSMB))
	}
	st.render(w)
	for _, f := range rep.Figures {
		if f.FirstError != "" {
			fmt.Fprintf(w, "\nFirst error of %s on %s %s at %d clients: %s\n", f.Scenario, f.Engine, f.Algorithm, f.Clients, oneLine(f.FirstError))
			if f.BackendLog != "" {
				fmt.Fprintf(w, "The backend's last log line: %s\n", oneLine(f.BackendLog))
			}
		}
	}
	for _, f := range rep.Floors {
		if f.FirstError != "" {
			fmt.Fprintf(w, "\nFirst error of floor %s: %s\n", f.Floor, oneLine(f.FirstError))
		}
	}

	if len(rep.RoundTrips) > 0 {
		fmt.Fprintln(w)
		var engines []string
		for _, rt := range rep.RoundTrips {
			if !slices.Contains(engines, rt.Engine) {
				engines = append(engines, rt.Engine)
			}
		}
		header := append([]string{"core round trips"}, engines...)
		header = append(header, "target", "met", "calls")
		align := "l" + strings.Repeat("r", len(engines)) + "lll"
		rt := newTable(header, align)
		for _, op := range roundTripOps {
			cells := []string{op}
			met := true
			var target, calls string
			for _, e := range engines {
				c := "–"
				for _, r := range rep.RoundTrips {
					if r.Operation == op && r.Engine == e {
						c = fmt.Sprint(r.Calls)
						var ok bool
						target, ok = roundTripTarget(op, r.Calls)
						met = met && ok
						if calls == "" {
							calls = routeList(r.ByRoute)
						}
					}
				}
				cells = append(cells, c)
			}
			metCell := ""
			if target != "" {
				metCell = yesNo(met)
			}
			rt.add(append(cells, target, metCell, calls)...)
		}
		rt.render(w)
	}

	fmt.Fprintln(w)
	pt := newTable([]string{"process", "ready ms", "idle RSS MB", "peak RSS MB"}, "lrrr")
	for _, p := range rep.Processes {
		pt.add(p.Process, fmt.Sprintf("%.0f", p.ReadyMs), fmtMB(p.IdleRSSMB), fmtMB(p.PeakRSSMB))
	}
	pt.render(w)
}

// routeList formats calls by route, most first, as "2× GET /a, POST /b".
func routeList(by map[string]int64) string {
	type rc struct {
		route string
		n     int64
	}
	var list []rc
	for k, v := range by {
		list = append(list, rc{k, v})
	}
	// Most calls first, then by route, so the cell is stable.
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].route < list[j].route
	})
	parts := make([]string, len(list))
	for i, c := range list {
		if c.n > 1 {
			parts[i] = fmt.Sprintf("%d× %s", c.n, c.route)
		} else {
			parts[i] = c.route
		}
	}
	return strings.Join(parts, ", ")
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// fmtRate formats a per-second figure with about three significant
// digits.
func fmtRate(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

// fmtMs formats milliseconds with about three significant digits.
func fmtMs(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	case x >= 1:
		return fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprintf("%.3f", x)
}

// fmtMB formats megabytes; "–" for none.
func fmtMB(x float64) string {
	if x <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", x)
}

// table is a markdown table whose columns are padded to line up in a
// terminal too.
type table struct {
	header []string
	right  []bool
	rows   [][]string
}

// newTable returns a table; align has one letter per column, l or r.
func newTable(header []string, align string) *table {
	t := &table{header: header, right: make([]bool, len(header))}
	for i := range header {
		t.right[i] = i < len(align) && align[i] == 'r'
	}
	return t
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) render(w io.Writer) {
	esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	width := make([]int, len(t.header))
	for i, h := range t.header {
		width[i] = max(3, len([]rune(esc(h))))
	}
	for _, r := range t.rows {
		for i := range t.header {
			if i < len(r) {
				width[i] = max(width[i], len([]rune(esc(r[i]))))
			}
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString("|")
		for i := range t.header {
			c := ""
			if i < len(cells) {
				c = esc(cells[i])
			}
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if t.right[i] {
				b.WriteString(" " + pad + c + " |")
			} else {
				b.WriteString(" " + c + pad + " |")
			}
		}
		fmt.Fprintln(w, b.String())
	}
	line(t.header)
	var b strings.Builder
	b.WriteString("|")
	for i := range t.header {
		if t.right[i] {
			b.WriteString(" " + strings.Repeat("-", width[i]-1) + ": |")
		} else {
			b.WriteString(" " + strings.Repeat("-", width[i]) + " |")
		}
	}
	fmt.Fprintln(w, b.String())
	for _, r := range t.rows {
		line(r)
	}
}

// writeJSON writes the report to path.
func writeJSON(path string, rep report) error {
	raw, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

// loadAverage reads the 1, 5 and 15 minute load averages.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(raw)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// cpuModel reads the first model name of /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
