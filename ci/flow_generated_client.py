"""End-to-end flow through the Python client generated from openapi/sluicegate.json.

Only the generated client talks to the gateway (no hand-written HTTP), and every
assertion is made on the generated models' parsed objects, so a schema in our
spec that does not match the wire makes this flow fail. The generator swallows
some parse errors (a oneOf falls back to the raw dict), hence `typed()` below:
it insists on the declared model class and on no undeclared keys.

Usage: python flow_generated_client.py BASE_URL   (e.g. http://127.0.0.1:8083)
"""

import sys
import time
import uuid

import attrs
from sluicegate_client import Client
from sluicegate_client.api.info import api_versions, info
from sluicegate_client.api.operations import (
    cancel_operation,
    close_operation,
    execute_statement,
    fetch_results,
    operation_status,
)
from sluicegate_client.api.sessions import (
    close_session,
    complete_statement,
    configure_session,
    get_session,
    heartbeat,
    open_session,
)
from sluicegate_client.models import (
    ApiVersionsResponse,
    CompleteStatementRequest,
    CompleteStatementResponse,
    ConfigureSessionRequest,
    EmptyResponse,
    ErrorResponse,
    ExecuteStatementRequest,
    ExecuteStatementResponse,
    FetchResultsResponse,
    InfoResponse,
    OpenSessionRequest,
    OpenSessionRequestPropertiesType0,
    OpenSessionResponse,
    OperationStatusName,
    OperationStatusResponse,
    ResultInfo,
    ResultKind,
    ResultType,
    RowFormat,
    RowKindName,
    SessionPropertiesResponse,
    StatusResponse,
    TypeRoot,
)
from sluicegate_client.types import UNSET, Unset

from flow_common import FlowError, check, run

ROWS = 3000
QUERY = f"SELECT value, CAST(value AS VARCHAR) AS s FROM generate_series(1, {ROWS})"
LONG_QUERY = "SELECT * FROM generate_series(1, 100000000000)"


def typed(obj, cls, what):
    """obj must be a `cls` whose nested models carry no undeclared wire keys."""
    if not isinstance(obj, cls):
        why = ""
        if isinstance(obj, dict):  # the generator fell back to the raw dict: show why the model refused it
            try:
                cls.from_dict(obj)
            except Exception as e:
                why = f" ({cls.__name__}.from_dict raises {type(e).__name__}: {e})"
        raise FlowError(f"{what}: expected {cls.__name__}, got {type(obj).__name__}{why}: {obj!r:.300}")
    _no_extra_keys(obj, what)
    return obj


def _no_extra_keys(obj, path):
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            _no_extra_keys(item, f"{path}[{i}]")
    elif attrs.has(type(obj)):
        declared = [f.name for f in attrs.fields(type(obj)) if f.name != "additional_properties"]
        # Models without declared fields are maps (e.g. session properties): any key is fine.
        if declared and obj.additional_properties:
            raise FlowError(f"{path}: keys not in the spec: {sorted(obj.additional_properties)}")
        for name in declared:
            _no_extra_keys(getattr(obj, name), f"{path}.{name}")


def ok(resp, cls, what):
    check(resp.status_code == 200, f"{what}: HTTP {int(resp.status_code)}")
    return typed(resp.parsed, cls, what)


def err(resp, status, what):
    check(resp.status_code == status, f"{what}: expected HTTP {status}, got {int(resp.status_code)}")
    body = typed(resp.parsed, ErrorResponse, what)
    check(len(body.errors) > 0 and all(isinstance(e, str) for e in body.errors), f"{what}: empty errors")
    return body


def token_of(uri, s, o, fmt):
    prefix = f"/v4/sessions/{s}/operations/{o}/result/"
    check(uri.startswith(prefix) and uri.endswith(f"?rowFormat={fmt.value}"), f"nextResultUri shape: {uri}")
    return int(uri[len(prefix):].split("?")[0])


def page_all(c, s, o, fmt, max_rows):
    """Follow nextResultUri to EOS; returns (columns, rows, payload page count)."""
    token, rows, pages, columns, retried = 0, [], 0, None, False
    for _ in range(2000):
        r = fetch_results.sync_detailed(s, o, token, client=c, row_format=fmt, max_rows=max_rows, wait_ms=1000)
        page = ok(r, FetchResultsResponse, f"fetch {fmt.value} token {token}")
        if page.result_type == ResultType.NOT_READY:
            token = token_of(page.next_result_uri, s, o, fmt)
            continue
        check(page.is_query_result is True, "isQueryResult")
        check(isinstance(page.result_kind, ResultKind) and page.result_kind == ResultKind.SUCCESS_WITH_CONTENT,
              f"resultKind {page.result_kind!r}")
        check(isinstance(page.job_id, str) and len(page.job_id) == 32, f"jobID {page.job_id!r}")
        res = typed(page.results, ResultInfo, f"results of token {token}")
        check(res.row_format == fmt, f"rowFormat {res.row_format}")
        columns = res.columns
        if page.result_type == ResultType.EOS:
            check(isinstance(page.next_result_uri, Unset), "EOS must not carry nextResultUri")
            check(res.data == [], "EOS must carry no rows")
            return columns, rows, pages
        pages += 1
        check(max_rows is UNSET or len(res.data) <= max_rows, f"page of {len(res.data)} rows, maxRows={max_rows}")
        check(all(d.kind == RowKindName.INSERT for d in res.data), "row kinds")
        if res.data and not retried:  # a retry of the current page returns the same rows
            again = ok(fetch_results.sync_detailed(s, o, token, client=c, row_format=fmt, max_rows=max_rows),
                       FetchResultsResponse, "retry fetch")
            check(again.result_type == ResultType.PAYLOAD and again.results.data == res.data, "retry differs")
            retried = True
        rows.extend(d.fields for d in res.data)
        token = token_of(page.next_result_uri, s, o, fmt)
    raise FlowError("no EOS after 2000 pages")


def run_query(c, s, fmt, max_rows):
    o = ok(execute_statement.sync_detailed(s, client=c, body=ExecuteStatementRequest(statement=QUERY)),
           ExecuteStatementResponse, "execute").operation_handle
    check(isinstance(o, uuid.UUID), "operationHandle is a UUID")
    columns, rows, pages = page_all(c, s, o, fmt, max_rows)
    check([col.name for col in columns] == ["value", "s"], f"column names {[col.name for col in columns]}")
    check(columns[0].logical_type.type_ == TypeRoot.BIGINT, f"value type {columns[0].logical_type.type_}")
    check(columns[1].logical_type.type_ == TypeRoot.VARCHAR, f"s type {columns[1].logical_type.type_}")
    check(isinstance(columns[0].logical_type.nullable, bool), "nullable present")
    check(columns[0].comment is None, "comment is null")
    check(len(rows) == ROWS, f"{fmt.value}: {len(rows)} rows, expected {ROWS}")
    for i in (0, 1, ROWS // 2, ROWS - 1):
        n = i + 1
        want = [n, str(n)] if fmt == RowFormat.JSON else [str(n), str(n)]
        check(rows[i] == want, f"{fmt.value} row {i}: {rows[i]!r}, expected {want!r}")
    st = ok(operation_status.sync_detailed(s, o, client=c), OperationStatusResponse, "status after EOS")
    check(st.status == OperationStatusName.FINISHED and st.done and st.rows_fetched == ROWS, f"status {st!r}")
    closed = ok(close_operation.sync_detailed(s, o, client=c), StatusResponse, "close operation")
    check(closed.status == OperationStatusName.CLOSED, f"close answered {closed.status}")
    return pages


def flow(c):
    v = ok(api_versions.sync_detailed(client=c), ApiVersionsResponse, "api_versions")
    check(v.versions == ["V1", "V2", "V3", "V4"], f"versions {v.versions}")
    i = ok(info.sync_detailed(client=c), InfoResponse, "info")
    check(i.product_name == "Apache Flink" and i.version, f"info {i!r}")

    props = OpenSessionRequestPropertiesType0.from_dict({"ci.flow": "generated-client"})
    s = ok(open_session.sync_detailed(client=c, body=OpenSessionRequest(session_name="ci", properties=props)),
           OpenSessionResponse, "open session").session_handle
    check(isinstance(s, uuid.UUID), "sessionHandle is a UUID")

    ok(configure_session.sync_detailed(s, client=c, body=ConfigureSessionRequest(statement="SET 'k' = 'v'")),
       EmptyResponse, "configure-session")
    p = ok(get_session.sync_detailed(s, client=c), SessionPropertiesResponse, "get session").properties
    check(p.additional_properties.get("k") == "v", "SET 'k' = 'v' not in the session properties")
    check(p.additional_properties.get("ci.flow") == "generated-client", "open-session property missing")

    completion = CompleteStatementRequest(statement="CREATE TA", position=9)
    cs = ok(complete_statement.sync_detailed(s, client=c, body=completion), CompleteStatementResponse,
            "complete-statement")
    check("TABLE" in cs.candidates, f"candidates {cs.candidates}")

    json_pages = run_query(c, s, RowFormat.JSON, max_rows=700)
    check(json_pages >= 5, f"maxRows=700 over {ROWS} rows gave {json_pages} pages")
    run_query(c, s, RowFormat.PLAIN_TEXT, max_rows=UNSET)

    ok(heartbeat.sync_detailed(s, client=c), EmptyResponse, "heartbeat")

    o = ok(execute_statement.sync_detailed(s, client=c, body=ExecuteStatementRequest(statement=LONG_QUERY)),
           ExecuteStatementResponse, "execute long query").operation_handle
    for _ in range(100):  # wait until it runs, so cancel hits a live query
        st = ok(operation_status.sync_detailed(s, o, client=c), OperationStatusResponse, "long query status")
        if st.status != OperationStatusName.PENDING:
            break
        time.sleep(0.05)
    check(st.status in (OperationStatusName.RUNNING, OperationStatusName.FINISHED), f"long query is {st.status}")
    cancel = ok(cancel_operation.sync_detailed(s, o, client=c), StatusResponse, "cancel")
    check(cancel.status == OperationStatusName.CANCELED, f"cancel answered {cancel.status}")
    st = ok(operation_status.sync_detailed(s, o, client=c), OperationStatusResponse, "status after cancel")
    check(st.status == OperationStatusName.CANCELED, f"status after cancel {st.status}")
    err(fetch_results.sync_detailed(s, o, 0, client=c), 409, "fetch after cancel")
    ok(close_operation.sync_detailed(s, o, client=c), StatusResponse, "close canceled operation")
    err(operation_status.sync_detailed(s, o, client=c), 404, "status of a closed operation")

    closed = ok(close_session.sync_detailed(s, client=c), StatusResponse, "close session")
    check(closed.status == OperationStatusName.CLOSED, f"close session answered {closed.status}")
    err(get_session.sync_detailed(s, client=c), 404, "get closed session")
    err(heartbeat.sync_detailed(s, client=c), 404, "heartbeat closed session")
    err(close_session.sync_detailed(s, client=c), 404, "close closed session")


if __name__ == "__main__":
    sys.exit(run(Client, sys.argv[1], flow))
