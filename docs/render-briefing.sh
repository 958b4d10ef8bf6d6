#!/usr/bin/env bash
# Look at a briefing as a person would: write it as PDF and HTML, render both to PNG.
#   docs/render-briefing.sh DATA THEME OUT_DIR     (needs pdftoppm; chromium for the HTML)
set -euo pipefail
data=${1:-scr-demo} theme=${2:-domestic_abuse} out=${3:-/tmp/scr-briefing}
mkdir -p "$out"
.venv/bin/scr brief "$theme" --format pdf --output "$out/$theme.pdf" --data "$data"
.venv/bin/scr brief "$theme" --format html --output "$out/$theme.html" --data "$data"
pdftoppm -r 70 -png "$out/$theme.pdf" "$out/$theme-pdf"
if command -v chromium >/dev/null; then
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,2400 \
        --screenshot="$out/$theme-html.png" "file://$(realpath "$out/$theme.html")" 2>/dev/null
fi
ls "$out"
