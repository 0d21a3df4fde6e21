#!/usr/bin/env bash
# Writes the student edition of every chapter to student_edition/: the same notebooks
# with every solution removed (cells tagged `solution`, and the solution-start /
# solution-end markers around them) and all outputs cleared, ready to hand out.
# It uses nbconvert's own preprocessors (TagRemovePreprocessor, RegexRemovePreprocessor,
# ClearOutputPreprocessor). Usage (from the repository root):  bash tools/student-edition.sh
set -euo pipefail
source "$(dirname "$0")/setup.sh"
.venv/bin/python -m kobold_lib.student_edition chapters student_edition
