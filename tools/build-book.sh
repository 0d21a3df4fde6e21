#!/usr/bin/env bash
# Builds the HTML book into _build/html (warnings are errors). Installs what it needs
# into .venv first. Usage (from the repository root):  bash tools/build-book.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -e .
.venv/bin/jupyter-book build . -W -n --keep-going
echo "The book is in _build/html/index.html"
