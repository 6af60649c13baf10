"""Run testkit's stub tests with unittest and report one outcome per test method.

Started by run.mjs inside a patched copy of testkit (the working directory), with the
backend already listening. Arguments: what to run, each a stub folder ("basic_query") or a
dotted test name ("tests.stub.basic_query.test_basic_query.TestBasicQuery"); none means all
of tests.stub. Each finished test method is written to file descriptor 3 as one JSON line:
{"id", "outcome": "passed" | "failed" | "skipped", "reason"?, "detail"?}.
"""

import json
import os
import signal
import sys
import traceback
import unittest

# Tests that make the driver dial a non-loopback address (one of this machine's network
# interfaces, or an address off the machine): they are never run, so no test traffic leaves
# the loopback interface.
NON_LOOPBACK = {
    "test_should_send_empty_hello":
        "dials a non-loopback address of this machine (runner rule: loopback only)",
    "test_should_successfully_read_from_readable_router_using_tx_function":
        "dials a non-loopback address of this machine (runner rule: loopback only)",
    "test_should_successfully_acquire_rt_when_router_ip_changes":
        "dials non-loopback addresses of this machine (runner rule: loopback only)",
    # these two dial 10.255.255.255 (an unroutable address) to make connecting hang
    "test_should_fail_when_acquisition_timeout_is_reached_first":
        "dials 10.255.255.255, off this machine (runner rule: loopback only)",
    "test_should_fail_when_connection_timeout_is_reached_first":
        "dials 10.255.255.255, off this machine (runner rule: loopback only)",
}

out = os.fdopen(3, "w", buffering=1, encoding="utf-8")


def report(test_id, outcome, reason=None, detail=None):
    line = {"id": test_id, "outcome": outcome}
    if reason is not None:
        line["reason"] = reason
    if detail is not None:
        line["detail"] = detail
    out.write(json.dumps(line) + "\n")


def kill_leaked_stub_servers():
    """Kill stub servers a finished test left running (its tearDown failed before it stopped
    them): they hold the fixed ports every later test needs. Only our own children."""
    killed = []
    me = str(os.getpid())
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
                ppid = f.read().rsplit(")", 1)[1].split()[1]
            if ppid != me:
                continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if "boltstub" in cmd:
            try:
                os.kill(int(pid), signal.SIGKILL)
                os.waitpid(int(pid), 0)
                killed.append(cmd.strip())
            except (OSError, ChildProcessError):
                pass
    return killed


def load(targets):
    loader = unittest.TestLoader()
    top = os.getcwd()
    if not targets:
        return loader.discover("tests.stub", top_level_dir=top)
    suite = unittest.TestSuite()
    for target in targets:
        if "." in target:
            suite.addTest(loader.loadTestsFromName(target))
        else:
            suite.addTest(loader.discover("tests.stub." + target,
                                          top_level_dir=top))
    return suite


def tests_of(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from tests_of(item)
        else:
            yield item


def skip_non_loopback(suite):
    for test in tests_of(suite):
        name = getattr(test, "_testMethodName", None)
        if name in NON_LOOPBACK:
            def skipped(*_args, **_kwargs):
                pass
            skipped.__unittest_skip__ = True
            skipped.__unittest_skip_why__ = NON_LOOPBACK[name]
            setattr(test, name, skipped)


class MethodResult(unittest.TextTestResult):
    """Folds subtests into their method: a method failed if it or any subtest failed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._failed = {}

    def _fail(self, test, err):
        # a subtest reports under its parent test
        parent = getattr(test, "test_case", test)
        text = "".join(traceback.format_exception(*err))
        self._failed.setdefault(parent.id(), text[-4000:])

    def addError(self, test, err):
        super().addError(test, err)
        if isinstance(test, unittest.TestCase):
            self._fail(test, err)
        else:  # a class or module fixture failed (_ErrorHolder)
            report(test.id(), "failed",
                   detail="".join(traceback.format_exception(*err))[-4000:])

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._fail(test, err)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._failed.setdefault(test.id(), "unexpected success")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        if isinstance(test, unittest.TestCase) and not hasattr(test, "test_case"):
            self._skip_reason = reason

    def startTest(self, test):
        super().startTest(test)
        self._skip_reason = None

    def stopTest(self, test):
        super().stopTest(test)
        test_id = test.id()
        leaked = kill_leaked_stub_servers()
        if leaked:
            # not a failure of its own (the test already failed), but said loudly
            print(f"runner: killed {len(leaked)} stub server(s) {test_id} left running: "
                  + "; ".join(leaked), file=sys.stderr)
        if test_id in self._failed:
            report(test_id, "failed", detail=self._failed.pop(test_id))
        elif self._skip_reason is not None:
            report(test_id, "skipped", reason=self._skip_reason)
        else:
            report(test_id, "passed")


def main():
    suite = load(sys.argv[1:])
    skip_non_loopback(suite)
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2,
                                     resultclass=MethodResult)
    runner.run(suite)


if __name__ == "__main__":
    main()
