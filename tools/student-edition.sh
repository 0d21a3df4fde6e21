#!/usr/bin/env bash
# Writes the student edition of every chapter to student_edition/: the released
# assignments of the nbgrader course (tools/course.py), i.e. each chapter with its
# solutions removed and outputs cleared, an answer cell (and the visible tests) after each
# exercise, plus kobold_course.py (per-student parameters) and chapters/data/.
# Installs what it needs into .venv first. Usage (from the repository root):
#   bash tools/student-edition.sh
set -euo pipefail
source "$(dirname "$0")/setup.sh"
.venv/bin/python tools/student_edition.py chapters student_edition
