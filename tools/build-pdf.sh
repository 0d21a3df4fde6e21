#!/usr/bin/env bash
# Builds the print edition of the book, two PDFs from the notebooks' stored outputs (no
# notebook is executed, nothing is fetched from the network):
#   _build/pdf/kobolds-and-coins.pdf          reader's edition, solutions included and boxed
#   _build/pdf/kobolds-and-coins-student.pdf  student edition, without the solutions
# Sphinx's LaTeX builder (jupyter-book build --builder latex, settings in _config.yml and
# _ext/print_edition.py), then XeLaTeX through latexmk. Installs what it needs first: the
# Python packages into .venv, and TeX Live from Debian's packages with apt-get when run as
# root (see TEX_PACKAGES).
#
# Usage (from the repository root):
#   bash tools/build-pdf.sh                both PDFs (installing what is missing)
#   bash tools/build-pdf.sh --no-install   both PDFs, installing nothing (the tests use this)
#   bash tools/build-pdf.sh --install-tex  only install TeX Live and poppler-utils, if missing
# The HTML book (tools/build-book.sh) links both PDFs from its front page when they exist.
set -euo pipefail
TOOLS=$(cd "$(dirname "$0")" && pwd)
cd "$TOOLS/.."

# The smallest set of Debian packages that builds the book (measured: about 85 MB to
# download). sphinx-jupyterbook-latex's class loads bbm, which Debian has only in
# texlive-fonts-extra (500 MB); _ext/latex/bbm.sty stands in for it. poppler-utils
# (pdftotext, pdfinfo, pdfimages) is for the tests.
TEX_PACKAGES="texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended fonts-freefont-otf fonts-lmodern latexmk poppler-utils"

have_tex() {
    command -v xelatex >/dev/null 2>&1 && command -v latexmk >/dev/null 2>&1 \
        && command -v pdftotext >/dev/null 2>&1 && command -v pdfimages >/dev/null 2>&1 \
        && command -v kpsewhich >/dev/null 2>&1 && [ -n "$(kpsewhich ucharclasses.sty 2>/dev/null)" ] \
        && [ -n "$(kpsewhich fncychap.sty 2>/dev/null)" ] \
        && [ -n "$(fc-list FreeSerif 2>/dev/null)" ]
}

install_tex() {
    if have_tex; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing TeX Live with apt-get for the PDF build (a few minutes)..."
        local log
        log=$(mktemp)
        if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                --no-install-recommends $TEX_PACKAGES; } >"$log" 2>&1; then
            rm -f "$log"
            return 0
        fi
        echo "error: could not install TeX Live (log: $log)" >&2
        return 1
    fi
    echo "error: TeX Live is missing; install it as root with:" >&2
    echo "  apt-get install --no-install-recommends $TEX_PACKAGES" >&2
    return 1
}

install=yes
case "${1:-}" in
    --install-tex) install_tex; exit $? ;;
    --no-install) install=no ;;
    "") ;;
    *) echo "usage: bash tools/build-pdf.sh [--no-install | --install-tex]" >&2; exit 2 ;;
esac

if [ "$install" = yes ]; then
    source "$TOOLS/setup.sh"   # .venv with requirements.txt and the library
    install_tex
elif ! have_tex; then
    echo "error: TeX Live is missing (bash tools/build-pdf.sh --install-tex installs it)" >&2
    exit 1
fi

OUT=_build/pdf
WORK=$OUT/tex            # jupyter-book's output root for the LaTeX builds (doctrees shared)
mkdir -p "$OUT"
export PYTHONWARNINGS=ignore
JUPYTER_BOOK=${JUPYTER_BOOK:-.venv/bin/jupyter-book}

# 1. Sphinx writes the LaTeX of each edition (warnings are errors, as for the HTML). The
#    edition is applied when the document is assembled, so the second run re-reads
#    nothing.
for edition in reader student; do
    echo "Writing the LaTeX of the $edition edition..."
    started=$SECONDS
    rm -rf "$WORK/_build/latex" "$OUT/latex-$edition"
    if ! KOBOLDS_PDF_EDITION=$edition "$JUPYTER_BOOK" build . --builder latex \
            --path-output "$WORK" -W -n --keep-going >"$OUT/sphinx-$edition.log" 2>&1; then
        tail -40 "$OUT/sphinx-$edition.log" >&2
        echo "error: the LaTeX build of the $edition edition failed (log: $OUT/sphinx-$edition.log)" >&2
        exit 1
    fi
    mv "$WORK/_build/latex" "$OUT/latex-$edition"
    echo "  done in $((SECONDS - started)) s"
done

# 2. XeLaTeX, both editions side by side (latexmk reruns it until the references settle).
typeset_edition() {
    local edition=$1
    (cd "$OUT/latex-$edition" \
        && LATEXOPTS="-interaction=nonstopmode -halt-on-error -file-line-error" \
           latexmk -pdf -dvi- -ps- kobolds-and-coins.tex) >"$OUT/latexmk-$edition.log" 2>&1
}
echo "Typesetting both editions with XeLaTeX..."
started=$SECONDS
typeset_edition reader & reader_pid=$!
typeset_edition student & student_pid=$!
status=0
wait "$reader_pid" || status=1
wait "$student_pid" || status=1
echo "  done in $((SECONDS - started)) s"

# 3. Check each log: no error, no unresolved reference or citation, no missing glyph.
for edition in reader student; do
    texlog=$OUT/latex-$edition/kobolds-and-coins.log
    if [ "$status" != 0 ] || [ ! -f "$OUT/latex-$edition/kobolds-and-coins.pdf" ]; then
        tail -30 "$OUT/latexmk-$edition.log" >&2
        [ -f "$texlog" ] && grep -A6 -E "^[^ ]*:[0-9]+: |^! " "$texlog" | head -40 >&2
        echo "error: XeLaTeX failed (logs: $OUT/latexmk-$edition.log, $texlog)" >&2
        exit 1
    fi
    if grep -E "LaTeX Warning: (Reference|Citation|Hyper reference).*undefined|There were undefined references|Missing character" "$texlog" >&2; then
        echo "error: unresolved references or missing glyphs in the $edition edition (log: $texlog)" >&2
        exit 1
    fi
done

# 4. Publish: a rename, so a reader (or the HTML build, which links and copies the PDFs)
#    never sees half a file.
cp "$OUT/latex-reader/kobolds-and-coins.pdf" "$OUT/.kobolds-and-coins.pdf.tmp"
mv -f "$OUT/.kobolds-and-coins.pdf.tmp" "$OUT/kobolds-and-coins.pdf"
cp "$OUT/latex-student/kobolds-and-coins.pdf" "$OUT/.kobolds-and-coins-student.pdf.tmp"
mv -f "$OUT/.kobolds-and-coins-student.pdf.tmp" "$OUT/kobolds-and-coins-student.pdf"
echo "The print edition is in $OUT/kobolds-and-coins.pdf (with solutions)"
echo "and $OUT/kobolds-and-coins-student.pdf (without solutions)."
