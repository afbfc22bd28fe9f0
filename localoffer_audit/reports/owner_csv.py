"""findings.csv and owners/*.csv: the findings as spreadsheets, so a Local Offer lead can send each
owner their own part.

- `findings.csv`: every finding, most severe first.
- `owners/<owner-slug>.csv`: the same columns, one file per owner (owners with pages but no
  findings get a file with just the header: nothing to fix).
- `owners/index.csv`: which file is whose, with the owner's contact and counts.

UTF-8 with a byte-order mark (so Excel reads accents and curly quotes right), comma-separated,
CRLF line ends, fields quoted when needed (RFC 4180). Crawled text can start with `=`, `+`, `-`,
`@`, a tab or a carriage return, which a spreadsheet would run as a formula: such a cell is
written with a leading `'` (the OWASP advice on CSV injection). CSV files left in `owners/` by an
earlier report that no longer match an owner are removed, so no stale file is sent out.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..models import Finding
from . import write_atomic
from .sarif import help_uri, new_since_previous
from .viewmodel import SEVERITY_ORDER, ReportData

FINDING_COLUMNS = ("severity", "rule", "rule_name", "family", "problem", "page_url",
                   "page_title", "target", "message", "fix", "snippet", "owner",
                   "owner_contact", "accepted", "new", "fingerprint", "help_url")
INDEX_COLUMNS = ("owner", "contact", "file", "pages", "findings", "errors", "warnings",
                 "notices", "new", "accepted")
OWNERS_DIR = "owners"

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (full-width forms included: some spreadsheets fold them).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_RESERVED = {"con", "prn", "aux", "nul", "index", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}


def cell(value: Any) -> str:
    """A value as a safe spreadsheet cell: text, no control characters, never a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = _CONTROL.sub("", str(value))
    if text.startswith(FORMULA_START):
        text = "'" + text
    return text


def owner_slug(name: str) -> str:
    """A file name for an owner: lower-case ASCII letters, digits and '-'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    slug = slug or "owner"
    return f"{slug}-owner" if slug in _RESERVED else slug


def owner_files(names: Iterable[str]) -> dict[str, str]:
    """Owner name -> file name, unique (a clash gets -2, -3...)."""
    files: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        base = owner_slug(name)
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        files[name] = f"{slug}.csv"
    return files


def _csv(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    yield "\ufeff"  # byte-order mark: Excel then reads the file as UTF-8
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for record in rows:
        writer.writerow([cell(v) for v in record])
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def finding_row(data: ReportData, f: Finding, titles: dict[str, str | None],
                new: frozenset[str] | None) -> list[Any]:
    rule = data.rules.get(f.rule)
    return [f.severity.value, f.rule, f.rule_name, f.family, rule.summary if rule else "",
            f.url, titles.get(f.url), f.target, f.message, f.fix, f.snippet, f.owner,
            f.owner_contact, data.is_accepted(f),
            (f.fingerprint in new) if new is not None else None,
            f.fingerprint, help_uri(f.rule)]


class OwnerCsvReporter:
    name = "owner-csv"

    def write(self, data: ReportData, out_dir: Path) -> list[Path]:
        titles = {p.url: p.title for p in data.pages}
        new = new_since_previous(data)

        def rows(findings: Iterable[Finding]) -> Iterator[list[Any]]:
            yield list(FINDING_COLUMNS)
            for f in findings:
                yield finding_row(data, f, titles, new)

        written = [write_atomic(out_dir / "findings.csv", _csv(rows(data.findings)))]
        owners_dir = out_dir / OWNERS_DIR
        files = owner_files(o.name for o in data.owners)
        index: list[list[Any]] = [list(INDEX_COLUMNS)]
        for owner in data.owners:
            name = files[owner.name]
            written.append(write_atomic(owners_dir / name, _csv(rows(owner.findings))))
            contact = owner.contact or next(
                (f.owner_contact for f in owner.findings if f.owner_contact), "")
            index.append([owner.name, contact, f"{OWNERS_DIR}/{name}", owner.pages,
                          len(owner.findings),
                          *(owner.by_severity.get(s, 0) for s in SEVERITY_ORDER),
                          sum(f.fingerprint in new for f in owner.findings)
                          if new is not None else None,
                          sum(map(data.is_accepted, owner.findings))])
        written.append(write_atomic(owners_dir / "index.csv", _csv(index)))
        keep = {p.name for p in written if p.parent == owners_dir}
        for stale in owners_dir.glob("*.csv"):
            if stale.name not in keep:
                stale.unlink(missing_ok=True)
        return written
