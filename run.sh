#!/usr/bin/env bash
# The main job: the Telegram bot when FRAUDBOT_TELEGRAM_TOKEN is set (environment or .env),
# otherwise the terminal chat on the bundled knowledge.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/bootstrap.sh"
exec .venv/bin/fraudbot start "$@"
