# Hexcrawl — the commands a newcomer needs. `make run` builds and starts the hub; `make test`
# runs every test; `make release` builds the downloads into dist/. See README.md.

GO      ?= go
NPM     ?= npm
BIN     := hexcrawl
# The version has one source: wails.json's info.productVersion (X.Y.Z; Wails puts it in the
# Windows exe's version info and the installer). A build of the commit tagged vX.Y.Z reports
# exactly that; any other build adds its commit, e.g. 0.1.0+5d6164d (.dirty with local changes).
PRODUCT_VERSION := $(shell sed -n 's/^[[:space:]]*"productVersion":[[:space:]]*"\([^"]*\)".*/\1/p' wails.json)
GIT_COMMIT      := $(shell git rev-parse --short HEAD 2>/dev/null)
GIT_DIRTY       := $(shell git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo .dirty)
GIT_TAGGED      := $(shell git tag --points-at HEAD 2>/dev/null | grep -qx 'v$(PRODUCT_VERSION)' && echo yes)
VERSION := $(PRODUCT_VERSION)$(if $(GIT_COMMIT),$(if $(GIT_TAGGED),$(if $(GIT_DIRTY),+$(GIT_COMMIT)$(GIT_DIRTY)),+$(GIT_COMMIT)$(GIT_DIRTY)))
LDFLAGS := -X main.version=$(VERSION)
# The Wails CLI: on PATH, else where `go install` puts it (GOBIN, else GOPATH/bin) — the same
# place scripts/install-deps.sh installs it.
ifndef WAILS
WAILS := $(shell command -v wails 2>/dev/null || { b=$$($(GO) env GOBIN); echo "$${b:-$$($(GO) env GOPATH)/bin}/wails"; })
STATICCHECK := $(shell command -v staticcheck 2>/dev/null || { b=$$($(GO) env GOBIN); echo "$${b:-$$($(GO) env GOPATH)/bin}/staticcheck"; })
endif

.PHONY: all setup frontend build run desktop release deps test test-install-deps test-go test-frontend test-e2e test-desktop test-release lint bench clean

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
	@[ -x "$(WAILS)" ] || { echo "The Wails CLI is not at $(WAILS): run scripts/install-deps.sh"; exit 1; }
	"$(WAILS)" build -s -m -ldflags "$(LDFLAGS)"
	@echo "built build/bin/$(BIN)"

# Every download (Linux, Windows, macOS) and SHA256SUMS into dist/; see scripts/release.sh.
release: frontend
	VERSION=$(VERSION) WAILS="$(WAILS)" scripts/release.sh

deps:
	scripts/install-deps.sh

# gofmt, go vet, staticcheck, the TypeScript type check and ESLint (frontend/eslint.config.mjs).
lint: setup
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	cd frontend && $(NPM) run typecheck
	cd frontend && $(NPM) run lint

test-go:
	$(GO) test -race -count=1 ./...

test-frontend: setup
	cd frontend && $(NPM) test

test-e2e: build
	cd frontend && $(NPM) run e2e

test-desktop: build
	SMOKE_SKIP_FRONTEND=1 WAILS="$(WAILS)" scripts/desktop-smoke.sh

# The frictions scripts/install-deps.sh once had on fresh machines (no sudo, sudo's PATH, GOBIN).
test-install-deps: deps
	scripts/install-deps-test.sh

# Builds the downloads and checks each one runs: the .deb's binary and the Linux hub serve, the
# Windows console hub serves under Wine, the Mac binaries are of the right architecture.
test-release: release
	VERSION=$(VERSION) PRODUCT_VERSION=$(PRODUCT_VERSION) scripts/release-test.sh

# Every test: formatting, vet, staticcheck and ESLint, Go (race detector, real SQLite, real
# sockets, real mDNS in network namespaces), Vitest, the browser end-to-end tests, the desktop
# smoke test and the release test.
test: deps test-install-deps build lint test-go test-frontend test-e2e test-desktop test-release

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./hub/ ./storage/

clean:
	rm -rf $(BIN) build/bin build/windows dist frontend/dist/assets frontend/dist/index.html
