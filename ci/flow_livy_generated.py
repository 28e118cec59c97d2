"""End-to-end Livy flow through the Python client generated from openapi/sluicegate.json.

As in flow_generated_client.py, only the generated client talks to the gateway and every
assertion is made on the generated models (`typed` insists on the declared model and on no
undeclared keys), so a Livy schema in our spec that does not match the wire fails here.

Usage: python flow_livy_generated.py BASE_URL   (e.g. http://127.0.0.1:8083)
"""

import sys
import time

from sluicegate_client import Client
from sluicegate_client.api.livy import (
    livy_delete_session,
    livy_get_session,
    livy_get_statement,
    livy_list_statements,
    livy_session_log,
    livy_submit_statement,
    livy_version,
    livy_create_session,
)
from sluicegate_client.models import (
    CreateSessionRequest,
    CreateStatementRequest,
    LivyMessage,
    LivyVersion,
    LogView,
    SessionView,
    StatementList,
    StatementView,
)

from flow_common import FlowError, check, run
from flow_generated_client import typed


def ok(resp, status, cls, what):
    check(resp.status_code == status, f"{what}: HTTP {int(resp.status_code)}")
    return typed(resp.parsed, cls, what)


def run_statement(c, s, code):
    st = ok(livy_submit_statement.sync_detailed(s, client=c, body=CreateStatementRequest(code=code)), 201,
            StatementView, f"submit {code!r}")
    for _ in range(200):
        if st.state == "available" and st.output:
            return st.output.additional_properties
        check(st.state in ("waiting", "running", "available"), f"statement state {st.state}")
        time.sleep(0.02)
        st = ok(livy_get_statement.sync_detailed(s, st.id, client=c), 200, StatementView, "statement")
    raise FlowError(f"{code!r} never became available")


def flow(c):
    v = ok(livy_version.sync_detailed(client=c), 200, LivyVersion, "version")
    check(v.version == "0.8.0-incubating", f"version {v.version}")

    session = ok(livy_create_session.sync_detailed(client=c, body=CreateSessionRequest(kind="sql", name="ci-generated")),
                 201, SessionView, "create session")
    s = str(session.id)
    check(session.kind == "sql" and session.state in ("starting", "idle"), f"session {session.kind} {session.state}")
    by_name = ok(livy_get_session.sync_detailed("ci-generated", client=c), 200, SessionView, "session by name")
    check(by_name.id == session.id, "name lookup")

    out = run_statement(c, s, "SELECT value, CAST(value AS VARCHAR) AS s FROM generate_series(1, 3)")
    check(out["status"] == "ok", f"output {out}")
    result = out["data"]["application/json"]
    check([f["name"] for f in result["schema"]["fields"]] == ["value", "s"], f"schema {result['schema']}")
    check(result["data"] == [[1, "1"], [2, "2"], [3, "3"]], f"rows {result['data']}")
    failed = run_statement(c, s, "SELECT * FROM no_such_table")
    check(failed["status"] == "error" and "no_such_table" in failed["evalue"], f"failed output {failed}")

    listed = ok(livy_list_statements.sync_detailed(s, client=c), 200, StatementList, "statements")
    check(listed.total_statements == 2 and len(listed.statements) == 2, f"{listed.total_statements} statements")
    log = ok(livy_session_log.sync_detailed(s, client=c, from_=0, size=100), 200, LogView, "session log")
    check(log.total >= len(log.log) > 0, f"log of {log.total} lines")

    ok(livy_delete_session.sync_detailed(s, client=c), 200, LivyMessage, "delete session")
    gone = ok(livy_get_session.sync_detailed(s, client=c), 404, LivyMessage, "deleted session")
    check(gone.msg, "404 has a msg")


if __name__ == "__main__":
    sys.exit(run(Client, sys.argv[1], flow))
