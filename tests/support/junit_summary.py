#!/usr/bin/env python3
"""Prints the shape of a JUnit XML report, one fact a line, for
scenario_runner_test: parsing it with xml.etree is the check that the report
is well-formed XML 1.0, as JUnit consumers need."""
import sys
import xml.etree.ElementTree as ET

sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace")
root = ET.parse(sys.argv[1]).getroot()
print(f"root {root.tag}")
for suite in [root] if root.tag == "testsuite" else root.findall("testsuite"):
    cases = suite.findall("testcase")
    print(f"testsuite tests={suite.get('tests')} failures={suite.get('failures')} "
          f"errors={suite.get('errors')} testcases={len(cases)}")
    for case in cases:
        seconds = float(case.get("time"))  # fails unless a number
        assert seconds >= 0, seconds
        failure = case.find("failure")
        verdict = "passed" if failure is None else "failed: " + failure.get("message")
        print(f"testcase {case.get('classname')} {case.get('name')}: {verdict}")
        if failure is not None:
            for line in (failure.text or "").splitlines():
                print(f"  failure text: {line}")
        for line in (case.findtext("system-out") or "").splitlines():
            print(f"  out: {line}")
