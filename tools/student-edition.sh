#!/usr/bin/env bash
# Writes the student edition of every chapter to student_edition/: the released
# assignments of the nbgrader course (tools/course.py), i.e. each chapter with its
# solutions removed and outputs cleared, an answer cell (and the visible tests) after each
# exercise, plus kobold_course.py (per-student parameters) and chapters/data/.
# Installs what it needs into .venv first. Usage (from the repository root):
#   bash tools/student-edition.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -e .
.venv/bin/python tools/student_edition.py chapters student_edition
