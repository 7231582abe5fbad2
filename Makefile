# papershelf — every target sets itself up: a fresh machine needs only Python, git and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
SPEC   := bench/.work/commonmark.json
CORPUS := tests/.corpus/.complete

.PHONY: demo test lint typecheck unit quick bench system-tools corpus clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The benchmarks' peers (pyproject's bench extra) on top of the test install.
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

# The CommonMark spec examples (CC-BY-SA, not kept here) from the installed markdown-it-py's sdist.
$(SPEC): | $(BENCH_STAMP)
	rm -rf bench/.work/spec && mkdir -p bench/.work/spec
	$(BIN)/python -m pip download --quiet --no-deps --no-binary :all: -d bench/.work/spec \
	  "markdown-it-py==$$($(BIN)/python -c 'import markdown_it; print(markdown_it.__version__)')"
	tar -xzf bench/.work/spec/markdown_it_py-*.tar.gz -O --wildcards \
	  '*/tests/test_cmark_spec/commonmark.json' > $(SPEC).part
	mv $(SPEC).part $(SPEC)

# The public test archives of rarfile and py7zr (their sdists on PyPI) and of libarchive
# (Debian's source package, fetched with this machine's own Debian mirror and private
# lists), for tests/test_extract_corpus.py; not kept in git.
$(CORPUS): | $(STAMP)
	rm -rf tests/.corpus && mkdir -p tests/.corpus/src tests/.corpus/apt/parts tests/.corpus/apt/lists/partial tests/.corpus/apt/cache
	$(BIN)/python -m pip download --quiet --no-deps --no-binary :all: -d tests/.corpus/src \
	  rarfile==4.5 py7zr==0.22.0
	sed -n '/^Types: deb$$/,/^$$/{s/^Types: deb$$/Types: deb-src/;/^Suites:/s/ [a-z]*-updates//;p}' \
	  /etc/apt/sources.list.d/debian.sources | sed '/^$$/q' > tests/.corpus/apt/parts/debian.sources
	apt-get -qq -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$(CURDIR)/tests/.corpus/apt/parts \
	  -o Dir::State::Lists=$(CURDIR)/tests/.corpus/apt/lists -o Dir::Cache=$(CURDIR)/tests/.corpus/apt/cache update
	cd tests/.corpus/src && apt-get -qq --download-only -o APT::Sandbox::User=root \
	  -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$(CURDIR)/tests/.corpus/apt/parts \
	  -o Dir::State::Lists=$(CURDIR)/tests/.corpus/apt/lists -o Dir::Cache=$(CURDIR)/tests/.corpus/apt/cache \
	  source libarchive
	$(BIN)/python tests/extract_corpus.py unpack tests/.corpus
	touch $@

## corpus: fetch the public test archives the slow extract comparison reads
corpus: $(CORPUS)

## demo: build a small study repository in a temporary folder and run repo-check on it
demo: $(STAMP)
	$(BIN)/python scripts/demo.py

## system-tools: the RAR backends, 7-Zip, aria2 and curl (the fetch benchmark's peers), and headless
## Chromium with an emoji font (the plan page's browser test and screenshots) that the tests and
## benchmarks use (root only)
system-tools:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  missing=""; \
	  for p in unar:unar bsdtar:libarchive-tools 7zz:7zip unzip:unzip zip:zip git-lfs:git-lfs hyperfine:hyperfine valgrind:valgrind setpriv:util-linux pdftotext:poppler-utils aria2c:aria2 curl:curl chromium:chromium; do \
	    command -v $${p%%:*} >/dev/null || missing="$$missing $${p#*:}"; \
	  done; \
	  [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing="$$missing fonts-noto-color-emoji"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  fi; \
	else echo "not root: install unar, libarchive-tools, 7zip, aria2 and chromium yourself"; fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

## quick: the developer loop — the suite without the tests marked slow
quick: $(STAMP)
	$(BIN)/python -m pytest -m 'not slow' -q

unit: $(STAMP)
	$(BIN)/python -m pytest

## test: install everything the tests need, then lint, type-check and run the whole suite
test: system-tools $(STAMP) $(CORPUS)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest

## bench: side-by-side benchmarks against the peer tools (see README)
bench: system-tools $(BENCH_STAMP) $(SPEC)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
