# The one place commands live; CI (.ci/run) calls the same targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# Targets run in the order written (install-go-tools before the install-* it makes
# cached); `make -j` would start the same build twice.
.NOTPARALLEL:

UV := $(shell bash scripts/ensure-uv.sh)
ifeq ($(UV),)
$(error could not install uv: run `bash scripts/ensure-uv.sh` to see why)
endif
RUN := $(UV) run --frozen

.PHONY: help install install-go-tools install-observability install-dapr install-browser install-kube install-redis install-ocr eval-extraction up down logs status demo compose-up compose-down compose-clean dapr-run test test-compose test-unit test-e2e soak longhaul bench generate vectors lint format clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

install: install-go-tools install-redis install-dapr install-ocr install-observability ## install Python deps, Dapr binaries, Redis, Tesseract, Jaeger and Prometheus
	$(UV) sync --frozen --all-packages

# The Go tools a target needs, built side by side before anything else (cold, one after
# another, they were most of CI's first half hour); the install-* targets then find them cached.
GO_TOOLS := dapr jaeger
install-go-tools: ## build (or reuse) the Go tools of the stack at once (GO_TOOLS)
	@bash scripts/build-go-tools.sh $(GO_TOOLS)

install-dapr: ## build (or reuse) daprd, placement, scheduler and the dapr CLI
	@bash scripts/install-dapr.sh >/dev/null

install-browser: ## Debian's chromium and axe-core, for the console's browser tests
	@bash scripts/install-browser.sh >/dev/null

install-observability: ## build (or reuse) Jaeger; Debian's prometheus and promtool if missing
	@bash scripts/install-jaeger.sh >/dev/null
	@bash scripts/install-prometheus.sh

install-redis: ## install Debian's redis-server if missing
	@bash scripts/install-redis.sh

install-ocr: ## Debian's tesseract-ocr, its language packs and DejaVu fonts, if missing
	@bash scripts/install-ocr.sh

CORPUS ?= data
eval-extraction: install ## field accuracy on CORPUS=dir (<name>.pdf + <name>.json truth each)
	$(RUN) python -m invoice_eval $(CORPUS) $(EVAL_ARGS)

up: install ## start the whole stack in the background (logs in .run/logs)
	$(RUN) python -m invoice_stack up

down: ## stop everything `make up` started
	@$(RUN) python -m invoice_stack down

logs: ## follow every log of the `make up` stack (the apps write JSON lines; `docker compose logs -f` for compose)
	@ls .run/logs/*.log >/dev/null 2>&1 || { echo "no logs yet: make up"; exit 1; }
	@tail -n 20 -F .run/logs/*.log

status: ## is the stack up?
	@$(RUN) python -m invoice_stack status

demo: up ## install, start the stack, process data/sample-invoice.pdf, print the result
	$(RUN) python -m invoice_stack demo sample-invoice.pdf
	@echo "The stack is still running: API http://127.0.0.1:8080/docs, its key and the dapr CLI's"
	@echo "token via 'source .run/cli.env'. Stop it with: make down"

compose-up: install ## the same stack in containers: engine, images, `docker compose up --wait`
	$(RUN) python -m invoice_stack.compose up

compose-down: ## stop the compose stack (its volumes stay; `make compose-clean` drops them)
	@$(RUN) python -m invoice_stack.compose down

compose-clean: ## stop the compose stack and remove its volumes
	@$(RUN) python -m invoice_stack.compose down --volumes

dapr-run: install ## run the apps with the stock CLI: `dapr run -f .` (Ctrl-C stops them)
	$(RUN) python -m invoice_stack up --infra-only
	@# The CLI looks for daprd in $$DAPR_RUNTIME_PATH/.dapr/bin; point it at our build.
	@mkdir -p .run/dapr-home/.dapr/bin && bin=$$(bash scripts/install-dapr.sh) && \
	  for b in daprd placement scheduler; do ln -sf $$bin/$$b .run/dapr-home/.dapr/bin/$$b; done && \
	  eval "$$($(RUN) python -m invoice_stack env)" && \
	  DAPR_RUNTIME_PATH=$(CURDIR)/.run/dapr-home REDIS_HOST=127.0.0.1:6390 $$bin/dapr run -f .

install-kube: ## build (or reuse) kube-apiserver, etcd and kubectl: the manifest test's real API server
	@bash scripts/install-kube.sh >/dev/null

# The tests also need the manifest test's API server (and compose its plugin): built with the rest.
test test-e2e: GO_TOOLS = dapr jaeger kube
test-compose: GO_TOOLS = dapr jaeger kube compose
test: install install-browser install-kube ## the whole suite: unit tests, then end-to-end on a stack of its own
	@# The stock dapr CLI picks sidecars by app id machine-wide: one stack at a time.
	@[ "$$E2E_REUSE_STACK" = 1 ] || $(RUN) python -m invoice_stack down >/dev/null
	$(RUN) pytest

test-compose: install install-browser install-kube ## the end-to-end tests again, against the compose stack (containers)
	@[ "$$E2E_REUSE_STACK" = 1 ] || $(RUN) python -m invoice_stack down >/dev/null
	E2E_STACK=compose $(RUN) pytest -m e2e

test-unit: install-ocr ## unit tests only (no Dapr; the OCR tests need Tesseract)
	@# Every workspace package, invoice_eval among them: `uv run` alone syncs only the root.
	$(UV) sync --frozen --all-packages
	$(RUN) pytest -m "not e2e"

test-e2e: install install-browser install-kube ## end-to-end tests only
	@[ "$$E2E_REUSE_STACK" = 1 ] || $(RUN) python -m invoice_stack down >/dev/null
	$(RUN) pytest -m e2e

soak: up ## 1,000 invoices (and 3 minutes) through the running stack: zero failures, memory within 10%
	$(RUN) python -m invoice_stack.load --invoices $${SOAK_INVOICES:-1000}

longhaul: up ## LONGHAUL_MINUTES (60) of steady load with restarts: results checked, memory per process plotted
	$(RUN) python -m invoice_stack.longhaul

bench: install ## Dapr vs plain asyncio, Prefect 3, Temporal on one corpus: benchmarks/results/
	@# A peer that cannot be built here is reported in the table, not fatal.
	bash scripts/install-temporal.sh >/dev/null || echo "Temporal could not be built (see above)"
	bash scripts/install-postgres.sh >/dev/null || echo "PostgreSQL could not be installed (see above)"
	cd benchmarks && $(UV) sync --frozen
	cd benchmarks && $(UV) run --frozen python -m invoice_bench bench $(BENCH_ARGS)
	cd benchmarks && $(UV) run --frozen python -m invoice_bench aggregate || echo "the aggregate comparison could not run (see above)"

generate: ## write dapr.yaml, docker-compose.yml, http/bruno and contracts/schemas from their sources
	$(RUN) python -m invoice_stack.render

vectors: ## record contracts/vectors from the Python services (review the diff before committing)
	$(RUN) python -m invoice_stack.contracts record

lint: ## ruff check, format check, and mypy (strict) on the apps, services, shared and tools
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy

format: ## apply ruff fixes and formatting
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

clean: down ## remove run data (Redis, scheduler, artifacts, logs)
	rm -rf .run
