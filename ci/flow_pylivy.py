"""The Livy REST API driven by Livy's own Python client (PyPI `livy` 0.8.0), unchanged.

Only the client talks to the gateway: a SQL session with JSON output, `download_sql` into
a pandas DataFrame compared with the expected rows, a failing statement, a batch whose SQL
script writes a filesystem table (read back through a session), its log, `wait()` to
`success`, and `kill()` of a long batch. Prints `N passed, M failed`.

Usage: python flow_pylivy.py LIVY_URL DATA_ROOT   (e.g. http://127.0.0.1:8083/livy ./data)
"""

import os
import sys
import time

import pandas
from livy import LivyBatch, LivySession, SessionKind, SessionState
from livy.models import OutputStatus

from flow_steps import Steps


def flow(steps, url, data_root):
    with LivySession.create(url, kind=SessionKind.SQL, echo=False, check=False) as session:
        with steps.step("run a query: JSON output with schema and rows"):
            out = session.run("SELECT 1 AS a, 'x' AS b")
            steps.check(out.status == OutputStatus.OK, f"status {out.status}")
            steps.check([f["name"] for f in out.json["schema"]["fields"]] == ["a", "b"], f"schema {out.json}")
            steps.check(out.json["data"] == [[1, "x"]], f"data {out.json['data']}")
        with steps.step("download_sql into a DataFrame"):
            frame = session.download_sql("SELECT value FROM generate_series(0, 99) ORDER BY value")
            expected = pandas.DataFrame({"value": list(range(100))})
            steps.check(frame.equals(expected), f"frame\n{frame.head()}")
        with steps.step("COUNT(*) answers [[100]]"):
            out = session.run("SELECT COUNT(*) AS n FROM generate_series(0, 99)")
            steps.check(out.json["data"] == [[100]], f"data {out.json}")
        with steps.step("a failing statement has status error"):
            out = session.run("not valid SQL!")
            steps.check(out.status == OutputStatus.ERROR and out.evalue, f"output {out}")

    script = os.path.join(data_root, "pylivy_batch.sql")
    out_dir = os.path.join(data_root, "pylivy_out")
    with open(script, "w") as f:
        f.write(
            f"CREATE TABLE out (id INT, name STRING) WITH ('connector' = 'filesystem', 'path' = '{out_dir}', 'format' = 'csv');\n"
            "INSERT INTO out VALUES (1, 'a'), (2, 'b'), (3, 'c');\n"
        )
    with steps.step("a SQL batch runs to success"):
        batch = LivyBatch.create(url, file=script, name="pylivy-write")
        steps.check(batch.state in (SessionState.STARTING, SessionState.RUNNING, SessionState.SUCCESS),
                    f"state after create {batch.state}")
        steps.check(batch.wait() == SessionState.SUCCESS, f"final state {batch.state}")
        lines = batch.log(from_=0, size=1000)
        steps.check(lines and any("INSERT" in line for line in lines), f"log {lines}")
    with steps.step("the batch's table reads back through a session"):
        with LivySession.create(url, kind=SessionKind.SQL, echo=False) as session:
            session.run(f"CREATE TABLE back (id INT, name STRING) WITH ('connector' = 'filesystem', 'path' = '{out_dir}', 'format' = 'csv')")
            frame = session.download_sql("SELECT id, name FROM back ORDER BY id")
            steps.check(frame.values.tolist() == [[1, "a"], [2, "b"], [3, "c"]], f"rows {frame.values.tolist()}")

    long_script = os.path.join(data_root, "pylivy_long.sql")
    with open(long_script, "w") as f:
        f.write(
            "CREATE TABLE sink (v BIGINT) WITH ('connector' = 'blackhole');\n"
            "INSERT INTO sink SELECT value FROM generate_series(1, 100000000000000);\n"
        )
    with steps.step("kill() stops a long batch"):
        batch = LivyBatch.create(url, file=long_script, name="pylivy-long")
        for _ in range(100):
            if batch.state == SessionState.RUNNING:
                break
            time.sleep(0.05)
        steps.check(batch.state == SessionState.RUNNING, f"state before kill {batch.state}")
        batch_id = batch.batch_id
        batch.kill()
        # Livy forgets a deleted batch: pylivy then says it is not found.
        try:
            state = LivyBatch(url, batch_id).state
        except ValueError as gone:
            state = gone
        steps.check(isinstance(state, ValueError) or state == SessionState.KILLED, f"after kill: {state}")


if __name__ == "__main__":
    steps = Steps("pylivy")
    sys.exit(steps.run(lambda: flow(steps, sys.argv[1], os.path.abspath(sys.argv[2]))))
