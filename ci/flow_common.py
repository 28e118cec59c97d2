"""Helpers shared by the generated-client flows: assertions and failure reports.

The generated clients do all the talking; this only records the last exchange
(through an httpx event hook of the generated Client) so that a failure prints
the exact request and wire body, which is what a bug report needs.
"""

import sys

last = {}


class FlowError(Exception):
    pass


def check(cond, what):
    if not cond:
        raise FlowError(what)


def _record(response):
    response.read()
    req = response.request
    body = req.content.decode(errors="replace")[:300]
    last["text"] = f"{req.method} {req.url} {body}\n-> {response.status_code} {response.text[:2000]}"


def run(client_cls, base_url, flow):
    """Build the generated Client with the recording hook and run `flow(client)`; returns an exit code."""
    c = client_cls(base_url=base_url, raise_on_unexpected_status=True, timeout=30.0,
                   httpx_args={"event_hooks": {"response": [_record]}})
    try:
        flow(c)
    except Exception as e:  # any failure: say what, and show the exchange that caused it
        print(f"FAIL: {type(e).__name__}: {e}\nlast exchange: {last.get('text')}", file=sys.stderr)
        return 1
    print("flow ok")
    return 0
