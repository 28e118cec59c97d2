"""End-to-end Kyuubi REST v1 flow through the Python client generated from openapi/sluicegate.json.

As in flow_generated_client.py, only the generated client talks to the gateway and every
assertion is made on the generated models (`typed` insists on the declared model and on no
undeclared keys), so a Kyuubi schema in our spec that does not match the wire fails here.

Usage: python flow_kyuubi_client.py BASE_URL   (e.g. http://127.0.0.1:8083)
"""

import sys
import time

from sluicegate_client import Client
from sluicegate_client.api.kyuubi import (
    kyuubi_catalogs,
    kyuubi_close_session,
    kyuubi_execute_statement,
    kyuubi_get_session,
    kyuubi_list_sessions,
    kyuubi_open_session,
    kyuubi_operation_action,
    kyuubi_operation_event,
    kyuubi_operation_log,
    kyuubi_result_set_metadata,
    kyuubi_rowset,
    kyuubi_version,
)
from sluicegate_client.models import (
    KyuubiError,
    KyuubiOperationEvent,
    KyuubiSessionEvent,
    OpActionRequest,
    OperationHandle,
    OperationLog,
    ResultRowSet,
    ResultSetMetaData,
    SessionData,
    SessionHandle,
    SessionOpenRequest,
    SessionOpenRequestConfigsType0,
    StatementRequest,
    VersionInfo,
)

from flow_common import FlowError, check, run
from flow_generated_client import typed

ROWS = 3000
QUERY = f"SELECT value, CAST(value AS VARCHAR) AS s FROM generate_series(1, {ROWS})"


def ok(resp, cls, what):
    check(resp.status_code == 200, f"{what}: HTTP {int(resp.status_code)}")
    return typed(resp.parsed, cls, what)


def err(resp, status, what):
    check(resp.status_code == status, f"{what}: expected HTTP {status}, got {int(resp.status_code)}")
    body = typed(resp.parsed, KyuubiError, what)
    check(isinstance(body.message, str) and body.message, f"{what}: empty message")
    return body


def wait_finished(c, o, what):
    for _ in range(200):
        event = ok(kyuubi_operation_event.sync_detailed(o, client=c), KyuubiOperationEvent, f"{what} event")
        if event.state in ("FINISHED", "ERROR", "CANCELED", "TIMEOUT", "CLOSED"):
            check(event.state == "FINISHED", f"{what} ended {event.state}: {event.exception}")
            return event
        time.sleep(0.05)
    raise FlowError(f"{what} did not finish")


def values(page):
    return [[f.value for f in row.fields] for row in page.rows]


def flow(c):
    v = ok(kyuubi_version.sync_detailed(client=c), VersionInfo, "version")
    check(v.version == "1.13.0", f"version {v.version}")

    configs = SessionOpenRequestConfigsType0.from_dict({"ci.flow": "kyuubi"})
    handle = ok(kyuubi_open_session.sync_detailed(client=c, body=SessionOpenRequest(configs=configs)), SessionHandle,
                "open session")
    s = handle.identifier
    check(handle.kyuubi_instance.startswith("127.0.0.1:"), f"kyuubiInstance {handle.kyuubi_instance}")
    event = ok(kyuubi_get_session.sync_detailed(s, client=c), KyuubiSessionEvent, "session event")
    check(event.conf.additional_properties.get("ci.flow") == "kyuubi", "open-session config missing")
    listed = kyuubi_list_sessions.sync_detailed(client=c)
    check(listed.status_code == 200 and any(typed(x, SessionData, "listed").identifier == s for x in listed.parsed),
          "the new session is listed")

    o = ok(kyuubi_execute_statement.sync_detailed(s, client=c, body=StatementRequest(statement=QUERY, run_async=True)),
           OperationHandle, "statement").identifier
    wait_finished(c, o, "query")
    meta = ok(kyuubi_result_set_metadata.sync_detailed(o, client=c), ResultSetMetaData, "resultsetmetadata")
    check([(m.column_name, m.data_type, m.column_index) for m in meta.columns] == [("value", "BIGINT_TYPE", 0), ("s", "STRING_TYPE", 1)],
          f"columns {meta.columns}")

    rows, pages = [], 0
    while True:
        page = ok(kyuubi_rowset.sync_detailed(o, client=c, maxrows=700, fetchorientation="FETCH_NEXT"), ResultRowSet,
                  f"rowset page {pages}")
        check(page.row_count == len(page.rows) <= 700, f"page of {page.row_count} rows")
        if page.row_count == 0:
            break
        if pages == 0:
            check([f.data_type for f in page.rows[0].fields] == ["I64_VAL", "STRING_VAL"], "value unions")
        rows.extend(values(page))
        pages += 1
    check(len(rows) == ROWS and pages == 5, f"{len(rows)} rows in {pages} pages")
    check(rows[0] == [1, "1"] and rows[-1] == [ROWS, str(ROWS)], f"first/last rows {rows[0]} {rows[-1]}")
    first = ok(kyuubi_rowset.sync_detailed(o, client=c, maxrows=3, fetchorientation="FETCH_FIRST"), ResultRowSet,
               "FETCH_FIRST")
    check(values(first) == rows[:3], f"FETCH_FIRST {values(first)}")
    log = ok(kyuubi_operation_log.sync_detailed(o, client=c, maxrows=100), OperationLog, "log")
    check(log.row_count == len(log.log_row_set) > 0, "the operation logged its lifecycle")

    cat = ok(kyuubi_catalogs.sync_detailed(s, client=c), OperationHandle, "catalogs").identifier
    wait_finished(c, cat, "catalogs")
    catalogs = ok(kyuubi_rowset.sync_detailed(cat, client=c, maxrows=100), ResultRowSet, "catalogs rowset")
    check(["default_catalog"] in values(catalogs), f"catalogs {values(catalogs)}")

    closed = kyuubi_operation_action.sync_detailed(o, client=c, body=OpActionRequest(action="CLOSE"))
    check(closed.status_code == 200, f"close operation: HTTP {int(closed.status_code)}")
    err(kyuubi_operation_event.sync_detailed(o, client=c), 404, "event of a closed operation")
    err(kyuubi_rowset.sync_detailed(cat, client=c, maxrows=1_000_000_000), 400, "maxrows above the server limit")

    check(kyuubi_close_session.sync_detailed(s, client=c).status_code == 200, "close session")
    err(kyuubi_get_session.sync_detailed(s, client=c), 404, "closed session")
    err(kyuubi_close_session.sync_detailed(s, client=c), 404, "close a closed session")


if __name__ == "__main__":
    sys.exit(run(Client, sys.argv[1], flow))
