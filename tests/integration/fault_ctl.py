#!/usr/bin/python3
"""Control-socket abuser for t_fault_control.sh.

  fault_ctl.py SOCKET CLIENTS CONCURRENCY MAX_S OUT.json [PER_SECOND]

Opens CLIENTS (<= 5000) connections to vipd's Unix control socket, at most
CONCURRENCY (<= 256) at a time and PER_SECOND (default: no limit) a second,
each doing one of (round-robin):
  garbage    300 random bytes, no newline (the daemon's line is 255)
  flood      64 KiB of random bytes with newlines, then close
  nul        NUL bytes and a newline
  idle       connect, send nothing, wait for the daemon to hang up
  partial    "sta" and wait (a slow client)
  close      connect and close at once
  stats      "stats --json\\n", read the answer
  noread     "status\\n" and close without reading
  metrics    "metrics\\n", read the answer
  unknown    "no such command\\n", read the answer
Never a command that changes state (drain, resume, reload). Every client
gives up after 3 s; the whole run stops at MAX_S (<= 120) s. Writes, per
behaviour, how many got an answer, were hung up on without one, refused,
reset or timed out, and the time taken.
"""
import concurrent.futures
import errno
import json
import os
import socket
import sys
import threading
import time

KINDS = ["garbage", "flood", "nul", "idle", "partial", "close", "stats", "noread",
         "metrics", "unknown"]


def random_line(n):
    b = bytearray(os.urandom(n))
    for i, c in enumerate(b):
        if c == 10:
            b[i] = 32
    if b[:1] in (b"d", b"r", b"h"):  # never start like drain / resume / reload / holding
        b[0] = ord("x")
    return bytes(b)


def one(path, kind, deadline):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(max(0.1, min(3.0, deadline - time.monotonic())))
    try:
        s.connect(path)
        if kind == "garbage":
            s.sendall(random_line(300))
        elif kind == "flood":
            data = bytearray(random_line(65536))
            for i in range(200, len(data), 200):
                data[i] = 10
            try:
                s.sendall(bytes(data))
            except OSError:
                pass
            return "sent"
        elif kind == "nul":
            s.sendall(b"\0" * 40 + b"\n")
        elif kind == "idle":
            pass
        elif kind == "partial":
            s.sendall(b"sta")
        elif kind == "close":
            return "sent"
        elif kind == "stats":
            s.sendall(b"stats --json\n")
        elif kind == "noread":
            s.sendall(b"status\n")
            return "sent"
        elif kind == "metrics":
            s.sendall(b"metrics\n")
        elif kind == "unknown":
            s.sendall(b"no such command\n")
        got = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        return "answered" if got else "hung_up"
    except socket.timeout:
        return "timeout"
    except ConnectionRefusedError:
        return "refused"
    except ConnectionResetError:
        return "reset"
    except BrokenPipeError:
        return "reset"
    except OSError as e:
        if e.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
            return "refused"
        return "error_%s" % errno.errorcode.get(e.errno, e.errno)
    finally:
        s.close()


def main():
    if len(sys.argv) not in (6, 7):
        sys.exit(__doc__)
    per_s = float(sys.argv[6]) if len(sys.argv) == 7 else 0.0
    path, clients, conc, max_s, out = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                                       float(sys.argv[4]), sys.argv[5])
    clients, conc, max_s = min(clients, 5000), max(1, min(conc, 256)), min(max_s, 120.0)
    start = time.monotonic()
    deadline = start + max_s
    results = {k: {} for k in KINDS}
    lock = threading.Lock()

    def run(i):
        kind = KINDS[i % len(KINDS)]
        if per_s > 0:
            wait = start + i / per_s - time.monotonic()
            if wait > 0:
                time.sleep(min(wait, max(0.0, deadline - time.monotonic())))
        if time.monotonic() >= deadline:
            r = "skipped"
        else:
            r = one(path, kind, deadline)
        with lock:
            results[kind][r] = results[kind].get(r, 0) + 1

    with concurrent.futures.ThreadPoolExecutor(max_workers=conc) as pool:
        list(pool.map(run, range(clients)))
    with open(out, "w") as f:
        json.dump({"clients": clients, "seconds": round(time.monotonic() - start, 3),
                   "results": results}, f)


if __name__ == "__main__":
    main()
