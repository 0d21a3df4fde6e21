# Shared setup for every command in tools/: sourced, not run. From the repository root it
# makes .venv (Python 3.11 where available) and installs requirements.txt and the library
# (pip install -e .) into it; pip skips what is already installed, so a second run is quick.
# Usage, at the top of a tools/*.sh script:  source "$(dirname "$0")/setup.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -e .
# Compile and cache the library's numba kernels once, so a chapter's first run in JupyterLab
# is quick (tools/warm_kernels.py; a second run only loads the cache). Not under CI, whose
# test workers compile into numba caches of their own (tests/conftest.py).
[ -n "${CI:-}" ] || .venv/bin/python tools/warm_kernels.py --quiet || echo "warning: the kernel warm-up failed; they compile on first use" >&2
