#!/bin/sh
# irfa import nwb: ElectricalSeries at 2 kHz + electrodes table + trials table + template images.
set -eu
CLI=$1; HERE=$2; PY=/usr/bin/python3
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
$PY "$HERE/make_fixtures.py" nwb "$W/fx"
"$CLI" import nwb --nwb "$W/fx/rec.nwb" --size 16 --out "$W/s1"
$PY "$HERE/check_session.py" nwb "$W/s1" "$W/fx"
echo "import nwb ok"
