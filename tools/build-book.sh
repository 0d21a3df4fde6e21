#!/usr/bin/env bash
# Builds the HTML book into _build/html (warnings are errors). Installs what it needs
# into .venv first. Usage (from the repository root):  bash tools/build-book.sh
set -euo pipefail
source "$(dirname "$0")/setup.sh"
.venv/bin/jupyter-book build . -W -n --keep-going
echo "The book is in _build/html/index.html"
