#!/usr/bin/env bash
# Draws the adieu/OpenSSL ratios of an adieu-bench run as an SVG chart:
#
#   adieu-bench --tsv=figures.tsv
#   bench/plot_ratios.sh figures.tsv docs/performance-ratios.svg "commit 1234abc"
#
# One horizontal bar per figure, from 1 (the two libraries equal) to the
# ratio adieu-bench reports (the median of the round-by-round ratios), on a
# log scale; the whisker is the range of the round-by-round ratios.
# Two panels: rates (handshakes/s, MB/s: above 1 adieu is faster) and costs
# (allocations, bytes held, microseconds: below 1 adieu spends less). Green
# bars are figures where adieu is ahead, red where OpenSSL is. Bulk "both on
# one core" rows are left out: they follow from the encrypt and decrypt rows.
# Figures are TLS 1.3 unless their label starts with "TLS 1.2".
# The third argument, if any, is added to the title (the commit measured).
#
# Needs gnuplot (Debian: gnuplot-nox) and awk. A documentation tool: CI does
# not run it.
set -euo pipefail

if (($# < 2)); then
  echo "usage: plot_ratios.sh FIGURES.tsv OUT.svg [TITLE NOTE]" >&2
  exit 2
fi
tsv=$1
out=$2
note=${3:-}
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "plot_ratios.sh: gnuplot is not installed (apt-get install gnuplot-nox)" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The ratio lines that are ok, one file per panel, in the bench's order:
#   index  ratio  min  max  adieu_ahead(1/0)  label
# Columns of the tsv: group name label unit better who value min max rounds
# of_limit status. The QUIC groups are not adieu/OpenSSL (adieu alone in
# memory, adieu/ngtcp2 over loopback): not on this chart.
awk -F'\t' -v rates="$work/rates.dat" -v costs="$work/costs.dat" '
  /^#/ || $1 == "group" || $1 ~ /^QUIC/ { next }
  $6 != "ratio" || $12 != "ok" { next }
  {
    # "bulk" is TLS 1.3, "TLS 1.2 bulk" TLS 1.2.
    bulk = $1 == "bulk" || $1 ~ / bulk$/
    if (bulk && $2 ~ /_both_/) next
    label = $3
    if (bulk && $1 != "bulk") { version = $1; sub(/ bulk$/, "", version); label = version ": " $3 }
    if (!bulk && $1 != "idle") label = $1 ": " $3
    if ($1 == "idle" && $4 == "bytes") label = "held when idle: " $3
    if ($1 == "idle" && $4 != "bytes") label = $3
    label = label " (" $4 ")"
    gsub(/"/, "", label)
    higher = $5 == "higher"
    ahead = higher ? ($7 > 1) : ($7 < 1)
    file = higher ? rates : costs
    n = higher ? ++nrates : ++ncosts
    printf "%d\t%s\t%s\t%s\t%d\t%s\n", n, $7, $8, $9, ahead, label > file
  }
  END {
    if (nrates + ncosts == 0) { print "plot_ratios.sh: no ratio is ok in the file" > "/dev/stderr"; exit 1 }
  }' "$tsv"
touch "$work/rates.dat" "$work/costs.dat"

count() { awk 'END { print NR }' "$1"; }
rates_n=$(count "$work/rates.dat")
costs_n=$(count "$work/costs.dat")
# x range of a panel: the ratios and their whiskers, and 1, with a margin.
xrange() {
  awk -F'\t' 'BEGIN { lo = 1; hi = 1 }
    { for (i = 2; i <= 4; i++) { if ($i < lo) lo = $i; if ($i > hi) hi = $i } }
    END { printf "%g:%g", lo / 1.6, hi * 1.6 }' "$1"
}
machine=$(awk '/^# Machine: / { sub(/^# Machine: /, ""); print; exit }' "$tsv")
run=$(awk '/^# adieu-bench/ { sub(/^# /, ""); sub(/, compiler.*/, ""); print; exit }' "$tsv")

# 18 px per bar, plus room for each panel's title and axis.
bar=18
top=60
panel_extra=70
rates_h=$((rates_n * bar + panel_extra))
costs_h=$((costs_n * bar + panel_extra))
height=$((top + rates_h + costs_h))

cat >"$work/plot.gp" <<EOF
set terminal svg size 1000,$height font "sans,11" noenhanced background rgb "white"
set output "$out"
set datafile separator "\t"
set logscale x
set xtics ("0.02x" 0.02, "0.05x" 0.05, "0.1x" 0.1, "0.2x" 0.2, "0.5x" 0.5, "1x" 1, "2x" 2, \
  "3x" 3, "5x" 5, "10x" 10)
set grid xtics lc rgb "#dddddd"
set ytics scale 0 nomirror
set xtics nomirror
set border 3
set key off
set style fill solid 0.85 noborder
set lmargin 58
set rmargin 8
set multiplot title "adieu / OpenSSL: the median of the round-by-round ratios (whiskers: their range); TLS 1.3 unless marked TLS 1.2\n$run, $machine${note:+, $note}"

# Panel: FILE, N, XRANGE, TITLE, ORIGIN, SIZE.
bar_lo(r) = r < 1 ? r : 1
bar_hi(r) = r < 1 ? 1 : r
colour(ahead) = ahead > 0 ? 0x2e8b57 : 0xc0392b

set origin 0, $(awk -v h="$height" -v c="$costs_h" 'BEGIN { printf "%g", c / h }')
set size 1, $(awk -v h="$height" -v r="$rates_h" -v t="$top" 'BEGIN { printf "%g", (r) / h }')
set title "Rates: handshakes/s and MB/s (above 1x: adieu is faster)"
set xrange [$(xrange "$work/rates.dat")]
set yrange [$rates_n + 0.7:0.3]
set arrow 1 from 1, graph 0 to 1, graph 1 nohead lc rgb "#555555" lw 1.5
plot "$work/rates.dat" using (bar_lo(\$2)):1:(bar_lo(\$2)):(bar_hi(\$2)):(\$1 - 0.38):(\$1 + 0.38):(colour(\$5)):ytic(6) \
       with boxxyerror lc rgb variable title "ratio", \
     "" using 2:1:3:4 with xerrorbars pt -1 lc rgb "#333333" title "range over the rounds", \
     "" using (\$4 > \$2 ? \$4 : \$2):1:(sprintf(" %.2fx", \$2)) with labels left font "sans,9" title "value"

set origin 0, 0
set size 1, $(awk -v h="$height" -v c="$costs_h" 'BEGIN { printf "%g", c / h }')
set title "Costs: allocations, bytes held, microseconds (below 1x: adieu spends less)"
set xrange [$(xrange "$work/costs.dat")]
set yrange [$costs_n + 0.7:0.3]
plot "$work/costs.dat" using (bar_lo(\$2)):1:(bar_lo(\$2)):(bar_hi(\$2)):(\$1 - 0.38):(\$1 + 0.38):(colour(\$5)):ytic(6) \
       with boxxyerror lc rgb variable title "ratio", \
     "" using 2:1:3:4 with xerrorbars pt -1 lc rgb "#333333" title "range over the rounds", \
     "" using (\$3 < \$2 ? \$3 : \$2):1:(sprintf("%.2fx ", \$2)) with labels right font "sans,9" title "value"
unset multiplot
EOF
gnuplot "$work/plot.gp"
echo "plot_ratios.sh: $rates_n rates and $costs_n costs drawn into $out"
