#!/usr/bin/env bash
# Runs every test (unit, loopback, network namespace, sshd, headless Chromium) and builds
# target/osmanager.jar. Tests that need root (netns, users) run as root in CI.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B verify "$@"
