#!/usr/bin/env python3
"""An apiserver stand-in for the namespace tests: HTTPS on [::]:PORT (dual
stack), HTTP/1.1 with keep-alive like the real apiserver, answering every GET
with 200 and the node's name as the body. While the file NOTREADY exists,
/readyz answers 500 (an apiserver that lost etcd or is shutting down, still
up); every other path still answers 200.

usage: apiserver_standin.py NODE PORT CERT KEY [NOTREADY]
"""
import http.server
import os
import socket
import ssl
import sys

HANDSHAKE_TIMEOUT = 2.0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        # The TLS handshake runs here, in the connection's thread and with a
        # timeout, not in accept(): a client that vanishes mid-handshake (its
        # VIP moved, its node crashed) must not stop the server accepting.
        self.request.settimeout(HANDSHAKE_TIMEOUT)
        self.request.do_handshake()
        self.request.settimeout(None)
        super().setup()

    def do_GET(self):
        body = (self.server.node_name + "\n").encode()
        status = 200
        notready = self.server.notready_file
        if self.path.startswith("/readyz") and notready and os.path.exists(notready):
            body, status = b"[-]etcd failed: reason withheld\nreadyz check failed\n", 500
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


class DualStackServer(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def main():
    node, port, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    server = DualStackServer(("::", port), Handler)
    server.node_name = node
    server.notready_file = sys.argv[5] if len(sys.argv) > 5 else None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
    print("listening", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
