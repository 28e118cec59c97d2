"""Schemathesis hooks for the fuzz step (loaded through SCHEMATHESIS_HOOKS).

Random UUIDs only ever reach the 404 paths, so three in four well-formed handles
are swapped for live ones right before the call: a real session and an operation
in it (on Flink's routes and on Kyuubi's, which share them). Malformed handles are left alone, since they exercise the 400 paths. The
live pair is replaced every few uses and whenever a fuzzed call closed it, and its
statement rotates so operations are seen finished, streaming, failed and non-query.
"""

import json
import os
import threading
import urllib.request
import uuid
import zlib

import schemathesis

BASE = os.environ["SG_BASE_URL"]
STATEMENTS = [
    "SELECT value FROM generate_series(1, 5000)",  # finished, several pages
    "SELECT * FROM generate_series(1, 100000000000)",  # streaming for ever (ring buffer full)
    "SELECT * FROM no_such_table",  # failed
    "SET 'fuzz' = 'yes'",  # non-query result
]
USES_PER_PAIR = 12
SESSION_KEYS = ("session_handle", "sessionHandle")
OPERATION_KEYS = ("operation_handle", "operationHandle")
state = {"pair": None, "uses": 0, "made": 0}
lock = threading.Lock()  # schemathesis workers are threads


def _post(path, body):
    req = urllib.request.Request(BASE + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def _live_pair():
    with lock:
        return _live_pair_locked()


def _live_pair_locked():
    if state["pair"] is None or state["uses"] >= USES_PER_PAIR:
        if state["pair"] is not None:  # free the old session and its operations
            try:
                urllib.request.urlopen(urllib.request.Request(f"{BASE}/sessions/{state['pair'][0]}", method="DELETE"),
                                       timeout=10).close()
            except OSError:
                pass  # already closed by a fuzzed DELETE
        s = _post("/sessions", {})["sessionHandle"]
        o = _post(f"/sessions/{s}/statements", {"statement": STATEMENTS[state["made"] % len(STATEMENTS)]})
        state.update(pair=(s, o["operationHandle"]), uses=0, made=state["made"] + 1)
    state["uses"] += 1
    return state["pair"]


def _is_uuid(v):
    if not isinstance(v, str):
        return False
    try:
        uuid.UUID(str(v))
        return True
    except ValueError:
        return False


@schemathesis.hook
def before_call(context, case, kwargs):
    params = case.path_parameters or {}
    # The choice is a checksum of the case, not random, so that a failing case replays the same way.
    plain = case.body if isinstance(case.body, (dict, list, str, int, float, type(None))) else None
    key = zlib.crc32(repr((case.operation.label, sorted(params.items()), case.query, plain)).encode())
    # Flink's routes name the handles session_handle/operation_handle, Kyuubi's
    # sessionHandle/operationHandle; both see the same sessions and operations.
    session_key = next((k for k in SESSION_KEYS if _is_uuid(params.get(k))), None)
    operation_key = next((k for k in OPERATION_KEYS if _is_uuid(params.get(k))), None)
    if (session_key or operation_key) and key % 4:
        real_s, real_o = _live_pair()
        if session_key:
            params[session_key] = real_s
        if operation_key:
            params[operation_key] = real_o
        if isinstance(params.get("token"), int):
            params["token"] = params["token"] % 3  # near the live cursor: current, previous, ahead
    # waitMs may be up to 60 s; on a live streaming operation with nothing to send the request would
    # block that long and eat the time box. Long-poll semantics are covered by the cargo tests.
    if case.query and isinstance(case.query.get("waitMs"), int) and case.query["waitMs"] > 200:
        case.query["waitMs"] = 200


@schemathesis.hook
def after_call(context, case, response):
    # A fuzzed close (or a 404 from a session closed that way) used up the live pair: make a new one.
    # (Kyuubi's PUT on an operation may close it; its DELETEs close the session or operation.)
    params = case.path_parameters or {}
    if state["pair"] and any(params.get(k) in state["pair"] for k in SESSION_KEYS + OPERATION_KEYS):
        closing = case.method.upper() in ("DELETE", "PUT") and case.path.endswith("}")
        if response.status_code == 404 or closing:
            state["uses"] = USES_PER_PAIR
