#!/usr/bin/env bash
# The one test command (README, .ci/run): builds everything, including the nanoFramework gate build of the
# engine, runs every test project, and ends with one line "N passed, N failed[, N skipped]" from the TRX results.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The logger's integration tests run against a real Mosquitto 2 broker (Debian package); install it where missing.
if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then
  echo "Installing mosquitto for the broker integration tests..."
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mosquitto >/dev/null
fi
# The package may start a system broker on port 1883; the tests start their own on free ports and need none.

# The rig board (pcb/): its checks read KiCad 6's symbol and footprint libraries, and its fabrication test runs
# KiCad's pcbnew (board, routing, DRC, Gerbers) with the system Python, and OpenSCAD to render the enclosure to
# STL; install them where missing.
if [ ! -f /usr/share/kicad/symbols/Device.kicad_sym ] || [ ! -d /usr/share/kicad/footprints/RF_Module.pretty ] \
   || [ ! -f /usr/lib/python3/dist-packages/pcbnew.py ] || ! /usr/bin/python3 -c "import numpy, PIL" >/dev/null 2>&1 \
   || ! command -v openscad >/dev/null 2>&1; then
  echo "Installing KiCad 6, its libraries and OpenSCAD for the rig board's tests..."
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    python3 python3-numpy python3-pil kicad kicad-symbols kicad-footprints openscad >/dev/null
fi

# The log on PostgreSQL: the tests start a server of their own (initdb and pg_ctl into a temporary folder, on a free
# loopback port) from Debian's postgresql; the package's own cluster is not used.
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "Installing PostgreSQL for the log database tests..."
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

# NWB exports are validated against the NWB 2.6.0 core schema by HDMF's validator (Debian's python3-hdmf, which
# brings h5py and the hdmf-common schema); pynwb is not packaged by Debian.
if ! /usr/bin/python3 -c "import hdmf, h5py" >/dev/null 2>&1; then
  echo "Installing HDMF and h5py for the NWB validation tests..."
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-hdmf python3-h5py >/dev/null
fi

# The web console is tested in a real browser: Debian's Chromium, driven by Playwright for .NET (its own driver
# comes with its NuGet package; no browser download).
if [ -z "${CLOSEDLOOP_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Chromium for the console's browser tests..."
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

# Prints "URI KEYRING" of the first apt source that serves Debian suite $1 (deb822 .sources stanzas first, then
# one-line sources.list entries); KEYRING is empty when the source names none.
debian_source() {
  local suite=$1 found
  found=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v suite="$suite" '
    BEGIN { RS = ""; FS = "\n" }
    {
      uri = ""; key = ""; hit = 0; deb = 0
      for (i = 1; i <= NF; i++) {
        line = $i
        if (line ~ /^Types:/ && line ~ /(^|[ \t])deb([ \t]|$)/) deb = 1
        if (line ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", line); split(line, u, /[ \t]+/); uri = u[1] }
        if (line ~ /^Suites:/) { n = split(line, s, /[ \t]+/); for (j = 2; j <= n; j++) if (s[j] == suite) hit = 1 }
        if (line ~ /^Signed-By:/) { sub(/^Signed-By:[ \t]*/, "", line); key = line }
      }
      if (deb && hit && uri != "") { print uri, key; exit }
    }')
  if [ -z "$found" ]; then
    found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk -v suite="$suite" '
      $1 == "deb" {
        key = ""; i = 2
        if ($2 ~ /^\[/) { for (; i <= NF; i++) { if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/\]$/, "", key) } if ($i ~ /\]$/) { i++; break } } }
        if ($(i + 1) == suite) { print $i, key; exit }
      }')
  fi
  echo "$found"
}

# KiCad 6 has no command-line ERC or schematic netlist; KiCad 9's kicad-cli (Debian bookworm-backports) checks the
# generated schematic and the board's parity with it. It is unpacked into a cache beside KiCad 6, not installed
# over it; its libraries come from Debian as usual.
KICAD_CLI_DIR="${CLOSEDLOOP_TOOLS:-$HOME/.cache/closedloop-tools}/kicad-backports"
if [ ! -x "$KICAD_CLI_DIR/usr/bin/kicad-cli" ]; then
  echo "Unpacking KiCad's command line from bookworm-backports for the rig board's schematic checks..."
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if ! apt-cache policy 2>/dev/null | grep -q bookworm-backports; then
    # The mirror and keyring this machine already takes bookworm from (deb822 or one-line sources), not a fixed one.
    read -r mirror keyring < <(debian_source bookworm)
    if [ -z "$mirror" ]; then
      echo "No apt source for Debian bookworm found in /etc/apt: cannot add bookworm-backports for KiCad's command line" >&2
      exit 1
    fi
    {
      printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\n' "$mirror"
      if [ -n "$keyring" ]; then printf 'Signed-By: %s\n' "$keyring"; fi
    } | $SUDO tee /etc/apt/sources.list.d/closedloop-backports.sources >/dev/null
    $SUDO apt-get update -qq
  fi
  deps=$(apt-cache depends -t bookworm-backports kicad | sed -n 's/^ *|\{0,1\}Depends: //p' | grep -v '[<>:]' | sort -u)
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $deps >/dev/null
  download=$(mktemp -d)
  (cd "$download" && apt-get download -qq -t bookworm-backports kicad 2>/dev/null)
  mkdir -p "$KICAD_CLI_DIR"
  dpkg -x "$download"/kicad_*.deb "$KICAD_CLI_DIR"
  rm -rf "$download"
fi
export CLOSEDLOOP_KICAD_CLI="$KICAD_CLI_DIR/usr/bin/kicad-cli"

results="TestResults"
rm -rf "$results"
mkdir -p "$results"

# Build once (warnings are errors); the gate build fails here if the engine uses anything nanoFramework lacks.
dotnet build ClosedLoop.sln -c Release -nologo -v quiet

# One TRX file per test project, named after it, so that no two runs can overwrite each other's results.
status=0
projects=$(find tests -mindepth 2 -maxdepth 2 -name '*.Tests.csproj' | sort)
expected=0
for project in $projects; do
  expected=$((expected + 1))
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo -v quiet \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=$?
done

# Sum the counters of every TRX file (plain grep/sed: nothing beyond the SDK and Debian is needed). CI reads only this line.
passed=0 failed=0 skipped=0 files=0
for trx in $(find "$results" -name '*.trx'); do
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  attr() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(attr passed)))
  failed=$((failed + $(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted)))
  skipped=$((skipped + $(attr notExecuted)))
done
# Each failed test's name and message, so that a CI log says why (the console loggers above print only the name).
for trx in $(find "$results" -name '*.trx'); do
  awk 'BEGIN { RS = "<UnitTestResult " }
    substr($0, 1, index($0, ">")) ~ /outcome="Failed"/ {
      name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
      message = $0; if (!sub(/.*<Message>/, "", message)) message = ""; sub(/<\/Message>.*/, "", message)
      gsub(/&quot;/, "\"", name); gsub(/&amp;/, "\\&", name)
      gsub(/&lt;/, "<", message); gsub(/&gt;/, ">", message); gsub(/&quot;/, "\"", message); gsub(/&apos;/, "\047", message); gsub(/&amp;/, "\\&", message)
      print "FAILED " name ": " substr(message, 1, 4000)
    }' "$trx"
done
if [ "$files" -ne "$expected" ]; then
  # A test project that produced no results (it crashed or did not build) counts as a failure.
  failed=$((failed + expected - files))
  status=1
fi
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] || status=1
exit $status
