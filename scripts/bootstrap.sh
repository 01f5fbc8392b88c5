#!/usr/bin/env bash
# Create or reuse .venv/ at the repo root and install the package into it.
# Usage: source scripts/bootstrap.sh [extras]   (e.g. "dev")
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EXTRAS="${1:-}"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  if command -v python3.11 >/dev/null 2>&1; then PY=python3.11; else PY=python3; fi
fi
if [ ! -x .venv/bin/python ]; then
  echo "creating .venv with $PY" >&2
  "$PY" -m venv .venv
fi
spec="."
[ -n "$EXTRAS" ] && spec=".[$EXTRAS]"
want="$(sha256sum pyproject.toml | cut -c1-16)"
stamp=".venv/.fraudbot-installed-${EXTRAS:-base}"
installed=no
# The dev install includes everything the plain one has.
for f in "$stamp" .venv/.fraudbot-installed-dev; do
  [ "$(cat "$f" 2>/dev/null)" = "$want" ] && installed=yes
done
if [ "$installed" = no ] || ! .venv/bin/python -c "import bot, torch" 2>/dev/null; then
  echo "installing fraudbot into .venv (first time takes a few minutes)" >&2
  # The CPU build of torch first, so that sentence-transformers does not pull a CUDA build.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
  echo "$want" > "$stamp"
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
