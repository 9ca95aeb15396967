# Latchkey: `make test` runs every test, installing what it needs first.
# See README.md. CI (.ci/run) calls `make test`.

GO ?= go
# The PostgreSQL that the tests use; each test makes and drops its own schema.
export LATCHKEY_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
# How long each fuzz target runs in `make test`.
FUZZTIME ?= 10s

.PHONY: test deps postgres chromium ui-deps ui vet unit fuzz bench bench-compare build

test: deps vet unit fuzz

deps: postgres chromium ui-deps

postgres:
	@scripts/ensure-postgres.sh

chromium:
	@scripts/ensure-chromium.sh

# npm packages: the dashboard and demo website build tools, and the pinned
# supertokens-web-js the browser compatibility test loads.
NPM_DIRS = web/dashboard examples/demo/website internal/e2e/webjs internal/e2e/nodesdk

ui-deps:
	@for d in $(NPM_DIRS); do \
	  if [ ! -d $$d/node_modules ]; then echo "npm ci in $$d"; (cd $$d && npm ci --no-audit --no-fund --loglevel=error) || exit 1; fi; \
	done

# Rebuild the committed dist/ of the dashboard and the demo website from
# their sources.
ui: ui-deps
	cd web/dashboard && npm run build
	cd examples/demo/website && npm run build

# The framework examples are modules of their own (each with a replace of
# this module), so that echo, chi and rs/cors stay out of the SDK module's
# requirements. ./... does not reach into them, so vet and unit visit each.
EXAMPLE_MODULES = examples/chi examples/echo

# staticcheck 2026.2.2 (module version v0.8.2), pinned; go run fetches it
# through the module proxy on first use, and it stays out of go.mod.
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	for m in $(EXAMPLE_MODULES); do (cd $$m && $(GO) vet ./... && $(STATICCHECK) ./...) || exit 1; done

unit:
	$(GO) test -count=1 -timeout 40m ./...
	for m in $(EXAMPLE_MODULES); do (cd $$m && $(GO) test -count=1 ./...) || exit 1; done

# Each fuzz target briefly; a crash or a 500 fails the run.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzCoreJSON$$' -fuzztime $(FUZZTIME) ./core

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The hot paths as ratios to this machine's floors, in one interleaved run
# (bench/README.md); not part of `make test`. Pass flags in
# BENCH_COMPARE_FLAGS, such as -duration 3s -rounds 2 -json out.json.
BENCH_COMPARE_FLAGS ?=
bench-compare: postgres
	$(GO) run ./bench/compare $(BENCH_COMPARE_FLAGS)

build:
	$(GO) build -o latchkey ./cmd/latchkey
