"""The Livy REST API driven by sparkmagic's Livy client classes (PyPI `sparkmagic` 0.23.0), as
its kernels use them, without a notebook.

It starts a `pyspark` session (sparkmagic's start-up probes included), runs the code
sparkmagic generates for `%%sql` through `SQLQuery` (its row cap too), parses the answer
into a DataFrame, sends non-SQL code (refused with status error), and deletes the session.
Prints `N passed, M failed`.

Usage: python flow_sparkmagic.py LIVY_URL   (e.g. http://127.0.0.1:8083/livy)
"""

import sys

from sparkmagic.livyclientlib.command import Command
from sparkmagic.livyclientlib.endpoint import Endpoint
from sparkmagic.livyclientlib.livyreliablehttpclient import LivyReliableHttpClient
from sparkmagic.livyclientlib.livysession import LivySession
from sparkmagic.livyclientlib.sqlquery import SQLQuery

from flow_steps import Steps

# sparkmagic turns numeric-looking strings into numbers on its side, hence the 'v' prefix.
QUERY = "SELECT value, CONCAT('v', CAST(value AS VARCHAR)) AS s FROM generate_series(1, 10) ORDER BY value"


class Display:
    """What a notebook would show: kept, so a failure can print it."""

    def __init__(self):
        self.lines = []

    def write(self, text):
        self.lines.append(text)

    writeln = write

    def send_error(self, text):
        self.lines.append(f"ERROR {text}")

    def html(self, _html):
        pass

    def display(self, _widget):
        pass


def flow(steps, url):
    display = Display()
    http = LivyReliableHttpClient.from_endpoint(Endpoint(url, None))
    for kind in ("pyspark", "spark"):
        session = LivySession(http, {"kind": kind}, display)
        with steps.step(f"{kind}: start (wait for idle, then the 'spark' probe)"):
            session.start()
            steps.check(session.status == "idle", f"status {session.status}; display {display.lines}")
            steps.check(session.sql_context_variable_name == "spark", f"context {session.sql_context_variable_name}")
        with steps.step(f"{kind}: %%sql query parsed into a DataFrame"):
            frame = SQLQuery(QUERY).execute(session)
            steps.check(list(frame.columns) == ["value", "s"], f"columns {list(frame.columns)}")
            steps.check(frame["value"].tolist() == list(range(1, 11)), f"values {frame['value'].tolist()}")
            steps.check(frame["s"].tolist() == [f"v{i}" for i in range(1, 11)], f"strings {frame['s'].tolist()}")
        with steps.step(f"{kind}: %%sql -n 3 honours the row cap"):
            frame = SQLQuery(QUERY, maxrows=3).execute(session)
            steps.check(frame["value"].tolist() == [1, 2, 3], f"values {frame['value'].tolist()}")
        with steps.step(f"{kind}: other code answers status error, not run"):
            ok, text, _ = Command("import os; os.system('touch /tmp/sluicegate-ran-code')").execute(session)
            steps.check(not ok and "SQL" in text, f"answered {ok} {text!r}")
        with steps.step(f"{kind}: delete"):
            session.delete()
            steps.check(session.status == "dead", f"status after delete {session.status}")


if __name__ == "__main__":
    steps = Steps("sparkmagic")
    sys.exit(steps.run(lambda: flow(steps, sys.argv[1])))
