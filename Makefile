# Hexcrawl — the commands a newcomer needs. `make run` builds and starts the hub; `make test`
# runs every test. See README.md.

GO      ?= go
NPM     ?= npm
BIN     := hexcrawl
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all setup frontend build run desktop deps test test-go test-frontend test-e2e test-desktop lint bench clean

all: build

# Front-end packages, installed exactly from the lock file (again only when it changes).
frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund
	touch $@

setup: frontend/node_modules/.installed

frontend: setup
	cd frontend && $(NPM) run build

# The headless hub with the web UI embedded (no GTK needed).
build: frontend
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

# Build and start the hub on the default data file (created with a demo campaign on first run).
run: build
	./$(BIN) serve

# The desktop app with its native window (needs the Debian packages from scripts/install-deps.sh).
# -s: the frontend is built by the `frontend` target; -m: leave go.mod alone.
desktop: frontend
	$$($(GO) env GOPATH)/bin/wails build -s -m -ldflags "$(LDFLAGS)"
	@echo "built build/bin/$(BIN)"

deps:
	scripts/install-deps.sh

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$$($(GO) env GOPATH)/bin/staticcheck ./...
	cd frontend && $(NPM) run typecheck

test-go:
	$(GO) test -race -count=1 ./...

test-frontend: setup
	cd frontend && $(NPM) test

test-e2e: build
	cd frontend && $(NPM) run e2e

test-desktop: build
	SMOKE_SKIP_FRONTEND=1 scripts/desktop-smoke.sh

# Every test: formatting, vet and staticcheck, Go (race detector, real SQLite, real sockets, real mDNS in
# network namespaces), Vitest, the browser end-to-end tests and the desktop smoke test.
test: deps build lint test-go test-frontend test-e2e test-desktop

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./hub/ ./storage/

clean:
	rm -rf $(BIN) build/bin frontend/dist/assets frontend/dist/index.html
