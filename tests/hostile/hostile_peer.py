#!/usr/bin/python3
"""A hostile HTTP peer on 127.0.0.1, for tests: what a broken or malicious chat or dstack
server may send. Every mode is bounded (it stops after --limit bytes, or when the client goes
away), so a client that fails to protect itself fails its test instead of eating the machine.

usage: hostile_peer.py [--limit BYTES]   prints the port, then serves until killed.

Paths (any method; the first segment is the mode, the rest is ignored):
  /endless-line/...     200 text/event-stream: "data: aaaa…" without a newline
  /endless-data/...     200 text/event-stream: "data: x\\n" lines, never a blank line
  /slow-line/...        200 text/event-stream: "data: a…", one byte every 20 ms, no newline
  /trickle/...          200 text/event-stream: a ping comment every 50 ms, forever
  /huge-reply/...       200 text/event-stream: valid chat chunks, without end
  /large-reply/...      200 text/event-stream: a valid, complete reply: 12 MB of events, 11.8 M characters of text
  /deep-sse-error/...   200 text/event-stream: data: {"error": [[[[…]]]]} (100k levels)
  /deep-error/...       500 application/json: {"error": {"detail": [[[[…]]]]}}, also {"detail": …}
  /huge-body/...        200 application/json: an endless JSON array
  /wrong-types/...      200 application/json: [1]
  /redirect/REST        307 to http://localhost:PORT/record/REST (another origin)
  /record/...           records the request's Authorization header; answers 200 {}
  /__seen               the Authorization headers /record saw, as a JSON list
"""
import json
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LIMIT = 512 * 1024 * 1024
SEEN = []
SEEN_LOCK = threading.Lock()
DEPTH = 100000
LARGE_REPLY_BYTES = 12 * 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 16 * 1024 * 1024))

    def _start(self, status, content_type, length=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is None:
            self.send_header("Connection", "close")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _send_whole(self, status, content_type, body):
        self._start(status, content_type, len(body))
        self.wfile.write(body)

    def _stream(self, first, piece, last=b"", interval=0.0):
        """Writes first, then piece until LIMIT bytes (or the client leaves), then last."""
        sent = 0
        try:
            self.wfile.write(first)
            while sent < LIMIT:
                self.wfile.write(piece)
                sent += len(piece)
                if interval:
                    self.wfile.flush()
                    time.sleep(interval)
            self.wfile.write(last)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def handle_any(self):
        self._body()
        parts = self.path.split("?")[0].strip("/").split("/")
        mode = parts[0]
        port = self.server.server_address[1]
        if mode == "endless-line":
            self._start(200, "text/event-stream")
            self._stream(b"data: ", b"a" * 65536)
        elif mode == "endless-data":
            self._start(200, "text/event-stream")
            self._stream(b"", b"data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n" * 1024)
        elif mode == "slow-line":
            self._start(200, "text/event-stream")
            self._stream(b"data: ", b"a", interval=0.02)
        elif mode == "trickle":
            self._start(200, "text/event-stream")
            self._stream(b"", b": ping\n\n", interval=0.05)
        elif mode == "huge-reply":
            self._start(200, "text/event-stream")
            chunk = {"choices": [{"index": 0, "delta": {"content": "word " * 200}}]}
            self._stream(b"", (b"data: " + json.dumps(chunk).encode() + b"\n\n") * 64)
        elif mode == "large-reply":
            self._start(200, "text/event-stream")
            chunk = {"choices": [{"index": 0, "delta": {"content": "word " * 200}}]}
            event = b"data: " + json.dumps(chunk).encode() + b"\n\n"
            end = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            try:
                for _ in range(LARGE_REPLY_BYTES // (len(event) * 64)):
                    self.wfile.write(event * 64)
                self.wfile.write(b"data: " + json.dumps(end).encode() + b"\n\ndata: [DONE]\n\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif mode == "deep-sse-error":
            self._start(200, "text/event-stream")
            body = b'data: {"error": ' + b"[" * DEPTH + b"]" * DEPTH + b"}\n\n"
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif mode == "deep-error":
            deep = b"[" * DEPTH + b"]" * DEPTH
            body = b'{"error": {"detail": ' + deep + b'}, "detail": ' + deep + b"}"
            self._send_whole(500, "application/json", body)
        elif mode == "deep-detail":
            deep = b"[" * DEPTH + b"]" * DEPTH
            self._send_whole(400, "application/json", b'{"detail": [{"msg": ' + deep + b', "code": "x"}]}')
        elif mode == "huge-body":
            self._start(200, "application/json")
            self._stream(b"[", b"1," * 32768, b"1]")
        elif mode == "wrong-types":
            self._send_whole(200, "application/json", b"[1]")
        elif mode == "redirect":
            rest = "/".join(parts[1:])
            self.send_response(307)
            self.send_header("Location", "http://localhost:%d/record/%s" % (port, rest))
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif mode == "record":
            with SEEN_LOCK:
                SEEN.append(self.headers.get("Authorization"))
            self._send_whole(200, "application/json", b"{}")
        elif mode == "__seen":
            with SEEN_LOCK:
                body = json.dumps(SEEN).encode()
            self._send_whole(200, "application/json", body)
        else:
            self._send_whole(404, "application/json", b'{"detail": "no such mode"}')

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global LIMIT
    args = sys.argv[1:]
    if "--limit" in args:
        LIMIT = int(args[args.index("--limit") + 1])
    # Both 127.0.0.1 and "localhost" must reach us: localhost is the "other origin".
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
