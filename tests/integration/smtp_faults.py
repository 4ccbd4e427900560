#!/usr/bin/python3
"""smtp_faults.py - an SMTP sink that misbehaves on purpose, per recipient.

Usage: smtp_faults.py --port PORT --maildir DIR [--slow SECONDS]

Messages go to the Maildir DIR (new/), like "python3 -m aiosmtpd -c
aiosmtpd.handlers.Mailbox DIR", with X-RcptTo naming the recipients the
message was accepted for.  The local part of each RCPT TO address decides
the answer (N counts the RCPT TO commands for that address since start;
without N, always):
  refuseN-...   550 5.1.1 (permanent)
  deferN-...    451 4.2.0 (temporary)
  slowN-...     waits --slow seconds (default 60), then 250
  stallS-...    waits S seconds (every time), then 250
  anything else 250
A line "stall ADDRESS" or "slow ADDRESS" is printed when a wait begins.
Prints "ready" once listening; stops on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import re
import signal
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

RULE = re.compile(r"^(refuse|defer|slow|stall)(\d*)-", re.IGNORECASE)


class Faults(Mailbox):
    def __init__(self, maildir, slow):
        super().__init__(maildir)
        self.slow = slow
        self.seen = {}

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        m = RULE.match(address)
        if m:
            kind, limit = m.group(1).lower(), m.group(2)
            n = self.seen[address.lower()] = \
                self.seen.get(address.lower(), 0) + 1
            if kind == "stall":
                print("stall %s" % address, flush=True)
                await asyncio.sleep(int(limit or 0))
            elif not limit or n <= int(limit):
                if kind == "refuse":
                    return "550 5.1.1 <%s>: Recipient address rejected" \
                        % address
                if kind == "defer":
                    return "451 4.2.0 <%s>: Mailbox busy, try again later" \
                        % address
                print("slow %s" % address, flush=True)
                await asyncio.sleep(self.slow)
        envelope.rcpt_tos.append(address)
        return "250 OK"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--slow", type=float, default=60.0)
    args = ap.parse_args()
    ctl = Controller(Faults(args.maildir, args.slow), hostname="127.0.0.1",
                     port=args.port)
    ctl.start()
    print("ready", flush=True)
    stop = [False]

    def on_signal(signum, frame):
        stop[0] = True
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop[0]:
        signal.pause()
    ctl.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
