# Two entry points (see README): `make compare` (main job) and `make test` (the suite).
# Both create .venv and install CoGS into it on first use.
PYTHON ?= python3
VENV   ?= .venv
# torch first (pinned); README "Installing by hand" says which build this is. CPU-only on Linux:
#   make TORCH="torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" ...; GPU: .../whl/cu128
TORCH  ?= torch==2.13.0
GROUP  ?= Z23
OUT    ?= runs/$(GROUP)
ARGS   ?=
BIN     = $(VENV)/bin

.PHONY: setup compare test bench clean

$(BIN)/cogs-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check $(TORCH)
	$(BIN)/pip install -q --disable-pip-version-check -e ".[test,plots,distributed]"
	touch $@

setup: $(BIN)/cogs-installed

compare: setup
	$(BIN)/cogs compare --group $(GROUP) --out $(OUT) $(ARGS)

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider $(ARGS)

clean:
	rm -rf $(VENV) runs
