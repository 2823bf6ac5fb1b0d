# The two commands of the README: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# the plan parser's modules that setup.py compiles with mypyc, and the stamp of their build
PARSER := $(filter-out %/__init__.py %/read.py %/docx.py %/compiled.py,$(wildcard tasks/importers/*.py))
NATIVE := build/.native-stamp

.PHONY: run test install native setup lint bench clean

# the editable install leaves the parser as Python; `native` compiles it in place, again
# whenever one of its modules changes (a compiled module is loaded before its source)
$(STAMP): pyproject.toml setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	REFORMTRACKER_PURE_PYTHON=1 $(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(NATIVE): $(PARSER) $(STAMP)
	@echo "用 mypyc 编译计划解析器（tasks/importers）..."
	$(PY) setup.py --quiet build_ext --inplace
	find tasks/importers -maxdepth 1 -name '*.so' -exec touch {} +
	mkdir -p build && touch $(NATIVE)

native: $(NATIVE)

install: $(STAMP) $(NATIVE)

## make run: install, migrate, load the seed plans, demo users and the demo plan dated around today, start web + worker + beat (Ctrl-C stops all)
setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py fill_calendar
	$(PY) manage.py load_seeds
	$(PY) manage.py create_demo_users
	$(PY) manage.py load_demo
	$(PY) manage.py scan_deadlines

run: setup
	@echo "打开 http://127.0.0.1:$${PORT:-8000}/ ，用上面的演示账号登录；Ctrl-C 停止全部进程。"
	$(VENV)/bin/honcho -f Procfile.dev start --port $${PORT:-8000}

## make test: the whole suite, browser tests included (installs Debian's chromium, LibreOffice Calc for the 任务分解表 round trip and the 督查通报's printed pages, LibreOffice Writer for the Word 督查通报's PDF, poppler-utils for their pictures, and CJK fonts if missing)
test: install
	@command -v chromium >/dev/null 2>&1 && command -v soffice >/dev/null 2>&1 && [ -e /usr/lib/libreoffice/program/libswlo.so ] && command -v pdftoppm >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || \
		{ echo "安装 chromium、libreoffice-calc-nogui、libreoffice-writer-nogui、poppler-utils 与 fonts-noto-cjk ..."; (apt-get update -qq || true) && apt-get install -y -qq chromium libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-noto-cjk >/dev/null; }
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo

bench: install
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f; done

clean:
	rm -rf var staticfiles .pytest_cache build tasks/importers/*.so
