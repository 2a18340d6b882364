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

# numba compiles the aligner's DP for long documents once and caches it on disk (about 25 s):
# done here, so that the first long alignment does not wait for it.
install: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/python -m align.dp_compiled

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python -m align.dp_compiled

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
