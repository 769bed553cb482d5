#!/usr/bin/env bash
# Install the system Chromium and its WebDriver for the widget's browser tests
# (tests/e2e/test_widget.py). Idempotent: does nothing when both are present.
# Debian packages only; Selenium is pointed at these binaries and never downloads a browser.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

if [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; then
  echo "setup-browser: chromium and chromedriver already installed, nothing to do"
else
  missing=()
  [ -x "$CHROMIUM" ] || missing+=("$CHROMIUM")
  [ -x "$CHROMEDRIVER" ] || missing+=("$CHROMEDRIVER")
  echo "setup-browser: missing ${missing[*]}; installing chromium chromium-driver"
  bash "$(dirname "$0")/apt-install.sh" chromium chromium-driver fonts-dejavu-core
  echo "setup-browser: installed"
fi
"$CHROMIUM" --version 2>/dev/null || echo "setup-browser: $CHROMIUM --version failed" >&2
"$CHROMEDRIVER" --version
