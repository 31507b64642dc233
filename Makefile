# Gatehouse build, run and test targets. `make run` and `make test` work on
# a fresh machine with Go, Node.js 20+ and (for the browser tests) Chromium.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
GO_BUILD := CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)"
CHROMIUM ?= /usr/bin/chromium

.PHONY: run build frontend test test-go test-frontend test-e2e release clean

## run: build everything and serve on 127.0.0.1:8080 with SQLite in ./data
run: build
	./gatehouse serve

## build: the SPA, then the single static binary ./gatehouse
build: frontend
	$(GO_BUILD) -o gatehouse .

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

frontend: node_modules/.package-lock.json
	npm run build

## test: every test: Go (with the race detector), front-end unit tests, browser tests
test: build test-go test-frontend test-e2e

# With GATEHOUSE_TEST_POSTGRES set, the server tests run a second time on
# PostgreSQL, and the tests of several instances on one database run too.
test-go:
	go vet ./...
	go test -race -count=1 ./...
	@if [ -n "$$GATEHOUSE_TEST_POSTGRES" ]; then \
		echo "GATEHOUSE_TEST_STORE=postgres go test -race -count=1 ./server/"; \
		GATEHOUSE_TEST_STORE=postgres go test -race -count=1 ./server/; \
	else \
		echo "Skipped the PostgreSQL run: GATEHOUSE_TEST_POSTGRES is not set."; \
	fi

test-frontend: node_modules/.package-lock.json
	npm run check
	npm run test:unit

test-e2e: build
	@test -x $(CHROMIUM) || { echo "Browser tests need Chromium at $(CHROMIUM):" \
		"apt-get install chromium (or set CHROMIUM=/path/to/chromium)"; exit 1; }
	CHROMIUM_BIN=$(CHROMIUM) GATEHOUSE_BIN=$(CURDIR)/gatehouse npm run test:e2e

## release: static binaries for linux/amd64 and linux/arm64 in dist/
release: frontend
	GOOS=linux GOARCH=amd64 $(GO_BUILD) -o dist/gatehouse-linux-amd64 .
	GOOS=linux GOARCH=arm64 $(GO_BUILD) -o dist/gatehouse-linux-arm64 .

## bench: measure the server under load, about 10 minutes; writes bench/RESULTS.md
bench: frontend
	go run ./bench

## bench-smoke: the benchmark with a few hundred users, in under a minute
bench-smoke: frontend
	go run ./bench -smoke

.PHONY: bench bench-smoke

clean:
	rm -rf gatehouse dist frontend/dist test-results playwright-report
