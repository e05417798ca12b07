#!/usr/bin/env bash
# Run Ace by DAISY (pinned in package.json beside this file) on one EPUB.
# Usage: tests/tools/ace.sh OUTDIR EPUB [more ace options]
# Writes OUTDIR/report.json (and report.html), replacing an earlier report, and
# exits with Ace's status: 0 once the report is written, even if it lists
# violations (read report.json's "earl:result"); non-zero if Ace failed.
# Needs: node (18 or later) on PATH; `npm ci` done in this folder (`make test`
# does it); a system Chromium, from PUPPETEER_EXECUTABLE_PATH or else chromium /
# chromium-browser on PATH. Ace itself starts Chromium headless with
# --no-sandbox, so it works as root. No network: Ace blocks http(s) requests,
# but puppeteer talks to Chromium over loopback, which must be up.
set -euo pipefail

if (($# < 2)); then echo "usage: $0 OUTDIR EPUB [ace options]" >&2; exit 64; fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
outdir=$1 epub=$2
shift 2

if [[ -z ${PUPPETEER_EXECUTABLE_PATH:-} ]]; then
    PUPPETEER_EXECUTABLE_PATH=$(command -v chromium || command -v chromium-browser) ||
        { echo "ace.sh: no Chromium found; set PUPPETEER_EXECUTABLE_PATH" >&2; exit 69; }
    export PUPPETEER_EXECUTABLE_PATH
fi
# Puppeteer must never fetch a browser of its own.
export PUPPETEER_SKIP_DOWNLOAD=1
# Ace allows Chromium 5 s to start; a busy 2-core CI machine can need more.
export ACE_TIMEOUT_INITIAL=${ACE_TIMEOUT_INITIAL:-60000}

exec node "$here/node_modules/@daisy/ace-cli/bin/ace.js" --force --outdir "$outdir" "$@" "$epub"
