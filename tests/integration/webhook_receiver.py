#!/usr/bin/python3
"""webhook_receiver.py - a webhook endpoint for the tests (SPEC section 14).

Usage: webhook_receiver.py --port PORT --dir DIR

Answers POSTs on any path.  For each request it appends one JSON line to
DIR/requests.jsonl: path, the Ftx-Event-Id, Ftx-Signature, User-Agent and
Content-Type headers, the body (parsed when it is JSON), "nv1" (v1 values
sent), "valid" (how many distinct secrets of DIR/secrets/<first path
word> - one per line - verify a v1: HMAC-SHA256(secret, t "." body)),
"fresh" (t within 300 s of now) and "answer" (the status it answers, or
"hold").  The line is written before the answer is sent.

DIR/mode decides the answer (read at every request; default 200):
  200, 500, ...  that status (empty body)
  302            302 with Location: /redirected (never to be followed)
  hold           waits (the request is held open) until the mode changes,
                 up to 120 s, then answers as the new mode says
Prints "ready" once listening; stops on SIGTERM or SIGINT.
"""
import argparse
import hashlib
import hmac
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def read(path, default=""):
    try:
        with open(path) as fp:
            return fp.read().strip()
    except OSError:
        return default


def verify(secrets, header, body):
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    t = [v for k, v in parts if k == "t"]
    v1 = [v for k, v in parts if k == "v1"]
    if len(t) != 1 or not t[0].isdigit():
        return 0, len(v1), False
    msg = t[0].encode() + b"." + body
    good = set()
    for s in secrets:
        mac = hmac.new(s.encode(), msg, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(mac, v) for v in v1):
            good.add(s)
    return len(good), len(v1), abs(time.time() - int(t[0])) < 300


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        d = self.server.dir
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        word = self.path.strip("/").split("/")[0].split("?")[0]
        secrets = [s for s in read(os.path.join(d, "secrets", word)).split()
                   if s]
        valid, nv1, fresh = verify(secrets,
                                   self.headers.get("Ftx-Signature", ""), body)
        mode = read(os.path.join(d, "mode"), "200") or "200"
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = body.decode("utf-8", "replace")
        rec = {"path": self.path, "time": time.time(),
               "eventId": self.headers.get("Ftx-Event-Id"),
               "signature": self.headers.get("Ftx-Signature"),
               "userAgent": self.headers.get("User-Agent"),
               "contentType": self.headers.get("Content-Type"),
               "body": parsed, "raw": body.decode("utf-8", "replace"),
               "nv1": nv1, "valid": valid, "fresh": fresh, "answer": mode}
        with LOCK, open(os.path.join(d, "requests.jsonl"), "a") as fp:
            fp.write(json.dumps(rec) + "\n")
        deadline = time.time() + 120
        while mode == "hold" and time.time() < deadline:
            time.sleep(0.1)
            mode = read(os.path.join(d, "mode"), "200") or "200"
        status = int(mode) if mode.isdigit() else 200
        try:
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "/redirected")
            self.send_header("Content-Length", "0")
            self.end_headers()
        except OSError:
            pass

    do_GET = do_POST


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    a = ap.parse_args()
    os.makedirs(os.path.join(a.dir, "secrets"), exist_ok=True)
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.dir = a.dir
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)
    try:
        srv.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
