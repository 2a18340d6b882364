# aligntm: `make demo` installs and aligns the bundled joint statement; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CORPUS := corpora/joint-statement-2025
OUT    := out
EVAL   ?= ../shared/eval

.PHONY: demo test install install-test bench bench-accuracy bench-speed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# pip builds the aligner's C core (align/_dpcore.c) with the machine's C compiler. An editable
# install leaves the modules uncompiled (pip compiles them only when it copies them): compiled
# here, so that no run pays for it (50 ms of every command where PYTHONDONTWRITEBYTECODE is set).
install: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/python -m compileall -q align tm > /dev/null

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q align tm > /dev/null

# The main job: align the bundled Japanese provisional translation with its English text,
# writing a TMX for CAT tools and a TSV/JSONL to read.
demo: install
	mkdir -p $(OUT)
	$(BIN)/aligntm align $(CORPUS)/ja.txt $(CORPUS)/en.txt -o $(OUT)/joint-statement-2025.tsv --tmx $(OUT)/joint-statement-2025.tmx
	$(BIN)/aligntm align $(CORPUS)/ja.txt $(CORPUS)/en.txt -o $(OUT)/joint-statement-2025.jsonl
	@echo "wrote $(OUT)/joint-statement-2025.tmx, .tsv and .jsonl"
	@# with the Lao text beside them: one trilingual memory (English as the pivot) and each pair
	@if [ -f $(CORPUS)/lo.txt ]; then \
	  $(BIN)/aligntm align $(CORPUS)/ja.txt $(CORPUS)/en.txt $(CORPUS)/lo.txt --pivot en \
	    --tmx $(OUT)/joint-statement-2025.ja-en-lo.tmx -o '$(OUT)/joint-statement-2025.{pair}.tsv' && \
	  echo "wrote $(OUT)/joint-statement-2025.ja-en-lo.tmx and the ja-en, lo-en, ja-lo TSVs"; \
	else echo "(no $(CORPUS)/lo.txt: see corpora/README.md to add the Lao text for a trilingual memory)"; fi

test: install-test
	$(BIN)/python -m pytest -q

bench: bench-accuracy bench-speed

bench-accuracy: install
	$(BIN)/python scripts/bench_accuracy.py --eval $(EVAL)

bench-speed: install
	$(BIN)/python scripts/bench_speed.py

clean:
	rm -rf $(OUT) .pytest_cache build *.egg-info
