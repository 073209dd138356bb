#!/usr/bin/env python3
"""A client of the apiserver stand-ins: every PERIOD_MS, on a new thread and a
new connection, an HTTPS GET of https://kubernetes:PORT/PATH sent to ADDRESS
(certificate verified against CA, name "kubernetes"; 0.2 s to connect, 0.3 s
in all). For every 200 answer it appends "start_ms end_ms body" to LOG (epoch
milliseconds; body = the answering node's name). Stops after MAX_S seconds,
or on SIGTERM. One process, so polling every 20 ms costs little CPU.

usage: https_poller.py CA ADDRESS PORT PATH LOG PERIOD_MS MAX_S
"""
import signal
import socket
import ssl
import sys
import threading
import time

CONNECT_TIMEOUT = 0.2
TOTAL_TIMEOUT = 0.3
MAX_IN_FLIGHT = 64


def now_ms():
    return time.time_ns() // 1_000_000


def get_once(context, address, port, path):
    """The body of a 200 answer, or None."""
    deadline = time.monotonic() + TOTAL_TIMEOUT
    with socket.create_connection((address, port), timeout=CONNECT_TIMEOUT) as raw:
        raw.settimeout(max(0.01, deadline - time.monotonic()))
        with context.wrap_socket(raw, server_hostname="kubernetes") as tls:
            request = (f"GET {path} HTTP/1.1\r\nHost: kubernetes:{port}\r\n"
                       "Connection: close\r\n\r\n")
            tls.sendall(request.encode())
            data = b""
            while b"\r\n\r\n" not in data or len(data) < body_end(data):
                tls.settimeout(max(0.01, deadline - time.monotonic()))
                chunk = tls.recv(4096)
                if not chunk:
                    break
                data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200 "):
        return None
    return body.decode(errors="replace").strip() or None


def body_end(data):
    """The length of a whole answer, from its Content-Length (0 if unknown)."""
    head, _, _ = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            return len(head) + 4 + int(value.strip())
    return 0


def attempt(context, args, log, lock, slots):
    start = now_ms()
    try:
        node = get_once(context, args["address"], args["port"], args["path"])
    except (OSError, ssl.SSLError):
        node = None
    finally:
        slots.release()
    if node:
        with lock:
            log.write(f"{start} {now_ms()} {node}\n")
            log.flush()


def main():
    ca, address, port, path, log_path, period_ms, max_s = sys.argv[1:8]
    args = {"address": address, "port": int(port), "path": path}
    context = ssl.create_default_context(cafile=ca)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    lock, slots = threading.Lock(), threading.BoundedSemaphore(MAX_IN_FLIGHT)
    period, end = int(period_ms) / 1000, time.monotonic() + float(max_s)
    with open(log_path, "a", encoding="ascii") as log:
        tick = time.monotonic()
        while tick < end:
            if slots.acquire(blocking=False):
                threading.Thread(target=attempt, args=(context, args, log, lock, slots),
                                 daemon=True).start()
            tick += period
            time.sleep(max(0.0, tick - time.monotonic()))


if __name__ == "__main__":
    main()
