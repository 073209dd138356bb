#!/usr/bin/python3
"""The client side of tests/bench/routed.sh: a new non-blocking TCP connect to
VIP:PORT every 10 ms (each given 0.3 s), "epoch_ms ok|fail" per attempt,
stamped when its outcome is known, for 60 s. usage: routed_probe.py VIP PORT OUT"""
import errno, select, socket, sys, time
vip, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
end = time.time() + 60
pending = {}  # socket -> start
nxt = 0.0
with open(out, "w", buffering=1) as f:
    while time.time() < end:
        now = time.time()
        if now >= nxt:
            s = socket.socket()
            s.setblocking(False)
            rc = s.connect_ex((vip, port))
            if rc in (0, errno.EINPROGRESS):
                pending[s] = now
            else:
                f.write("%d fail\n" % int(now * 1000))
                s.close()
            nxt = now + 0.01
        _, ready, _ = select.select([], list(pending), [], max(0.0, nxt - time.time()))
        now = time.time()
        for s in ready:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            f.write("%d %s\n" % (int(now * 1000), "fail" if err else "ok"))
            del pending[s]
            s.close()
        for s, t in list(pending.items()):
            if now - t > 0.3:
                f.write("%d fail\n" % int(now * 1000))
                del pending[s]
                s.close()
