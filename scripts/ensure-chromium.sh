#!/bin/sh
# The browser tests (tests/browser.py) drive Debian's chromium: Playwright's own browser download is
# not used. `make test` runs this first: with chromium on the PATH it does nothing; without, as root
# it installs Debian's package, and otherwise it stops with what to do.
set -eu

command -v chromium >/dev/null 2>&1 && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "chromium is missing: the browser tests need Debian's chromium. Install it (as root: apt-get install chromium), or run make test as root, which installs it." >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is missing and there is no apt-get to install it: install a chromium that is on the PATH as 'chromium'." >&2
    exit 1
fi

echo "chromium is missing: installing Debian's (apt-get install chromium)"
export DEBIAN_FRONTEND=noninteractive
# A fresh image has no package lists yet: fetch them only when the first try cannot find the package.
apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }
command -v chromium >/dev/null 2>&1 || { echo "apt-get installed chromium, but 'chromium' is still not on the PATH." >&2; exit 1; }
