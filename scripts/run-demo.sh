#!/usr/bin/env bash
# Quick start, part 1: set up, build, and run the namespace demo of a
# 3-master failover.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec bash scripts/demo.sh
