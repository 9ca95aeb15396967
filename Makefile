# Latchkey: `make test` runs every test, installing what it needs first.
# See README.md. CI (.ci/run) calls `make test`.

GO ?= go
# The PostgreSQL that the tests use; each test makes and drops its own schema.
export LATCHKEY_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
# How long each fuzz target runs in `make test`.
FUZZTIME ?= 10s

.PHONY: test deps postgres chromium ui-deps ui vet unit fuzz bench build

test: deps vet unit fuzz

deps: postgres chromium ui-deps

postgres:
	@scripts/ensure-postgres.sh

chromium:
	@scripts/ensure-chromium.sh

ui-deps:
	@if [ ! -d web/dashboard/node_modules ]; then cd web/dashboard && npm ci --no-audit --no-fund; fi

# Rebuild the dashboard's committed dist/ from its sources.
ui: ui-deps
	cd web/dashboard && npm run build

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -count=1 -timeout 40m ./...

# Each fuzz target briefly; a crash or a 500 fails the run.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzCoreJSON$$' -fuzztime $(FUZZTIME) ./core

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

build:
	$(GO) build -o latchkey ./cmd/latchkey
