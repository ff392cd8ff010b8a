#!/usr/bin/env python3
"""Hostile clients against the release server with its default limits.

Each attack runs for a bounded time from one address (127.0.0.1) while a
visitor from another (127.0.0.2) keeps loading the catalog; the visitor must
get every page, no slower than a few times its own latency before the
attacks. Each attack also checks the limit that stops it. Usage:
attacks.py SITE_PORT METRICS_PORT (scripts/hostile-check.sh starts the
server).
"""

import base64
import json
import re
import socket
import statistics
import sys
import threading
import time
import http.client

HOST = "127.0.0.1"
PORT = int(sys.argv[1])
METRICS_PORT = int(sys.argv[2])
ATTACKER, VISITOR, PROXY = "127.0.0.1", "127.0.0.2", "127.0.0.3"
FORM = "application/x-www-form-urlencoded"
PASSWORD = "correct horse battery"


def say(text):
    print(f"hostile-check: {text}", flush=True)


def fail(text):
    print(f"hostile-check: FAILED: {text}", file=sys.stderr, flush=True)
    sys.exit(1)


def request(method, path, body=None, headers=None, source=ATTACKER, port=PORT):
    """One request on a connection of its own: (status, headers, body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=20, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


def call(path, fields, source=ATTACKER, headers=None):
    """A server function called as a script would: a form body, JSON back."""
    body = "&".join(f"{k}={v}" for k, v in fields.items())
    sent = {"Content-Type": FORM, "Accept": "application/json", **(headers or {})}
    return request("POST", path, body, sent, source)


def visit(times):
    """The visitor loads the catalog `times` times: (statuses, median, slowest)."""
    statuses, took = [], []
    for _ in range(times):
        started = time.monotonic()
        status, _, _ = request("GET", "/", source=VISITOR)
        took.append(time.monotonic() - started)
        statuses.append(status)
    return statuses, statistics.median(took), max(took)


class Visitor:
    """The visitor, loading pages on a thread while an attack runs."""

    def __init__(self, baseline):
        self.baseline = baseline
        self.statuses, self.took = [], []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                status, _, _ = request("GET", "/", source=VISITOR)
            except OSError as err:
                status = f"no answer ({err})"
            self.took.append(time.monotonic() - started)
            self.statuses.append(status)
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        self.thread.join()

    def check(self, attack):
        bad = [s for s in self.statuses if s != 200]
        median = statistics.median(self.took)
        # "Normal latency": a few times the visitor's own before the attacks,
        # with a floor for a loaded two-core machine.
        bound = max(5 * self.baseline, 0.1)
        say(f"  the visitor during {attack}: {len(self.statuses)} pages, "
            f"median {median * 1000:.1f} ms (before: {self.baseline * 1000:.1f} ms), "
            f"slowest {max(self.took) * 1000:.1f} ms")
        if bad:
            fail(f"during {attack} the visitor got {bad[:5]}")
        if median > bound:
            fail(f"during {attack} the visitor's pages took {median * 1000:.1f} ms "
                 f"(median), over {bound * 1000:.0f} ms")


def slow_bodies(baseline):
    """Requests that announce a body and never send it."""
    sockets, head = [], (
        f"POST /api/counter/add HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
        f"Content-Type: {FORM}\r\nAccept: application/json\r\nContent-Length: 100\r\n\r\n"
    ).encode()
    with Visitor(baseline) as visitor:
        for _ in range(300):
            s = socket.create_connection((HOST, PORT), timeout=10, source_address=(ATTACKER, 0))
            s.sendall(head)
            sockets.append(s)
            time.sleep(0.01)
        statuses = []
        for s in sockets:
            try:
                line = s.recv(64).split(b"\r\n")[0].decode()
                statuses.append(int(line.split()[1]) if line else "closed")
            except OSError:
                statuses.append("no answer")
            s.close()
    counts = {s: statuses.count(s) for s in set(statuses)}
    say(f"  300 bodies announced and never sent from one address: {counts}")
    if counts.get(408, 0) > 32 or counts.get(408, 0) == 0:
        fail(f"expected at most 32 held until the body timeout (408), got {counts}")
    if set(counts) - {408, 429}:
        fail(f"a held request got neither 408 nor 429: {counts}")
    visitor.check("slow bodies")


def invented_methods(baseline):
    """Methods a client made up: each must not become a metrics label."""
    with Visitor(baseline) as visitor:
        for n in range(40):
            request(f"XMETHOD{n}", "/")
    status, _, data = request("GET", "/metrics", port=METRICS_PORT)
    if status != 200:
        fail(f"/metrics answered {status}")
    methods = sorted(set(re.findall(rb'method="([^"]*)"', data)))
    say(f"  40 invented methods; the method labels in /metrics: {[m.decode() for m in methods]}")
    if any(m.startswith(b"XMETHOD") for m in methods):
        fail("an invented method became a metrics label")
    visitor.check("invented methods")


def sign_in_lockout(baseline):
    """Wrong passwords for someone else's account."""
    email = "owner%40example.com"
    status, _, body = call("/api/accounts/sign-up",
                           {"email": email, "password": PASSWORD.replace(" ", "+"), "next": "/"},
                           source=VISITOR)
    if status != 200:
        fail(f"the owner could not sign up: {status} {body[:200]}")
    with Visitor(baseline) as visitor:
        statuses = [call("/api/accounts/sign-in", {"email": email, "password": "guess", "next": "/"})[0]
                    for _ in range(14)]
    owner = call("/api/accounts/sign-in",
                 {"email": email, "password": PASSWORD.replace(" ", "+"), "next": "/"},
                 source=VISITOR)[0]
    say(f"  14 wrong passwords from one address: {statuses}; then the owner from theirs: {owner}")
    if 429 not in statuses:
        fail("the guessing address was never refused")
    if owner != 200:
        fail(f"the owner was locked out: {owner}")
    visitor.check("password guessing")


def many_inline_reads(baseline):
    """Sign-outs asking for dozens of reads each, for three seconds."""
    held = [{"t": "cart,orders", "m": "POST", "p": "/api/cart/get", "b": f"n={n}", "c": FORM}
            for n in range(42)]
    header = base64.urlsafe_b64encode(json.dumps(held).encode()).decode().rstrip("=")
    statuses, ended = [], time.monotonic() + 3
    with Visitor(baseline) as visitor:
        while time.monotonic() < ended:
            statuses.append(call("/api/accounts/sign-out", {}, headers={"x-ferry-queries": header})[0])
    counts = {s: statuses.count(s) for s in set(statuses)}
    say(f"  {len(statuses)} sign-outs holding 42 reads each in 3 s: {counts}")
    if 429 not in counts:
        fail("each inline read should spend the caller's rate; none was refused")
    visitor.check("inline reads")


def forwarded_for():
    """Clients behind a trusted proxy, one of them over its rate."""
    def through_proxy(client):
        return request("GET", "/healthz", headers={"X-Forwarded-For": client}, source=PROXY)[0]
    statuses = [through_proxy("203.0.113.5:4711") for _ in range(160)]
    other = through_proxy("203.0.113.6:4711")
    unreadable = through_proxy("not-an-address")
    say(f"  160 requests from 203.0.113.5:4711 through the proxy: {statuses.count(429)} refused; "
        f"then 203.0.113.6:4711: {other}, and an unreadable entry: {unreadable}")
    if 429 not in statuses or other != 200 or unreadable != 200:
        fail("clients behind the proxy share a rate-limit bucket")


def forged_error_link():
    """A link that puts its own text on a page as an error."""
    error = {"Invalid": {"fields": {"quantity": "Your account is locked: call +1 555 0100"}}}
    encoded = base64.urlsafe_b64encode(json.dumps(error).encode()).decode()
    status, headers, _ = request("GET", f"/products/3?__path=/api/cart/add&__err={encoded}", source=VISITOR)
    say(f"  a link with an unsigned error: {status} to {headers.get('location')}")
    if status != 303 or headers.get("location") != "/products/3":
        fail("a page showed an error the server did not write")


def main():
    statuses, baseline, slowest = visit(20)
    if set(statuses) != {200}:
        fail(f"the visitor's pages before any attack: {statuses}")
    say(f"the visitor before the attacks: median {baseline * 1000:.1f} ms, slowest {slowest * 1000:.1f} ms")
    for name, attack in [("slow bodies", slow_bodies), ("invented methods", invented_methods),
                         ("password guessing", sign_in_lockout), ("inline reads", many_inline_reads)]:
        say(name)
        attack(baseline)
        time.sleep(1)  # the attacker's rate refills a little; the visitor's is its own
    say("forwarded addresses")
    forwarded_for()
    say("forged error links")
    forged_error_link()
    say("passed")


main()
