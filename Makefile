# IKZ-Dokumente: siehe README.md. `make help` zeigt alle Ziele.
SHELL    := /bin/bash
PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
WORKBOOK ?= inputs/ikz-2025.xlsx
ARGS     ?=
SYSTEM_TOOLS := soffice fc-list pdfsig pdffonts pdftoppm pdftotext certutil qpdf chromium
APT_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui fontconfig poppler-utils qpdf libnss3-tools fonts-liberation2 fonts-dejavu-core fonts-crosextra-carlito chromium
# npm (for axe-core in the browser tests) only when no npm is there: some Node.js builds bring their own
NPM_PACKAGES := nodejs npm
AXE      := tests/web/node_modules/axe-core/axe.min.js

.DEFAULT_GOAL := help
.PHONY: help setup system report render check verify ruecklauf versand test test-schnell lint bench new-workbook neues-jahr sample clean serve bench-web

help: ## diese Übersicht
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'
	@echo "Für Entwickler (docs/DEVELOPING.md):"
	@grep -E '^[a-z-]+:.*#dev ' $(MAKEFILE_LIST) | awk -F':.*#dev ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	@echo "Richte die Python-Umgebung in $(VENV)/ ein (einmalig, etwa eine Minute) ..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet -e '.[test,lint]'
	@touch $@

setup: system $(BIN)/.installed ## Python-Umgebung und Systemprogramme einrichten
	@# the project's bytecode, written here (a few milliseconds when it is current): every command loads it instead
	@# of compiling the sources again, also where PYTHONDONTWRITEBYTECODE is set (0.1-0.2 s per command)
	@$(BIN)/python -m compileall -q pipeline tools tests

system: ## LibreOffice, poppler, qpdf, NSS-Werkzeuge und Schriften installieren (falls sie fehlen)
	@missing=""; \
	if command -v dpkg-query >/dev/null; then \
	  installed=" $$(dpkg-query -W -f='$${db:Status-Abbrev}$${Package} ' $(APT_PACKAGES) 2>/dev/null | tr -s ' ') "; \
	  for p in $(APT_PACKAGES); do case "$$installed" in *" ii $$p "*) ;; *) missing="$$missing $$p";; esac; done; \
	else \
	  for t in $(SYSTEM_TOOLS); do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "Installiere Systempakete (fehlend:$$missing) ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	  else \
	    echo "Es fehlen:$$missing. Bitte installieren: sudo apt-get install $(APT_PACKAGES)"; exit 1; \
	  fi; \
	fi

$(AXE): tests/web/package.json tests/web/package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(NPM_PACKAGES) >/dev/null; \
	  else echo "Es fehlt npm. Bitte installieren: sudo apt-get install $(NPM_PACKAGES)"; exit 1; fi; \
	fi
	@# without libfaketime (`faketime … make test`, docs/DEVELOPING.md): node's V8 aborts with it preloaded
	@cd tests/web && env -u LD_PRELOAD npm ci --no-audit --no-fund --silent
	@touch $@

report: setup ## alle Dokumente, PDFs und signierten Mappen erzeugen (WORKBOOK=...)
	@$(BIN)/python -m pipeline report "$(WORKBOOK)" $(ARGS)

check: setup ## Arbeitsmappe und Vorlagen prüfen
	@$(BIN)/python -m pipeline check "$(WORKBOOK)" $(ARGS)

# WORKBOOK given (make verify WORKBOOK=…): only that run, signatures counted as in the Rücklauf
VERIFY_SCOPE = $(if $(filter command line environment,$(origin WORKBOOK)),--arbeitsmappe "$(WORKBOOK)")

verify: setup ## Signaturen prüfen: alle Ausgaben, die einer Arbeitsmappe (WORKBOOK=...) oder eine Datei (DATEI=...)
	@$(BIN)/python -m pipeline verify $(if $(DATEI),"$(DATEI)",$(VERIFY_SCOPE)) $(ARGS)

versand: setup ## je Kommune ein Ordner mit Mappe, Projektaufträgen und E-Mail-Entwurf (nach make report)
	@$(BIN)/python -m pipeline versand "$(WORKBOOK)" $(ARGS)

ruecklauf: setup ## zurückgekommene PDFs zuordnen und Unterschriften zählen (ORDNER=..., ARGS=--arbeitsmappe-kopie)
	@$(BIN)/python -m pipeline ruecklauf "$(or $(ORDNER),$(error Bitte angeben: make ruecklauf ORDNER=Ordner-mit-den-PDFs))" "$(WORKBOOK)" $(ARGS)

neues-jahr: setup ## Arbeitsmappe für das nächste Jahr aus der des Vorjahres (VORJAHR=..., DATEI=...)
	@$(BIN)/python -m pipeline neues-jahr "$(or $(VORJAHR),$(WORKBOOK))" "$(or $(DATEI),$(error Bitte angeben: make neues-jahr VORJAHR=inputs/ikz-2025.xlsx DATEI=inputs/ikz-2026.xlsx))" $(ARGS)

new-workbook: setup ## leere Arbeitsmappe anlegen (DATEI=neu.xlsx, ARGS=--force überschreibt mit Sicherungskopie)
	@$(BIN)/python -m pipeline new-workbook "$(or $(DATEI),neue-arbeitsmappe.xlsx)" $(ARGS)

render: setup ## nur die Word-Dokumente erzeugen
	@$(BIN)/python -m pipeline render "$(WORKBOOK)" $(ARGS)

serve: setup ## die Web-Anwendung starten (http://127.0.0.1:8000; ARGS="--host … --port …")
	@$(BIN)/python -m pipeline serve $(ARGS)

# one test process per core (pytest-xdist), each test file in one process (its module fixtures are made once), the
# web package in one (tests/conftest.py), in the order of the collection (long groups first); PARALLEL= runs the
# tests in one process
PARALLEL ?= -n auto --dist loadfile --no-loadscope-reorder

test: setup $(AXE) ## alle Tests ausführen
	@$(BIN)/python -m pytest $(PARALLEL) $(ARGS)

test-schnell: setup #dev die schnellen Tests (Einheiten und kurze Integrationstests, ohne die als »slow« markierten)
	@$(BIN)/python -m pytest $(PARALLEL) -m "not slow" $(ARGS)

lint: setup #dev Stil (ruff) und Typen (mypy) prüfen
	@$(BIN)/ruff check pipeline tests tools
	@$(BIN)/mypy

bench: setup #dev Laufzeitmessung (Benchmark)
	@$(BIN)/python -m tools.bench $(ARGS)

bench-web: setup #dev Messung der Web-Anwendung: Seitenzeiten unter Last, Lauf aus dem Browser, Speicher
	@$(BIN)/python -m tools.bench_web $(ARGS)

sample: setup #dev Beispielarbeitsmappe aus tools/sample_data.py neu erzeugen (überschreibt nie Ihre Änderungen)
	@$(BIN)/python -m tools.build_sample $(ARGS)


clean: ## erzeugte Ausgaben löschen (gesicherte Unterschriften in outputs/ruecklauf/ bleiben)
	@find outputs -mindepth 1 -maxdepth 1 ! -name ruecklauf ! -name .gitkeep -exec rm -rf {} +
	@rm -rf .pytest_cache
