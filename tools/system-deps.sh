#!/usr/bin/env bash
# Check the Debian/Ubuntu packages Pressroom needs; install the missing ones
# when run as root, otherwise print the sudo command and fail.
# Usage: tools/system-deps.sh build|test   (test implies build)
#   build: what `make dist` needs (WeasyPrint loads Pango/HarfBuzz at run time)
#   test:  extra tools for `make test` (EPUBCheck's Java, Poppler, Chromium and Node for Ace,
#          Chromium's driver for the preview's browser tests)
set -euo pipefail

group=${1:-build}
case $group in build|test) ;; *) echo "usage: $0 build|test" >&2; exit 64 ;; esac

if ! command -v dpkg-query >/dev/null; then
    echo "system-deps: not a Debian/Ubuntu system; install the $group dependencies by hand" >&2
    exit 0
fi

missing=()
installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == *"ok installed"* ]]; }
need() { installed "$1" || missing+=("$1"); }
have() { command -v "$1" >/dev/null; }

# `python3 -m venv` needs ensurepip, which Debian ships separately in python3-venv.
py=${PYTHON:-python3}
{ "$py" -m venv --help && "$py" -c 'import ensurepip'; } >/dev/null 2>&1 || missing+=(python3-venv)
for p in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig; do need "$p"; done

if [[ $group == test ]]; then
    have java || need default-jre-headless     # EPUBCheck
    need poppler-utils                         # pdfinfo, pdffonts, pdftotext, pdfdetach, pdftoppm
    if ! have chromium && ! have chromium-browser; then   # the browser Ace drives
        if grep -qs '^ID=ubuntu' /etc/os-release; then missing+=(chromium-browser); else missing+=(chromium); fi
    fi
    if ! have chromedriver; then                # drives the browser in the preview's tests
        if grep -qs '^ID=ubuntu' /etc/os-release; then missing+=(chromium-chromedriver); else missing+=(chromium-driver); fi
    fi
    have node || need nodejs                   # Ace runs on Node
    have npm || need npm
fi

((${#missing[@]})) || exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "Missing system packages for '$group'. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

# No prompts: CI has no tty, and debconf questions would hang.
export DEBIAN_FRONTEND=noninteractive
echo "system-deps: installing ${missing[*]}" >&2
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
