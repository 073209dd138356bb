#!/usr/bin/env bash
# Set up a fresh Debian 12 machine (as root) and build vipd: install the build
# and test dependencies with apt-get, then autoreconf, configure and make.
# Sourced or run by scripts/run-demo.sh and scripts/run-tests.sh.
set -euo pipefail

VIPD_PACKAGES=(
	build-essential autoconf automake libtool pkg-config
	libconfig-dev libnl-3-dev libnl-route-3-dev libmnl-dev libssl-dev libcmocka-dev libjansson-dev libcap-ng-dev
	systemd mandoc man-db
	iproute2 iputils-ping nftables tcpdump socat ncat openssl curl procps psmisc python3 python3-yaml gnuplot-nox
	cppcheck clang-tidy clang libclang-rt-14-dev valgrind
	keepalived stress-ng
	frr
)

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "vipd: this needs root (network namespaces, apt-get): run it with sudo" >&2
		exit 1
	fi
}

install_packages() {
	local missing=()
	local p
	for p in "${VIPD_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "==> apt-get install ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q </dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
	# The Debian packages may start their own keepalived and FRR; vipd's tests
	# run their own (FRR: zebra and bgpd per namespace, paths in a temp dir).
	if command -v systemctl >/dev/null 2>&1; then
		systemctl disable --now keepalived >/dev/null 2>&1 || true
		systemctl disable --now frr >/dev/null 2>&1 || true
	fi
}

build_vipd() {
	echo "==> building vipd"
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
		autoreconf -fi
	fi
	if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
		./configure --enable-werror --prefix=/usr --sysconfdir=/etc
	fi
	make -j"$(nproc)"
	make -j"$(nproc)" check TESTS= >/dev/null
}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
need_root
install_packages
build_vipd
