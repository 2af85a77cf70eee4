# 娘家人 — everyday commands. `make run` and `make test` work on a fresh machine with only Python and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run chat test lint typecheck kbcheck eval bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: setup  ## the service on http://127.0.0.1:8080/ (web chat; WeChat/Telegram when their UNIONBOT_* are set)
	-$(BIN)/python -m bot doctor  # what is not ready (staff nobody can alert …); the web chat runs all the same
	$(BIN)/python -m bot serve --host 127.0.0.1 --port 8080

chat: setup
	$(BIN)/python -m bot chat

lint: setup
	$(BIN)/ruff check bot intents knowledge storage tests bench

typecheck: setup
	$(BIN)/mypy

kbcheck: setup
	$(BIN)/python -m bot kb check

test: setup lint typecheck kbcheck
	$(BIN)/python -m pytest

eval: setup
	$(BIN)/python -m bot eval ../shared/eval/dev.jsonl

bench: setup  ## every figure of the README's performance table, in one run (about 3 minutes)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) data/cache .pytest_cache .mypy_cache .ruff_cache
