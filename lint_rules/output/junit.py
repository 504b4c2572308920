"""JUnit XML, as ruff writes it: one test suite a file with findings, one failing test
case a finding (``classname`` is the file's path without ``.py``). A clean run is one
passing test case, so that CI shows a green test rather than none."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from pathlib import PurePosixPath
from typing import TextIO

from lint_rules.output.report import Report

TOOL = "hyperion-lint"


def _suite(parent: ET.Element, name: str, tests: int, failures: int) -> ET.Element:
    return ET.SubElement(
        parent, "testsuite",
        name=name, tests=str(tests), disabled="0", errors="0", failures=str(failures), package=TOOL,
    )


def render(report: Report, stream: TextIO, color: bool) -> None:
    count = len(report.findings)
    suites = ET.Element("testsuites", name=TOOL, tests=str(count or 1), failures=str(count), errors="0")
    if not report.findings:
        suite = _suite(suites, TOOL, 1, 0)
        ET.SubElement(suite, "testcase", name="No findings", classname=TOOL)
    for path, group in groupby(report.findings, key=lambda f: f.path):
        findings = list(group)
        suite = _suite(suites, path, len(findings), len(findings))
        classname = str(PurePosixPath(path).with_suffix(""))
        for finding in findings:
            line, column = finding.start.line, finding.start.column
            case = ET.SubElement(
                suite, "testcase",
                name=f"{finding.code} {finding.name}", classname=classname, file=path,
                line=str(line), column=str(column),
            )
            failure = ET.SubElement(case, "failure", message=finding.message)
            failure.text = f"line {line}, col {column}, {finding.message}"
    ET.indent(suites, space="    ")
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(suites, encoding="unicode") + "\n")
