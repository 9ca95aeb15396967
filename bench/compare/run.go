package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"time"
)

// run is one whole comparison: start, seed, count round trips, measure
// the rounds, report, clean up.
func run(ctx context.Context, o options) error {
	if err := checkProcFS(); err != nil {
		return err
	}
	started, loadStart := time.Now(), loadAverage()
	tmp, err := os.MkdirTemp("", "latchkey-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	h := &harness{opts: o, tmp: tmp, latchkey: o.latchkeyBin, client: newLoadClient(o.maxClients())}
	if h.self, err = os.Executable(); err != nil {
		return err
	}
	if h.latchkey == "" {
		progress("building ./cmd/latchkey")
		if h.latchkey, err = buildLatchkey(ctx, tmp); err != nil {
			return err
		}
	}
	var notes []string
	defer func() {
		for _, e := range append(slices.Clip(h.engines), h.algEngines...) {
			e.stop()
		}
		h.bare.stop()
	}()
	for _, name := range o.engines {
		if name == "postgres" && o.postgresURL == "" {
			notes = append(notes, "PostgreSQL skipped: set -postgres or LATCHKEY_TEST_POSTGRES_URL.")
			progress("PostgreSQL skipped: no -postgres or LATCHKEY_TEST_POSTGRES_URL")
			continue
		}
		progress("starting the %s core and backend", name)
		e, err := h.startEngine(ctx, name, algRS256)
		if e != nil {
			h.engines = append(h.engines, e)
		}
		if err != nil {
			return err
		}
		for _, alg := range o.extraAlgorithms() {
			progress("starting the %s core and backend signing with %s", name, alg)
			e, err := h.startEngine(ctx, name, alg)
			if e != nil {
				h.algEngines = append(h.algEngines, e)
			}
			if err != nil {
				return err
			}
		}
	}
	if len(h.engines) == 0 {
		return fmt.Errorf("no engine to run on")
	}
	for _, e := range append(slices.Clip(h.engines), h.algEngines...) {
		progress("seeding %s: %d users, their sessions and a dashboard account (bcrypt cost %d)", e.label(), o.seedUsers(), o.cost)
		if err := h.seed(ctx, e); err != nil {
			return fmt.Errorf("seeding %s: %w", e.label(), err)
		}
	}
	var trips []roundTrip
	if o.has(scRoundTrips) {
		for _, e := range h.engines {
			progress("counting core round trips on %s", e.name)
			rt, err := h.countRoundTrips(ctx, e)
			if err != nil {
				return fmt.Errorf("counting round trips on %s: %w", e.name, err)
			}
			trips = append(trips, rt...)
		}
	}
	if err := h.prepareFloors(ctx); err != nil {
		return err
	}

	items := h.schedule()
	figures := make([]*figure, len(items))
	for i, it := range items {
		figures[i] = &figure{item: it}
	}
	floorRuns := map[floorKey][]measurement{}
	var floorOrder []floorKey
	for r := range o.rounds {
		for k, f := range figures {
			// Alternate which goes first, so that neither always runs on
			// a machine that has just been warmed (or throttled).
			floorFirst := (r+k)%2 == 0
			var sys, fl measurement
			for step := range 2 {
				var err error
				if (step == 0) == floorFirst {
					fl, err = h.measureFloor(ctx, f.item)
				} else {
					sys, err = h.measureSystem(ctx, f.item)
				}
				if err != nil {
					return err
				}
			}
			f.system = append(f.system, sys)
			f.floors = append(f.floors, fl)
			key := f.floor()
			if _, seen := floorRuns[key]; !seen {
				floorOrder = append(floorOrder, key)
			}
			floorRuns[key] = append(floorRuns[key], fl)
			progress("round %d/%d  %-16s %-8s %3d clients: %8s/s  floor %s %8s/s  ×%.2f  p50 %s ms  p99 %s ms  errors %d",
				r+1, o.rounds, f.scenario, f.engine.label(), f.clients, fmtRate(sys.Throughput()), key, fmtRate(fl.Throughput()),
				sys.Throughput()/max(fl.Throughput(), 1e-9), fmtMs(ms(sys.Percentile(50))), fmtMs(ms(sys.Percentile(99))), sys.Errors)
		}
	}

	rep := report{Meta: meta{
		Started: started, CPUModel: cpuModel(), NumCPU: runtime.NumCPU(), GOMAXPROCS: cpus(), Go: runtime.Version(),
		BcryptCost: o.cost, Duration: o.duration.String(), Rounds: o.rounds, Clients: o.clients, Notes: notes,
		LoadStart: loadStart, LoadEnd: loadAverage(),
	}, RoundTrips: trips}
	for _, e := range append(slices.Clip(h.engines), h.algEngines...) {
		rep.Meta.Stores = append(rep.Meta.Stores, e.label()+" "+e.describe)
	}
	for _, k := range floorOrder {
		rep.Floors = append(rep.Floors, newFloorRow(k, floorRuns[k]))
	}
	for _, f := range figures {
		rep.Figures = append(rep.Figures, newFigureRow(f))
	}
	rep.Processes = h.processRows()
	rep.Processes = append(rep.Processes, h.restartRows(ctx)...)
	writeMarkdown(os.Stdout, rep)
	if o.jsonPath != "" {
		if err := writeJSON(o.jsonPath, rep); err != nil {
			return err
		}
		progress("wrote %s", o.jsonPath)
	}
	return nil
}

// restartRows starts a second core on each SQLite engine's file, which by
// now holds the run's users and sessions, and reports its time from exec
// to serving and its idle memory: issue 17's start-to-ready target is on
// an existing file, where the first start also made the schema.
func (h *harness) restartRows(ctx context.Context) []processRow {
	var rows []processRow
	for _, e := range h.engines {
		if e.name != "sqlite" {
			continue
		}
		progress("starting a second core on the existing %s file", e.name)
		p, err := startProc(ctx, h.tmp, "core-"+e.name+"-existing", h.latchkey, []string{"core",
			"--addr", "127.0.0.1:0", "--db", e.dsn, "--api-keys", apiKey, "--log-format", "json"}, nil, true, coreReady)
		if err != nil {
			progress("restart on the existing file: %v", err)
			continue
		}
		time.Sleep(200 * time.Millisecond) // let it settle, as idle
		idle, _ := readMemory(p.pid())
		rows = append(rows, processRow{Process: p.name + " (existing file)", ReadyMs: ms(p.ready), IdleRSSMB: mb(idle.RSS), PeakRSSMB: mb(idle.Peak)})
		p.stop()
	}
	return rows
}

// processRows reads each child's start time and memory, before they stop.
func (h *harness) processRows() []processRow {
	var rows []processRow
	add := func(p *proc, idle memory) {
		if p == nil {
			return
		}
		now, _ := readMemory(p.pid())
		rows = append(rows, processRow{Process: p.name, ReadyMs: ms(p.ready), IdleRSSMB: mb(idle.RSS), PeakRSSMB: mb(now.Peak)})
	}
	for _, e := range append(slices.Clip(h.engines), h.algEngines...) {
		add(e.core, e.idleCore)
		add(e.backend, e.idleBackend)
	}
	if h.bare != nil {
		add(h.bare, memory{})
	}
	return slices.Clip(rows)
}
