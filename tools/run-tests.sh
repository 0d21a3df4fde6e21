#!/usr/bin/env bash
# Runs every test of the book: library unit tests, nbval over every notebook, and the
# HTML build with warnings as errors. Installs what it needs into .venv first.
# Usage (from the repository root):  bash tools/run-tests.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -e .
# Two workers; each notebook (and the book build) stays within one worker.
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
