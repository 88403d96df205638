# mlgate: the two commands a fresh machine needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

OPA := .tools/bin/opa
NODE_BIN := node_modules/.bin

.PHONY: help bootstrap build typecheck lint policy policy-check test test-unit test-integration test-e2e demo bench bench-anchors bench-compare routes clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

bootstrap: ## install the pinned toolchain (npm deps, opa, FerretDB, MLflow venv); idempotent
	@scripts/bootstrap.sh

build: bootstrap ## compile TypeScript to dist/
	@echo "==> tsc"
	@rm -rf dist && $(NODE_BIN)/tsc -p tsconfig.json

typecheck: bootstrap ## TypeScript type check
	@echo "==> typecheck"
	@$(NODE_BIN)/tsc -p tsconfig.json --noEmit

lint: bootstrap ## ESLint
	@echo "==> eslint"
	@$(NODE_BIN)/eslint --max-warnings 0 .
	@echo "==> prettier --check"
	@$(NODE_BIN)/prettier --check --log-level warn .

policy: bootstrap ## rebuild the committed policy bundle (bundle/bundle.tar.gz) from policies/
	@scripts/build-policy.sh

policy-check: bootstrap ## opa fmt, opa check --strict, opa test with coverage, bundle freshness
	@echo "==> opa fmt"
	@test -z "$$($(OPA) fmt --list policies)" || { echo "Unformatted Rego (run: $(OPA) fmt -w policies):"; $(OPA) fmt --list policies; exit 1; }
	@echo "==> opa check --strict"
	@$(OPA) check --strict policies
	@echo "==> opa test (coverage threshold 95%)"
	@$(OPA) test policies --coverage --threshold 95 --format json > .tools/opa-coverage.json || { $(OPA) test policies -v; exit 1; }
	@$(OPA) test policies
	@node -e 'const r=require("./.tools/opa-coverage.json"); console.log("PASS: policy coverage " + r.coverage.toFixed(1) + "%")'
	@echo "==> policy bundle is up to date"
	@scripts/build-policy.sh .tools/bundle-check.tar.gz >/dev/null && cmp -s .tools/bundle-check.tar.gz bundle/bundle.tar.gz \
	  || { echo "bundle/bundle.tar.gz is stale against policies/: run 'make policy' and commit it."; exit 1; }

test-unit: build ## unit tests (pure logic, real wasm policy; no network)
	@$(NODE_BIN)/mocha --config test/mocharc.unit.json

test-integration: build ## integration tests (MongoDB store on FerretDB)
	@$(NODE_BIN)/mocha --config test/mocharc.integration.json

test-e2e: build ## end-to-end tests (FerretDB + MLflow + mlgate, MLflow Python client)
	@$(NODE_BIN)/mocha --config test/mocharc.e2e.json

test: bootstrap lint typecheck policy-check build ## every check and test suite
	@$(NODE_BIN)/mocha --config test/mocharc.unit.json
	@$(NODE_BIN)/mocha --config test/mocharc.integration.json
	@$(NODE_BIN)/mocha --config test/mocharc.e2e.json

demo: build ## run FerretDB, MLflow and mlgate with a demo admin and user; prints how to use them
	@node dist/scripts/demo.js

routes: build ## every route MLflow serves and its classification; fails on an unclassified or unserved one
	@node dist/scripts/route-coverage.js

bench: build ## benchmarks: decision latency (and at scale), what a reload of the permission data allocates, pages of the permission listings, the gateway process at scale, gateway vs direct MLflow, credentials, proxy, MLflow's keep-alive stall, artifacts, capacity
	@scripts/bench-tools.sh
	@node dist/bench/decision.js
	@node dist/bench/decision-scale.js
	@node dist/bench/reload-alloc.js
	@node dist/bench/list-pages.js
	@node dist/bench/gateway-scale.js
	@node dist/bench/overhead.js
	@node dist/bench/credentials.js
	@node dist/bench/proxy.js
	@node dist/bench/keepalive.js
	@node dist/bench/artifacts.js
	@node dist/bench/capacity.js

bench-anchors: ## install what make bench-compare runs beside mlgate: CPython 3.12, mlflow-oidc-auth 11.0.2 (.tools/); idempotent
	@scripts/bench-anchors.sh

bench-compare: build ## side by side in one run: MLflow direct, mlgate, MLflow basic-auth, mlflow-oidc-auth, a bare proxy hop; writes docs/benchmarks.md (~15 min)
	@scripts/bench-anchors.sh
	@BENCH_WRITE_DOCS=1 node dist/bench/compare/main.js

clean: ## remove build outputs (keeps the toolchain)
	rm -rf dist .run
