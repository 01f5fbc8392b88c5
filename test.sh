#!/usr/bin/env bash
# The test suite: lint the knowledge, check style and types, run every test. Extra args go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/bootstrap.sh" dev
.venv/bin/ruff check bot tests
.venv/bin/ruff format --check bot tests
.venv/bin/mypy
.venv/bin/fraudbot lint
.venv/bin/python -m pytest "$@"
