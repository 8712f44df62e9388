#!/usr/bin/env bash
# Installs what the test suite needs beyond Python packages: Debian's Chromium (browser tests) and the
# pinned CDK CLI + ASL validator (infrastructure tests). Idempotent; safe on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Chromium (Debian package) for the browser tests…"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

if [ -x scripts/install-infra-tools.sh ]; then
  scripts/install-infra-tools.sh
fi
