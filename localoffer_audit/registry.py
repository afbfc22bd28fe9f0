"""Discovers checks and reporters through entry points, validates them, applies select/ignore.

Loading happens in two typed steps, as in flake8: an entry point becomes a LoadedCheck once its
object is imported and validated. Errors name the plugin as `package[entry-name]`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Iterable, Mapping, Sequence

from .errors import NotConfigured, PluginError
from .models import Rule

CHECK_GROUP = "localoffer_audit.checks"
REPORTER_GROUP = "localoffer_audit.reporters"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedCheck:
    plugin: str  # "package[entry-name]"
    cls: type
    kind: str  # "page" or "site"

    @property
    def name(self) -> str:
        return self.cls.name

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(self.cls.rules)

    @property
    def metrics(self) -> tuple[str, ...]:
        """Names of the per-page values the check measures (measure_page), for pages.jsonl."""
        return tuple(getattr(self.cls, "metrics", ()))


def _plugin_label(ep: EntryPoint) -> str:
    package = ep.dist.name if getattr(ep, "dist", None) else ep.module.split(".")[0]
    return f"{package}[{ep.name}]"


def _check_kind(plugin: str, cls: Any) -> str:
    if not isinstance(cls, type):
        raise PluginError(f"{plugin}: {cls!r} is not a check class")
    for attr in ("name", "rules", "from_config"):
        if not hasattr(cls, attr):
            raise PluginError(f"{plugin}: check {cls.__name__} has no {attr!r}")
    has_page, has_site = hasattr(cls, "check_page"), hasattr(cls, "check_site")
    if has_page == has_site:
        raise PluginError(f"{plugin}: check {cls.__name__} must define exactly one of "
                          "check_page or check_site")
    return "page" if has_page else "site"


def discover_checks(eps: Iterable[EntryPoint] | None = None) -> list[LoadedCheck]:
    """Every installed check class, validated; raises PluginError naming the bad plugin."""
    loaded: list[LoadedCheck] = []
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    check_names: dict[str, str] = {}
    for ep in sorted(eps if eps is not None else entry_points(group=CHECK_GROUP),
                     key=lambda e: e.name):
        plugin = _plugin_label(ep)
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must say which one it is
            raise PluginError(f"{plugin}: cannot load {ep.value}: {exc}") from exc
        classes = obj if isinstance(obj, (list, tuple)) else [obj]
        for cls in classes:
            kind = _check_kind(plugin, cls)
            if cls.name in check_names:
                raise PluginError(f"{plugin}: check name {cls.name!r} is already used by "
                                  f"{check_names[cls.name]}")
            check_names[cls.name] = plugin
            for rule in cls.rules:
                if not isinstance(rule, Rule):
                    raise PluginError(f"{plugin}: {cls.__name__}.rules must hold Rule objects")
                problems = rule.validate()
                if problems:
                    raise PluginError(f"{plugin}: {problems[0]}")
                for table, key in ((codes, rule.code), (names, rule.name)):
                    if key in table:
                        raise PluginError(f"{plugin}: rule {key!r} is already defined by "
                                          f"{table[key]}")
                    table[key] = plugin
            loaded.append(LoadedCheck(plugin, cls, kind))
    return loaded


def all_rules(checks: Sequence[LoadedCheck]) -> list[Rule]:
    return sorted((rule for check in checks for rule in check.rules), key=lambda r: r.code)


def rule_matches(rule: Rule, selector: str) -> bool:
    """select/ignore entries match a rule by code, code prefix (e.g. `LNK`) or name."""
    return rule.code.startswith(selector.upper()) or rule.name == selector


def validate_selectors(rules: Sequence[Rule], selectors: Iterable[str], key: str) -> None:
    from .errors import ConfigError

    for selector in selectors:
        if not any(rule_matches(rule, selector) for rule in rules):
            raise ConfigError(f"{key} entry {selector!r} matches no rule "
                              "(see `localoffer-audit rules`)")


def enabled_rule_codes(rules: Sequence[Rule], select: Sequence[str], ignore: Sequence[str]) -> set[str]:
    chosen = [r for r in rules if not select or any(rule_matches(r, s) for s in select)]
    return {r.code for r in chosen if not any(rule_matches(r, s) for s in ignore)}


def instantiate(checks: Sequence[LoadedCheck], enabled_codes: set[str],
                options: Mapping[str, Mapping[str, Any]]) -> list[tuple[LoadedCheck, Any]]:
    """Build the enabled checks; a check with no enabled rule, or that says NotConfigured, is off."""
    from .errors import ConfigError

    known = {c.name for c in checks}
    for name in options:
        if name not in known:
            raise ConfigError(f"[checks.{name}] names no installed check "
                              f"(installed: {', '.join(sorted(known))})")
    active = []
    for check in checks:
        if not any(rule.code in enabled_codes for rule in check.rules):
            log.info("Disabled check %s: no selected rule", check.name)
            continue
        try:
            active.append((check, check.cls.from_config(dict(options.get(check.name, {})))))
        except NotConfigured as exc:
            log.info("Disabled check %s: %s", check.name, exc)
        except (TypeError, ValueError, KeyError) as exc:
            raise ConfigError(f"[checks.{check.name}] {exc}") from None
    log.info("Enabled checks: %s", ", ".join(c.name for c, _ in active))
    return active


def discover_reporters() -> dict[str, Any]:
    reporters = {}
    for ep in entry_points(group=REPORTER_GROUP):
        try:
            reporters[ep.name] = ep.load()
        except Exception as exc:
            raise PluginError(f"{_plugin_label(ep)}: cannot load {ep.value}: {exc}") from exc
    return reporters
