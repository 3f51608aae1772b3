#!/usr/bin/env bash
# npm's pretest: the browser tests drive Debian's chromium. When it is missing, install it (as
# .ci/run does) if this machine allows it, saying so; otherwise stop here, loudly: the browser tests
# are never skipped.
set -euo pipefail

CHROMIUM="${REVERIFY_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0

echo "pretest: $CHROMIUM is missing; the browser tests need Debian's chromium." >&2
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    as_root=(none)
  fi
  if [ "${as_root[*]-}" != none ]; then
    echo "pretest: running: ${as_root[*]:+${as_root[*]} }apt-get update && ${as_root[*]:+${as_root[*]} }apt-get install -y chromium" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update
    "${as_root[@]}" apt-get install -y chromium
    if [ -x "$CHROMIUM" ]; then
      echo "pretest: installed $CHROMIUM" >&2
      exit 0
    fi
    echo "pretest: FAILED: apt-get install finished, but $CHROMIUM is still missing." >&2
    exit 1
  fi
fi
echo "pretest: FAILED: cannot install chromium here (needs apt-get, as root or with passwordless sudo)." >&2
echo "pretest: install Debian's chromium (apt-get install chromium) so that $CHROMIUM exists, then run npm test again." >&2
exit 1
