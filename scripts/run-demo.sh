#!/usr/bin/env bash
# Quick start, part 1: set up, build, and run the namespace demo of a kubeadm
# HA control plane (three masters, a client, five failure scenes). Arguments
# go to scripts/demo.sh: --compare keepalived runs the same scenes with
# keepalived and the kubeadm HA guide's config.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec bash scripts/demo.sh "$@"
