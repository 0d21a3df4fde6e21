#!/usr/bin/env bash
# Writes the nbgrader course of the book to course/: course/nbgrader_config.py (kept if
# it exists), course/source/<chapter>/ made from every chapter by tools/course.py, and
# course/release/<chapter>/ by `nbgrader generate_assignment`. Installs what it needs
# into .venv first. Usage (from the repository root):
#   bash tools/assignments.sh            # the whole course
#   bash tools/assignments.sh --check    # only check the grading specifications
# Then run nbgrader from course/ (see instructors.md, "Grading with nbgrader").
set -euo pipefail
source "$(dirname "$0")/setup.sh"
.venv/bin/python tools/course.py "$@"
