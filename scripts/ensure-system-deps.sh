#!/usr/bin/env bash
# Installs what npm cannot: Debian's Chromium (for Playwright), Prometheus (for the
# integration tests) and kubectl (to render deploy/). Installs only when run as root with apt-get;
# otherwise names what is missing and fails, so no suite is skipped silently.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
# kubectl renders deploy/ (kustomize) as a user would; Debian's kubernetes-client provides it
# where the machine has no kubectl of its own (it conflicts with one installed otherwise).
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "meshviz tests need these system packages: ${missing[*]}" >&2
echo "Install them (Debian/Ubuntu: sudo apt-get install -y --no-install-recommends ${missing[*]}) and run again." >&2
exit 1
