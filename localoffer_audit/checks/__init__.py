"""The check interface. Built-in checks live in this package and register through the same
`localoffer_audit.checks` entry points as third-party ones (see pyproject.toml).

A check module exposes CHECKS, a list of check classes. Each class has:
  rules: tuple[Rule, ...]          every rule it may emit (data; docs are generated from it)
  from_config(options) -> check    options: the site's [checks.<name>] table; may raise NotConfigured
and either check_page(page) -> Iterable[Finding]  (a PageCheck)
or         check_site(site) -> Iterable[Finding]  (a SiteCheck).
Checks do no network I/O: everything they need was recorded by the crawl.
"""

from __future__ import annotations

from dataclasses import replace
from importlib import resources
from typing import Any, Callable, ClassVar, Iterable, Mapping, Protocol, runtime_checkable

from ..models import Finding, Page, Rule, Site


@runtime_checkable
class PageCheck(Protocol):
    name: ClassVar[str]
    rules: ClassVar[tuple[Rule, ...]]

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> "PageCheck": ...

    def check_page(self, page: Page) -> Iterable[Finding]: ...


@runtime_checkable
class SiteCheck(Protocol):
    name: ClassVar[str]
    rules: ClassVar[tuple[Rule, ...]]

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> "SiteCheck": ...

    def check_site(self, site: Site) -> Iterable[Finding]: ...


def read_options(options: Mapping[str, Any], check_name: str) -> dict[str, Any]:
    """A check's [checks.NAME] options over its defaults (defaults.CHECK_OPTIONS[NAME]).
    Unknown names and wrong types raise ValueError naming the option; ranges are the check's
    own business."""
    from ..defaults import CHECK_OPTIONS, CHECK_TABLE_LIST_OPTIONS

    known = CHECK_OPTIONS.get(check_name, {})
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ValueError(f"unknown option {unknown[0]!r} (known: {', '.join(sorted(known)) or 'none'})")
    values = {name: (list(default) if isinstance(default, list) else default)
              for name, default in known.items()}
    for name, value in options.items():
        default = known[name]
        if isinstance(default, list):
            item = dict if f"{check_name}.{name}" in CHECK_TABLE_LIST_OPTIONS else str
            if not isinstance(value, list) or not all(isinstance(v, item) for v in value):
                kind = "tables" if item is dict else "strings"
                raise ValueError(f"{name} must be a list of {kind}, got {value!r}")
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name} must be a number, got {value!r}")
            value = float(value)
        elif isinstance(default, int) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of 0 or more, got {value!r}")
        elif not isinstance(value, type(default)):
            raise ValueError(f"{name} must be a {type(default).__name__}, got {value!r}")
        values[name] = value
    return values


class NoOptions:
    """Mixin for checks that take no [checks.NAME] options: any option given is an error."""

    @classmethod
    def from_config(cls, options: Mapping[str, Any]):
        if options:
            raise ValueError(f"takes no options, got {', '.join(options)}")
        return cls()


def rule_factory(family: str) -> Callable[..., Rule]:
    """`make(code, name, summary, severity, fix, *tags)` for one family's rules: the family is
    also the first tag, and the doc comes from checks/docs/<CODE>.md."""
    def make(code: str, name: str, summary: str, severity, fix: str, *tags: str) -> Rule:
        return Rule(code, name, summary, severity, family, tags=(family, *tags), fix=fix,
                    doc=load_doc(code))
    return make


def with_who_affected(rules: Iterable[Rule], who_affected: Mapping[str, str]) -> tuple[Rule, ...]:
    """`rules` with each one's "who this affects" sentence from `who_affected` (code -> sentence),
    kept beside the rules as data; the docs, `explain` and the report show it."""
    return tuple(replace(r, who_affected=who_affected.get(r.code, r.who_affected)) for r in rules)


def load_doc(code: str, package: str = __name__) -> str:
    """A rule's Markdown doc from <package>/docs/<CODE>.md (ruff keeps docs beside rules)."""
    try:
        return resources.files(package).joinpath("docs", f"{code}.md").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return ""
