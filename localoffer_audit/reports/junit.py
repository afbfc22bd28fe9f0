"""junit.xml: the findings as JUnit XML test results, for CI test-report views.

<testsuites> holds one <testsuite> per check family (name = the family) and, in each, one
<testcase> per audited page (name = the page address, classname = the family): pages and
documents, plus any other address a finding of that family is about. A case fails (one
<failure>, listing every such finding) when the page has a finding of that family at or above
FAIL_ON (errors, by default) that is not accepted in the baseline file; every other finding
(less severe, or accepted) is listed in the case's <system-out>, so it stays visible without
failing the build. Details in docs/output-format.md and docs/ci.md.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator

from ..defaults import TOOL_NAME
from ..models import Finding, Severity
from . import write_atomic
from .sarif import help_uri, utc_time
from .viewmodel import ReportData

FAIL_ON = "error"  # findings at least this severe (and not accepted) fail their test case

# Characters XML 1.0 cannot hold at all (control characters, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any, limit: int | None = None) -> str:
    text = _NOT_XML.sub("\ufffd", "" if value is None else str(value))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return text


def describe(f: Finding, accepted: bool = False) -> str:
    """A finding as a few lines of plain text."""
    lines = [f"{f.severity.value} {f.rule} {f.rule_name}: {f.message}"
             + ("  [accepted in the baseline]" if accepted else "")]
    for label, value in (("page", f.url), ("target", f.target), ("where", f.selector),
                         ("snippet", f.snippet), ("fix", f.fix),
                         ("owner", f"{f.owner} ({f.owner_contact})" if f.owner_contact
                          else f.owner),
                         ("fingerprint", f.fingerprint), ("help", help_uri(f.rule))):
        if value:
            lines.append(f"  {label}: {value}")
    return "\n".join(lines)


def _timestamp(value: Any) -> str | None:
    """JUnit's timestamp: ISO 8601 without a time zone (the run's UTC start)."""
    utc = utc_time(value)
    return utc[:-1] if utc else None


class JUnitReporter:
    name = "junit"

    def __init__(self, fail_on: str = FAIL_ON) -> None:
        self.fail_rank = Severity(fail_on).rank
        self.fail_on = Severity(fail_on).value

    def fails(self, data: ReportData, f: Finding) -> bool:
        return f.severity.rank >= self.fail_rank and not data.is_accepted(f)

    def families(self, data: ReportData) -> list[str]:
        found = {f.family for f in data.findings}
        with_rules = {r.family for r in data.rules.values()}
        return [fam for fam in data.by_family if fam in found or fam in with_rules]

    def tree(self, data: ReportData) -> ET.Element:
        """The whole document as one element tree (see write() for the streamed form)."""
        root, suites = self._parts(data)
        for suite, cases in suites:
            suite.extend(cases)
            root.append(suite)
        return root

    def _parts(self, data: ReportData):
        """The <testsuites> element with its totals, and its suites one by one."""
        pages = [p.url for p in data.pages if p.kind in ("html", "document")]
        by_family: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
        for f in data.findings:
            by_family[f.family][f.url].append(f)

        root = ET.Element("testsuites", name=TOOL_NAME)
        run_props = {"run_id": data.run.get("id"), "site": data.run.get("site"),
                     "tool_version": data.tool_version, "fail_on": self.fail_on,
                     "accepted_in_baseline": sum(map(data.is_accepted, data.findings))}
        if data.changes is not None and data.changes.before is not None:
            run_props["compared_with_run"] = data.changes.before
        stamp = _timestamp(data.run.get("started_at"))
        families = self.families(data)
        # Each suite's counts first: the totals are attributes of the root, written before it.
        counts = {}
        for family in families:
            found = by_family.get(family, {})
            counts[family] = (len(set(pages) | set(found)),
                              sum(1 for url_findings in found.values()
                                  if any(self.fails(data, f) for f in url_findings)))
        for key, value in (("tests", sum(t for t, _ in counts.values())),
                           ("failures", sum(f for _, f in counts.values())),
                           ("errors", 0), ("time", "0")):
            root.set(key, str(value))

        def suites() -> Iterator[tuple[ET.Element, Iterator[ET.Element]]]:
            for family in families:
                yield self._suite_parts(data, family, by_family.get(family, {}), pages,
                                        counts[family], run_props, stamp)

        return root, suites()

    def _suite_parts(self, data: ReportData, family: str, found: dict[str, list[Finding]],
                     pages: list[str], counts: tuple[int, int], run_props: dict[str, Any],
                     stamp: str | None) -> tuple[ET.Element, Iterator[ET.Element]]:
        """The <testsuite> with its properties and counts (tests, failures), and its test cases
        one by one."""
        urls = sorted(set(pages) | set(found))
        suite = ET.Element("testsuite", name=xml_text(family))
        props = ET.SubElement(suite, "properties")
        for key, value in run_props.items():
            ET.SubElement(props, "property", name=key, value=xml_text(value))
        tests, failures = counts
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        suite.set("time", "0")
        if stamp:
            suite.set("timestamp", stamp)
        return suite, (self._case(data, family, url, found.get(url, ())) for url in urls)

    def _case(self, data: ReportData, family: str, url: str, found) -> ET.Element:
        case = ET.Element("testcase", name=xml_text(url), classname=xml_text(family))
        failing = [f for f in found if self.fails(data, f)]
        others = [f for f in found if not self.fails(data, f)]
        if failing:
            rules = ", ".join(dict.fromkeys(f.rule for f in failing))
            message = (failing[0].message if len(failing) == 1 else
                       f"{len(failing)} findings: {rules}")
            failure = ET.SubElement(case, "failure", message=xml_text(message, 500),
                                    type=xml_text(rules, 200))
            failure.text = xml_text("\n\n".join(describe(f) for f in failing))
        if others:
            out = ET.SubElement(case, "system-out")
            out.text = xml_text("\n\n".join(describe(f, data.is_accepted(f)) for f in others))
        return case

    def write(self, data: ReportData, out_dir: Path) -> list[Path]:
        return [write_atomic(out_dir / "junit.xml", self.chunks(data))]

    def chunks(self, data: ReportData) -> Iterator[str]:
        """The document ET.indent(tree) would give, one test case at a time (160,000 test
        cases of a 20,000-page site as one tree were most of the report's memory)."""
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        root, suites = self._parts(data)
        parts = list(suites)  # (suite, its cases not yet made)
        if not parts:
            yield ET.tostring(root, encoding="unicode") + "\n"  # <testsuites ... />
            return
        yield _open_tag(root) + "\n "
        for n, (suite, cases) in enumerate(parts):
            case = next(cases, None)
            ET.indent(suite, space=" ", level=1)  # the properties
            if case is not None:
                suite[-1].tail = "\n  "
            yield _open_tag(suite) + suite.text + "".join(
                ET.tostring(child, encoding="unicode") for child in suite)
            while case is not None:
                following = next(cases, None)
                ET.indent(case, space=" ", level=2)
                case.tail = "\n  " if following is not None else "\n "
                yield ET.tostring(case, encoding="unicode")
                case = following
            yield "</testsuite>" + ("\n " if n + 1 < len(parts) else "\n")
        yield "</testsuites>\n"


def _open_tag(element: ET.Element) -> str:
    """`<tag attr="...">` as ElementTree writes it (attributes escaped, in their order)."""
    return ET.tostring(ET.Element(element.tag, element.attrib), encoding="unicode")[:-3] + ">"
