# vipd's container image, for the static pod of `vipctl generate static-pod`.
# Debian 12 (bookworm): a build stage with the toolchain and the -dev packages,
# and a runtime stage with only the shared libraries vipd and vipctl link.
#
#   docker build -t vipd:0.1.0 .
#
# The pod runs vipd as root with only CAP_NET_ADMIN and CAP_NET_RAW, so exec
# checks and notify hooks cannot run in it; the image holds no shell tools for
# them either. Use the native https and tcp checks.

FROM debian:bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        build-essential autoconf automake libtool pkg-config \
        libconfig-dev libnl-3-dev libnl-route-3-dev libmnl-dev libssl-dev \
        libjansson-dev libcap-ng-dev libcmocka-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# libcmocka-dev: configure requires it (for make check), vipd does not link it.
RUN autoreconf -fi \
    && ./configure --prefix=/usr --sysconfdir=/etc \
    && make -j"$(nproc)" \
    && make install DESTDIR=/out

FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libconfig9 libnl-3-200 libnl-route-3-200 libmnl0 libssl3 libjansson4 \
        libcap-ng0 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /etc/vipd /run/vipd
COPY --from=build /out/usr/sbin/vipd /usr/sbin/vipd
COPY --from=build /out/usr/bin/vipctl /usr/bin/vipctl
COPY --from=build /out/usr/share/doc/vipd/examples/ /usr/share/doc/vipd/examples/
ENTRYPOINT ["/usr/sbin/vipd"]
CMD ["-f", "/etc/vipd/vipd.conf", "--log", "stderr", "--control", "/run/vipd/vipd.sock"]
