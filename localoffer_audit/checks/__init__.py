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

from importlib import resources
from typing import Any, ClassVar, Iterable, Mapping, Protocol, runtime_checkable

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


class NoOptions:
    """Mixin for checks that take no [checks.NAME] options: any option given is an error."""

    @classmethod
    def from_config(cls, options: Mapping[str, Any]):
        if options:
            raise ValueError(f"takes no options, got {', '.join(options)}")
        return cls()


def load_doc(code: str, package: str = __name__) -> str:
    """A rule's Markdown doc from <package>/docs/<CODE>.md (ruff keeps docs beside rules)."""
    try:
        return resources.files(package).joinpath("docs", f"{code}.md").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return ""
