#!/usr/bin/env bash
# Print every report.html (run, drill, compare, sweep) with headless
# Chromium as A4 landscape and read the PDF back with pdftotext: every
# column header of every table, and every id drawn in the dependency graph,
# must be in the printed text (nothing cut at the page edge).
#
# Installs Debian's chromium and poppler-utils when missing (apt-get); when
# that is not possible it says so and skips (exit 0) rather than fail.
set -euo pipefail
cd "$(dirname "$0")/.."

need_install=()
command -v chromium >/dev/null 2>&1 || need_install+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need_install+=(poppler-utils)
if ((${#need_install[@]})); then
  echo "print test: installing ${need_install[*]} (apt-get)"
  if ! { command -v apt-get >/dev/null 2>&1 \
      && DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >/dev/null; }; then
    echo "print test SKIPPED: could not install ${need_install[*]} with apt-get;" \
         "the printed PDFs were NOT checked"
    exit 0
  fi
fi

cargo build --release --quiet
bcdr=./target/release/bcdr
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$bcdr run scenarios/regional-bank.ron --trials 2000 --quiet --out "$tmp/run"
$bcdr drill scenarios/regional-bank.ron --threat ransomware --trials 2000 --quiet --out "$tmp/drill"
$bcdr compare scenarios/ransomware-mutable.ron scenarios/ransomware-immutable.ron \
  --trials 2000 --quiet --out "$tmp/compare"
$bcdr sweep scenarios/regional-bank.ron --set services.core-db.backup.interval=15m,1h,4h \
  --trials 1000 --quiet --out "$tmp/sweep"

# Decode what report.html escapes.
unescape() { sed -e 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&amp;/\&/g'; }

failed=0 checked=0
for report in run drill compare sweep; do
  html="$tmp/$report/report.html"
  pdf="$tmp/$report.pdf"
  if [[ ! -f "$html" ]]; then
    echo "FAIL $report: no report.html"
    failed=$((failed + 1))
    continue
  fi
  timeout 180 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --no-pdf-header-footer \
    --user-data-dir="$(mktemp -d -p "$tmp")" --print-to-pdf="$pdf" "file://$html" \
    >/dev/null 2>&1 || true
  if [[ ! -s "$pdf" ]]; then
    echo "FAIL $report: Chromium printed no PDF"
    failed=$((failed + 1))
    continue
  fi
  # One line of text, whitespace collapsed.
  text=$(pdftotext -raw "$pdf" - | tr -s ' \n\t' '   ')
  # Every column header of every table.
  mapfile -t heads < <(grep -o '<th[^>]*>[^<]*</th>' "$html" | sed -e 's/<[^>]*>//g' | unescape | sort -u)
  # Every node drawn in the dependency graph (when the report has one).
  nodes=()
  if grep -q '<svg' "$html"; then
    mapfile -t nodes < <(grep '<g class="node' "$tmp/$report/graph.svg" 2>/dev/null \
      | sed -n 's/.*<text[^>]*>\([^<]*\)<\/text>.*/\1/p' | unescape | sort -u)
  fi
  missing=()
  for h in "${heads[@]}" "${nodes[@]}"; do
    [[ -z "$h" ]] && continue
    checked=$((checked + 1))
    h=$(printf '%s' "$h" | tr -s ' ' ' ')
    [[ "$text" == *"$h"* ]] || missing+=("$h")
  done
  if ((${#missing[@]})); then
    echo "FAIL $report: not in the printed PDF: ${missing[*]}"
    failed=$((failed + 1))
  else
    echo "ok   $report: ${#heads[@]} column headers and ${#nodes[@]} graph nodes printed" \
         "($(pdfinfo "$pdf" 2>/dev/null | sed -n 's/^Page size: *//p' | head -1))"
  fi
done
echo "print test: $((4 - failed)) passed, $failed failed"
exit $((failed > 0))
