#!/usr/bin/env bash
# Renders a cohort workbook as it would print, for a person to look at:
#   scripts/render-workbook.sh OUTPUT/AS_OF/cohort_xlsx/U12804_AS_OF.xlsx [OUT_DIR]
# writes OUT_DIR/NAME.pdf (LibreOffice headless, every sheet with its print setup) and
# OUT_DIR/NAME-1.png, NAME-2.png... (one per page, pdftoppm at 80 dpi). OUT_DIR defaults to
# pipeline/target/rendered/. Needs libreoffice-calc-nogui and poppler-utils (Debian packages).
set -euo pipefail
if [ $# -lt 1 ] || [ "$1" = "--help" ] || [ "$1" = "-h" ]; then
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -lt 1 ] && exit 2 || exit 0
fi
book=$1
[ -f "$book" ] || { echo "render-workbook: no such file: $book" >&2; exit 4; }
here=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$here/pipeline/target/rendered}
for tool in soffice pdftoppm; do
  command -v "$tool" >/dev/null || { echo "render-workbook: $tool not found (apt-get install libreoffice-calc-nogui poppler-utils)" >&2; exit 3; }
done
mkdir -p "$out"
name=$(basename "$book" .xlsx)
profile=$(mktemp -d)   # a fresh LibreOffice profile: no first-run state, no clash with a running office
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$out" "$book" >/dev/null
pdftoppm -r 80 -png "$out/$name.pdf" "$out/$name"
pages=$(ls "$out/$name"-*.png | wc -l)
echo "$out/$name.pdf: $pages page(s) as $out/$name-*.png"
