#!/usr/bin/env bash
# Install the Node tools of infra/ (aws-cdk CLI, asl-validator) from infra/package-lock.json.
# Idempotent: runs `npm ci` only when infra/node_modules is missing or older than the lock file.
# Needs only Node >= 20 and npm; exits non-zero on any failure.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
infra="${repo_root}/infra"
lock="${infra}/package-lock.json"
# npm ci writes this file last, so its age tells whether the last install matches the lock file.
stamp="${infra}/node_modules/.package-lock.json"

for tool in node npm; do
  command -v "${tool}" >/dev/null 2>&1 || { echo "install-infra-tools: ${tool} not found on PATH" >&2; exit 1; }
done

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "${node_major}" -lt 20 ]; then
  echo "install-infra-tools: Node >= 20 required, found $(node --version)" >&2
  exit 1
fi

fresh() {
  [ -f "${stamp}" ] && [ ! "${lock}" -nt "${stamp}" ] && [ ! "${infra}/package.json" -nt "${stamp}" ] \
    && [ -x "${infra}/node_modules/.bin/cdk" ] && [ -x "${infra}/node_modules/.bin/asl-validator" ]
}

if fresh; then
  echo "install-infra-tools: infra/node_modules is up to date"
else
  echo "install-infra-tools: npm ci --prefix infra"
  npm ci --prefix "${infra}" --no-audit --no-fund
  touch "${stamp}"
fi

"${infra}/node_modules/.bin/cdk" --version >/dev/null
"${infra}/node_modules/.bin/asl-validator" --version >/dev/null
