"""Named steps for the real-client flows (pylivy, sparkmagic): each step passes or fails on its
own, a failure prints what was expected and the exception, and the run ends with
`N passed, M failed` and a non-zero exit code when anything failed."""

import contextlib
import traceback


class StepFailed(Exception):
    pass


class Steps:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    @staticmethod
    def check(cond, what):
        if not cond:
            raise StepFailed(what)

    @contextlib.contextmanager
    def step(self, title):
        try:
            yield
        except Exception as e:  # one failing step must not hide the others
            self.failed += 1
            print(f"FAIL {self.name}: {title}: {type(e).__name__}: {e}")
            if not isinstance(e, StepFailed):
                traceback.print_exc()
        else:
            self.passed += 1
            print(f"ok   {self.name}: {title}")

    def run(self, flow):
        try:
            flow()
        except Exception as e:  # outside any step: the flow could not go on
            self.failed += 1
            print(f"FAIL {self.name}: the flow stopped: {type(e).__name__}: {e}")
            traceback.print_exc()
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        return 0 if self.failed == 0 and self.passed > 0 else 1
