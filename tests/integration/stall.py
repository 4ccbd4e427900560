#!/usr/bin/python3
"""stall.py - hostile clients that hold connections open (t_stall.sh).

usage: stall.py KIND COUNT TARGET SECONDS

KIND
  fcgi-params  FastCGI: BEGIN_REQUEST, then half a PARAMS record, then one
               more byte of it every 0.5 s (a per-read timeout never fires)
  fcgi-stdin   FastCGI: a whole request but for its body (CONTENT_LENGTH
               100), then one byte of STDIN every 0.5 s
  http-head    HTTP: a request line and headers sent one byte every 0.5 s
  http-body    HTTP: a POST whose 1000-byte body comes one byte every 0.5 s
TARGET is a unix socket path or HOST:PORT.  COUNT connections are opened,
"ready" is printed once each has sent its first bytes, then they trickle
for at most SECONDS.  Prints at the end "closed N" (connections the server
closed, read or write side) and "open N" (still open at the end), and for
the closed ones the longest time they were held, "held S".
With FTX_STALL_KEY set (an operator's API key), fcgi-stdin and http-body
POST an export with that key, so the responder reads the body it waits for.
"""
import os
import socket
import struct
import sys
import time


def connect(target):
    if target.startswith("/"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(target)
    else:
        host, port = target.rsplit(":", 1)
        s = socket.create_connection((host, int(port)))
    s.setblocking(False)
    return s


def record(rtype, content):
    pad = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBB", 1, rtype, 1, len(content), pad, 0) + \
        content + b"\0" * pad


def pair(name, value):
    return bytes([len(name), len(value)]) + name + value


KEY = os.environ.get("FTX_STALL_KEY", "").encode()
EXPORT = b"/v1/payments/funding-transfers/export"


def fcgi_params(extra, path=b"/v1/health"):
    body = b"".join(pair(k, v) for k, v in [
        (b"REQUEST_METHOD", b"POST"), (b"REQUEST_URI", path),
        (b"SCRIPT_NAME", b""), (b"PATH_INFO", path),
        (b"QUERY_STRING", b""), (b"SERVER_PROTOCOL", b"HTTP/1.1"),
        (b"REMOTE_ADDR", b"127.0.0.1")] + extra)
    return body


def streams(kind):
    """(first bytes, bytes trickled afterwards)"""
    begin = record(1, struct.pack(">HB5x", 1, 0))
    if kind == "fcgi-params":
        params = record(4, fcgi_params([]))
        half = len(params) // 2
        return begin + params[:half], params[half:] + record(4, b"")
    if kind == "fcgi-stdin":
        extra = [(b"CONTENT_LENGTH", b"100"),
                 (b"CONTENT_TYPE", b"application/json")]
        if KEY:
            extra += [(b"HTTP_DJ_CLIENT", b"OPERATOR"),
                      (b"HTTP_DJ_API_KEY", KEY)]
        params = record(4, fcgi_params(extra, EXPORT if KEY else
                                       b"/v1/health"))
        return begin + params + record(4, b"") + \
            struct.pack(">BBHHBB", 1, 5, 1, 100, 4, 0), b"x" * 104
    if kind == "http-head":
        req = b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + \
            b"X-Slow: " + b"a" * 200 + b"\r\n\r\n"
        return req[:1], req[1:]
    if kind == "http-body":
        head = b"POST " + (EXPORT if KEY else b"/v1/health") + \
            b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + \
            (b"dj-client: OPERATOR\r\ndj-api-key: " + KEY + b"\r\n"
             if KEY else b"") + \
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        return head, b"y" * 1000
    raise SystemExit("unknown kind " + kind)


def main():
    kind, count, target, seconds = sys.argv[1], int(sys.argv[2]), \
        sys.argv[3], float(sys.argv[4])
    first, rest = streams(kind)
    conns = []
    for _ in range(count):
        s = connect(target)
        s.send(first)
        conns.append({"s": s, "left": rest, "start": time.monotonic(),
                      "closed": None})
    print("ready", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end and any(c["closed"] is None for c in conns):
        for c in conns:
            if c["closed"] is not None:
                continue
            s = c["s"]
            try:
                data = s.recv(65536)
                if data == b"":
                    c["closed"] = time.monotonic()
                    continue
            except BlockingIOError:
                pass
            except OSError:
                c["closed"] = time.monotonic()
                continue
            if c["left"]:
                try:
                    s.send(c["left"][:1])
                    c["left"] = c["left"][1:]
                except BlockingIOError:
                    pass
                except OSError:
                    c["closed"] = time.monotonic()
        time.sleep(0.5)
    closed = [c for c in conns if c["closed"] is not None]
    held = max([c["closed"] - c["start"] for c in closed], default=0)
    print("closed %d" % len(closed))
    print("open %d" % (len(conns) - len(closed)))
    print("held %.1f" % held)
    for c in conns:
        c["s"].close()


if __name__ == "__main__":
    main()
