#!/usr/bin/env bash
# Regenerates build/appicon.png (1024×1024): seven flat-top hexes — a settlement ringed by
# terrain, one hex still under fog — on a dark rounded tile. Needs ImageMagick 6 (`convert`).
set -euo pipefail
cd "$(dirname "$0")"
R=138        # hex circumradius
GAP=0.90     # drawn radius / R: leaves dark seams between hexes
CX=512; CY=520
# centre, then the ring clockwise from the top; colours follow the map renderer's terrains
centers=(
  "0 0 #c0504d"      # settlement
  "0 -1 #4f8a3c"     # forest
  "1 -0.5 #a8c26a"   # plains
  "1 0.5 #3f7fbf"    # water
  "0 1 #d9c27a"      # desert
  "-1 0.5 #8a8f98"   # mountains
  "-1 -0.5 #3a3f4a"  # fog
)
draw=()
for c in "${centers[@]}"; do
  read -r dx dy color <<<"$c"
  pts=$(awk -v R="$R" -v g="$GAP" -v cx="$CX" -v cy="$CY" -v dx="$dx" -v dy="$dy" 'BEGIN{
    pi=atan2(0,-1); x0=cx+dx*1.5*R; y0=cy+dy*sqrt(3)*R; s="";
    for(i=0;i<6;i++){a=pi/3*i; s=s sprintf("%.1f,%.1f ", x0+g*R*cos(a), y0+g*R*sin(a))}
    print s}')
  draw+=(-fill "$color" -draw "polygon $pts")
done
convert -size 1024x1024 xc:none \
  -fill '#1b1d23' -draw 'roundrectangle 48,48 975,975 180,180' \
  -stroke '#e8e2d0' -strokewidth 10 "${draw[@]}" \
  -stroke none -fill '#f4efe0' -draw "circle $CX,$((CY)) $CX,$((CY-34))" \
  -depth 8 -define png:exclude-chunks=date,time appicon.png
convert appicon.png -resize 256x256 -depth 8 -define png:exclude-chunks=date,time linux/hexcrawl.png
echo "wrote $(pwd)/appicon.png"
