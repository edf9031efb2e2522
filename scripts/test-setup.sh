#!/usr/bin/env bash
# Test set-up: the Debian packages the browser test (report.html in headless Chromium) and the notebook test
# (scripts/analysis.ipynb under nbconvert) need, installed when missing. Run by `npm test` (pretest) and CI.
#
# The notebook runs on Debian's own interpreter, /usr/bin/python3, never whatever `python3` is first on PATH (a pyenv
# or venv Python has no Debian packages). Without root or apt-get it installs nothing, says what is missing, and
# those two tests skip, saying why.
set -euo pipefail

PACKAGES=(chromium python3-pandas python3-matplotlib jupyter-nbconvert python3-ipykernel)

have() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "test-setup: not a Debian system: the browser and notebook tests will skip (they need: ${PACKAGES[*]})"
  exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
  have "$package" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-setup: missing ${missing[*]}; as root: apt-get install -y --no-install-recommends ${missing[*]}"
  echo "test-setup: until then the browser and notebook tests skip"
  exit 0
fi

echo "test-setup: installing ${missing[*]} (Debian packages, for the browser and notebook tests)"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be absent or stale on a fresh machine; one update, then the install.
apt-get update -qq
# fonts-liberation: Chromium's recommended fonts, so the screenshot shows text, not boxes.
apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-liberation >/dev/null
echo "test-setup: done"
