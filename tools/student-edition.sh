#!/usr/bin/env bash
# Writes the student edition of every chapter to student_edition/: the same notebooks
# with every solution removed (cells tagged `solution`, and the solution-start /
# solution-end markers around them) and all outputs cleared, ready to hand out.
# It uses nbconvert's own preprocessors (TagRemovePreprocessor, RegexRemovePreprocessor,
# ClearOutputPreprocessor). Usage (from the repository root):  bash tools/student-edition.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -e .
.venv/bin/python -m kobold_lib.student_edition chapters student_edition
