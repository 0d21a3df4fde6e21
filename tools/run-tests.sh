#!/usr/bin/env bash
# Runs every test of the book: library unit tests, nbval over every notebook, the HTML
# build with warnings as errors, and the built book checked offline in headless Chromium.
# Installs what it needs into .venv first (and chromium with apt-get where it can).
# Usage (from the repository root):  bash tools/run-tests.sh [extra pytest arguments]
#
# The run fails unless pytest passes AND, for the full run (no extra arguments), at least
# MIN_TESTS tests ran: a run that collects nothing (a crashed worker, a broken import)
# can never pass silently. It ends with one plain line: "N passed, N failed, N skipped".
set -euo pipefail
MIN_TESTS=1180  # 1215 tests ran on 2026-12-07; a run far below that lost part of the suite
source "$(dirname "$0")/setup.sh"
# The browser tests drive Debian's Chromium through Playwright (never Playwright's own
# browser download). Install it where we can: as root with apt-get, as on CI. If that is
# not possible the browser tests skip with the reason (and fail under CI=true).
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing chromium with apt-get for the browser tests..."
        apt_log=$(mktemp)
        if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$apt_log" 2>&1; then
            rm -f "$apt_log"
        else
            echo "warning: could not install chromium (log: $apt_log); the browser tests will skip (fail under CI=true)" >&2
        fi
    else
        echo "note: no chromium here (e.g. apt-get install chromium); the browser tests will skip (fail under CI=true)" >&2
    fi
fi
# TeX Live and poppler-utils for the print-edition tests (tests/test_pdf.py), from Debian's
# packages with apt-get as root; returns at once when they are installed. Without them the
# PDF tests skip with the reason (and fail under CI=true).
bash tools/build-pdf.sh --install-tex || echo "warning: could not install TeX Live; the PDF tests will skip (fail under CI=true)" >&2
# Two workers; each notebook (and the book build) stays within one worker.
# One BLAS thread per process: two test workers already use both cores, and threaded
# OpenBLAS slows down badly when its threads compete (8.8 s instead of 0.2 s for one cell).
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
mkdir -p _build/test-results
results=_build/test-results/junit.xml
rm -f "$results"
floor=$MIN_TESTS
[ "$#" -gt 0 ] && floor=1
status=0
.venv/bin/python -m pytest -n 2 --dist loadfile --junitxml="$results" "$@" || status=$?
exec .venv/bin/python tools/test_summary.py "$results" --pytest-status "$status" --min-tests "$floor"
