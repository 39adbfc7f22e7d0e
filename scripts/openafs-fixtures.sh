#!/bin/bash
# Writes the media fixtures of test/fixtures/openafs with the real OpenAFS 1.8.9 programs in the lab
# cell (../shared/labs/openafs/cell.sh): backup data files written by the real butc, `vos dump`
# streams of the same volume clones, `read_tape` listings and `backup dumpinfo` records.
# Usage: scripts/openafs-fixtures.sh [LABDIR] (root; the cell is started if needed, left up).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
lab=${1:-$here/../shared/labs/openafs}
C="$lab/cell.sh"
out="$here/test/fixtures/openafs"
"$C" up >/dev/null 2>&1
eval "$("$C" env)"
media=$AFSLAB_MEDIA_DIR/fixtures
dumps=$AFSLAB_DIR/dumps
rm -rf "$media"; rm -f "$out"/*.butc "$out"/*.vdump "$out"/*.txt
mkdir -p "$media" "$out"
port=7

bk() { "$C" exec timeout 180 backup "$@" -localauth; }
butc_on() { # butc_on DEVICE [tapeconfig options]
  "$C" butc stop $port >/dev/null 2>&1 || true
  "$C" tapeconfig $port "$@" --quiet
  "$C" butc start $port >/dev/null
}
dump_id() { sed -n 's/.*Dump ID[^0-9]*\([0-9][0-9]*\).*/\1/p' | head -1; }

# Two small generated volumes in their own volume set, cloned fresh.
"$C" volume fx.a --size 48K --files 10 --seed 3 >/dev/null
"$C" volume fx.b --size 150K --files 30 --seed 4 >/dev/null
"$C" reset-budb >/dev/null 2>&1
bk addvolset -name fx
bk addvolentry -name fx -server afssrv -partition a -volumes 'fx\..*\.backup'
"$C" exec vos backupsys -prefix fx -localauth >/dev/null

# 1. A full dump, then an incremental appended to the same medium.
butc_on "$media/full-append"
bk dump -volumeset fx -dump /full -portoffset $port
for v in fx.a fx.b; do "$C" exec vos dump -id $v.backup -file "$out/$v.full.vdump" -localauth 2>/dev/null; done
"$C" volume fx.a --mutate 2 --add 1 >/dev/null
"$C" exec vos backupsys -prefix fx -localauth >/dev/null
bk dump -volumeset fx -dump /full/incr -portoffset $port -append
cp "$media/full-append" "$out/full-append.butc"

# 2. A full dump across several media: a small capacity and a MOUNT callout that moves the
#    finished medium aside (BUTC-SPEC §2.8), so each "tape" is its own file.
cat > "$media/mount.sh" <<'SH'
#!/bin/sh
# MOUNT/UNMOUNT callout: <device> <operation> [<tries> <tapename> <dumpid>]; empty environment.
PATH=/usr/bin:/bin
echo "$*" >> "$1.callouts"
[ "$2" = unmount ] && exit 0
if [ -s "$1" ]; then n=1; while [ -e "$1.$n" ]; do n=$((n + 1)); done; mv "$1" "$1.$n"; fi
exit 0
SH
chmod +x "$media/mount.sh"
butc_on "$media/span" --capacity 160K --mount "$media/mount.sh" --unmount "$media/mount.sh" --autoquery yes
bk dump -volumeset fx -dump /full -portoffset $port
n=1; while [ -e "$media/span.$n" ]; do cp "$media/span.$n" "$out/span.$n.butc"; n=$((n + 1)); done
cp "$media/span" "$out/span.$n.butc"
sed "s|$media/||g" "$media/span.callouts" > "$out/span.callouts.txt"
for v in fx.a fx.b; do "$C" exec vos dump -id $v.backup -file "$out/$v.span.vdump" -localauth 2>/dev/null; done

# 3. savedb and labeltape.
butc_on "$media/savedb"
bk savedb -portoffset $port
cp "$media/savedb" "$out/savedb.butc"
butc_on "$media/label"
bk labeltape -pname fxpool.1 -size 100M -portoffset $port
cp "$media/label" "$out/label.butc"
"$C" butc stop $port >/dev/null

# What the real butc prints for readlabel and scantape of each single medium (its stdout).
console() { # console OPERATION MEDIUM OUTFILE
  local log=$AFSLAB_OUT_DIR/butc$port.out skip
  skip=$(wc -c < "$log")
  cp "$1" "$media/console"
  butc_on "$media/console"
  bk "$2" -portoffset $port > /dev/null
  sleep 1
  tail -c +$((skip + 1)) "$log" | sed -n '/^Token expires/,$p' | tail -n +2 | sed '/^\[afslab/d' > "$3"
  "$C" butc stop $port >/dev/null
}
for m in full-append label savedb; do console "$out/$m.butc" readlabel "$out/$m.readlabel.txt"; done
# (scantape of a medium without a dump label, or of a DB tape, waits for an operator.)
console "$out/full-append.butc" scantape "$out/full-append.scantape.txt"

# What the real programs say about them.
for f in "$out"/*.butc; do read_tape -tape "$f" -scan -label -vheaders > "${f%.butc}.read_tape.txt" 2>&1 || true; done
bk dumpinfo -ndumps 10 > "$out/dumpinfo.txt" 2>&1
for id in $(awk '/^[0-9]+ /{print $1}' "$out/dumpinfo.txt"); do bk dumpinfo -id "$id" -verbose > "$out/dumpinfo-$id.txt" 2>&1; done
ls -la "$out"
