"""Calls the shop's server functions from Python, with nothing but the
standard library: what the README shows, run by scripts/openapi-check.sh
against the release server.

    python3 scripts/openapi/call.py http://127.0.0.1:3000

A server function is a POST of form fields answered with JSON. No Origin
header is sent, so the same-origin check lets it through (a browser on
another site would send one and be refused). A cookie jar keeps the cart
cookie and, once signed in, the session cookie that guarded functions need.
"""

import http.cookiejar
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000"
opener = urllib.request.build_opener(
    urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
    # A redirect (sign-in sends the browser on) is an answer, not a hop.
    type("Stay", (urllib.request.HTTPRedirectHandler,), {"redirect_request": lambda *a: None}),
)


def call(function, **arguments):
    """POSTs the arguments as a form; returns (status, decoded JSON or None)."""
    body = urllib.parse.urlencode(arguments).encode()
    request = urllib.request.Request(f"{base}/api/{function}", data=body, method="POST")
    request.add_header("Accept", "application/json")
    try:
        with opener.open(request) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, json.loads(text) if text.startswith(b"{") else text.decode()


status, products = call("catalog/list")
assert status == 200 and len(products) == 20, (status, products)
print(f"catalog/list: {len(products)} products, the first is {products[0]['name']}")

status, count = call("cart/add", product_id=7, quantity=2)
assert status == 200 and count == 2, (status, count)
print(f"cart/add: {count} in the cart")

status, refused = call("cart/add", product_id=7, quantity=500)
assert status == 422 and refused["kind"] == "invalid", (status, refused)
print(f"cart/add refused: {refused['fields']}")

status, refused = call("orders/mine")
assert status == 401, (status, refused)
print(f"orders/mine without a session: {status} {refused['kind']}")

email = f"py-{uuid.uuid4().hex[:8]}@example.com"
status, _ = call("accounts/sign-up", email=email, password="correct horse battery", next="/")
assert status in (200, 302, 303), status
status, orders = call("orders/mine")
assert status == 200 and orders == [], (status, orders)
print(f"orders/mine signed in as {email}: {orders}")
