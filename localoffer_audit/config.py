"""Site configuration: validated, layered, frozen.

load_config() applies the layers in order, like coverage.py's read_coverage_config():
  1) defaults (defaults.py)  2) the site TOML  3) environment variables  4) command-line options.
Every problem raises ConfigError with one line that names the key, e.g.
  [crawl].max_pages must be a whole number of at least 1, got 'lots'
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from . import defaults
from .errors import ConfigError
from .models import Severity
from .urls import matches_host, netloc_of, split_credentials


# ---- value validators: each takes (key, value) and returns the clean value or raises ----------

def _fail(key: str, need: str, value: Any) -> ConfigError:
    return ConfigError(f"{key} must be {need}, got {value!r}")


def _int_at_least(minimum: int) -> Callable[[str, Any], int]:
    def check(key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise _fail(key, f"a whole number of at least {minimum}", value)
        return value
    return check


def _float_at_least(minimum: float) -> Callable[[str, Any], float]:
    def check(key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
            raise _fail(key, f"a number of at least {minimum:g}", value)
        return float(value)
    return check


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(key, "true or false", value)
    return value


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(key, "a string", value)
    return value


def _string_list(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(key, "a list of strings", value)
    return tuple(value)


_STATUS_RANGE = re.compile(r"^\s*(\d{3})?\s*\.\.(=)?\s*(\d{3})?\s*$")


def status_ranges(key: str, value: Any) -> tuple[tuple[int, int], ...]:
    """HTTP status codes and lychee-style ranges ("500..=599" inclusive, "500..600" not) as
    inclusive (low, high) pairs."""
    need = 'a list of status codes (429) and ranges ("500..=599")'
    if not isinstance(value, (list, tuple)):
        raise _fail(key, need, value)
    out = []
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool) and 100 <= item <= 999:
            out.append((item, item))
            continue
        match = _STATUS_RANGE.match(item) if isinstance(item, str) else None
        if match is None and isinstance(item, str) and item.strip().isdigit():
            out.append((int(item), int(item)))
            continue
        if match is None or not (match.group(1) or match.group(3)):
            raise _fail(key, need, item)
        low = int(match.group(1) or 100)
        high = int(match.group(3)) if match.group(3) else 999
        if match.group(3) and not match.group(2):
            high -= 1  # "a..b" leaves b out, as Rust's ranges (lychee's syntax)
        if low > high:
            raise _fail(key, need, item)
        out.append((low, high))
    return tuple(out)


def _status_list(key: str, value: Any) -> tuple:
    status_ranges(key, value)
    return tuple(value)


def _regex_list(key: str, value: Any) -> tuple[str, ...]:
    patterns = _string_list(key, value)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{key} has a bad regular expression {pattern!r}: {exc}") from None
    return patterns


def check_http_url(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(key, "a URL string", value)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ConfigError(f"{key} must be an http:// or https:// URL, got {value!r}")
    if not parts.hostname:
        raise ConfigError(f"{key} has no host name: {value!r}")
    try:
        parts.port
    except ValueError:
        raise ConfigError(f"{key} has a bad port: {value!r}") from None
    return value


def _url_list(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(key, "a non-empty list of URLs", value)
    return tuple(check_http_url(f"{key}[{i}]", v) for i, v in enumerate(value))


def _choice(*choices: str) -> Callable[[str, Any], str]:
    def check(key: str, value: Any) -> str:
        if value not in choices:
            raise _fail(key, "one of " + ", ".join(choices), value)
        return value
    return check


def _network_list(key: str, value: Any) -> tuple[str, ...]:
    networks = _string_list(key, value)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigError(f"{key} has a bad network {network!r} (use CIDR, e.g. 10.0.0.0/8)") from None
    return networks


# ---- the schema: table -> key -> (validator, default). Unknown keys are errors. ----------------

SCHEMA: dict[str, dict[str, tuple[Callable[[str, Any], Any], Any]]] = {
    "site": {
        "name": (_string, ""),
        "start_urls": (_url_list, ()),
        "allowed_hosts": (_string_list, ()),
        "oruk_url": (lambda key, value: check_http_url(key, value) if value else "", ""),
    },
    "crawl": {
        "a11y_engine": (_choice(*defaults.A11Y_ENGINES), defaults.A11Y_ENGINE),
        "a11y_engine_pages": (_int_at_least(1), defaults.A11Y_ENGINE_PAGES),
        "a11y_engine_probes": (_bool, defaults.A11Y_ENGINE_PROBES),
        "a11y_engine_tags": (_string_list, defaults.A11Y_ENGINE_TAGS),
        "a11y_engine_timeout": (_float_at_least(1), defaults.A11Y_ENGINE_TIMEOUT_SECONDS),
        "allowed_networks": (_network_list, defaults.CRAWL_ALLOWED_NETWORKS),
        "concurrency_per_host": (_int_at_least(1), defaults.CRAWL_CONCURRENCY_PER_HOST),
        "delay": (_float_at_least(0), defaults.CRAWL_DELAY_SECONDS),
        "exclude": (_regex_list, defaults.CRAWL_EXCLUDE),
        "include": (_regex_list, defaults.CRAWL_INCLUDE),
        "incremental": (_bool, defaults.CRAWL_INCREMENTAL),
        "link_cache_exclude_status": (_status_list, defaults.CRAWL_LINK_CACHE_EXCLUDE_STATUS),
        "link_cache_hours": (_float_at_least(0), defaults.CRAWL_LINK_CACHE_HOURS),
        "max_depth": (_int_at_least(0), defaults.CRAWL_MAX_DEPTH),
        "max_pages": (_int_at_least(1), defaults.CRAWL_MAX_PAGES),
        "max_redirects": (_int_at_least(0), defaults.CRAWL_MAX_REDIRECTS),
        "max_response_bytes": (_int_at_least(1024), defaults.CRAWL_MAX_RESPONSE_BYTES),
        "max_sitemap_urls": (_int_at_least(0), defaults.CRAWL_MAX_SITEMAP_URLS),
        "max_stylesheet_bytes": (_int_at_least(1024), defaults.CRAWL_MAX_STYLESHEET_BYTES),
        "max_stylesheets": (_int_at_least(0), defaults.CRAWL_MAX_STYLESHEETS),
        "obey_robots": (_bool, defaults.CRAWL_OBEY_ROBOTS),
        "offsite_check": (_bool, defaults.CRAWL_OFFSITE_CHECK),
        "offsite_skip_hosts": (_string_list, defaults.CRAWL_OFFSITE_SKIP_HOSTS),
        "read_sitemaps": (_bool, defaults.CRAWL_READ_SITEMAPS),
        "store_document_bytes": (_int_at_least(0), defaults.CRAWL_STORE_DOCUMENT_BYTES),
        "strip_params": (_string_list, defaults.CRAWL_STRIP_PARAMS),
        "timeout": (_float_at_least(1), defaults.CRAWL_TIMEOUT_SECONDS),
        "user_agent": (_string, defaults.CRAWL_USER_AGENT),
    },
    "crawl.traps": {
        "date_window_months": (_int_at_least(1), defaults.TRAP_DATE_WINDOW_MONTHS),
        "max_facet_pages_per_path": (_int_at_least(1), defaults.TRAP_MAX_FACET_PAGES_PER_PATH),
        "max_param_combinations_per_path": (_int_at_least(1), defaults.TRAP_MAX_PARAM_COMBINATIONS_PER_PATH),
        "max_per_pattern": (_int_at_least(1), defaults.TRAP_MAX_PER_PATTERN),
        "max_query_params": (_int_at_least(0), defaults.TRAP_MAX_QUERY_PARAMS),
    },
    "crawl.retry_after": {
        "default_wait": (_float_at_least(0), defaults.RETRY_AFTER_DEFAULT_WAIT),
        "max_retries": (_int_at_least(0), defaults.RETRY_AFTER_MAX_RETRIES),
        "max_wait": (_float_at_least(0), defaults.RETRY_AFTER_MAX_WAIT),
    },
    "audit": {
        "select": (_string_list, defaults.CHECKS_SELECT),
        "ignore": (_string_list, defaults.CHECKS_IGNORE),
        "fail_on": (_choice("error", "warning", "notice", "never"), defaults.FAIL_ON),
    },
}
OWNER_KEYS = {"name", "contact", "hosts", "url_prefixes", "url_regex", "default"}
TOP_LEVEL = {"site", "crawl", "audit", "checks", "owners"}


@dataclass(frozen=True)
class OwnerRule:
    name: str
    contact: str = ""
    hosts: tuple[str, ...] = ()
    url_prefixes: tuple[str, ...] = ()
    url_regex: tuple[str, ...] = ()
    default: bool = False

    def matches(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if any(host == h.lower() or host.endswith("." + h.lower().lstrip("*.")) for h in self.hosts):
            return True
        for prefix in self.url_prefixes:
            target = parts.path if prefix.startswith("/") else url
            if target.startswith(prefix):
                return True
        return any(re.search(pattern, url) for pattern in self.url_regex)


@dataclass(frozen=True)
class Ownership:
    """Maps a URL to its owner: first matching rule wins, else the default owner."""

    rules: tuple[OwnerRule, ...] = ()
    default_name: str = defaults.OWNER_DEFAULT_NAME
    default_contact: str = defaults.OWNER_DEFAULT_CONTACT

    def owner_for(self, url: str | None) -> tuple[str, str]:
        if url:
            for rule in self.rules:
                if rule.matches(url):
                    return rule.name, rule.contact
        return self.default_name, self.default_contact

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.rules] + [self.default_name]

    def contacts(self) -> dict[str, str]:
        """Owner name -> contact (the first rule with that name gives it)."""
        found = {self.default_name: self.default_contact}
        for rule in reversed(self.rules):
            found[rule.name] = rule.contact or found.get(rule.name, "")
        return found


@dataclass(frozen=True)
class AuditConfig:
    """The whole, validated configuration. Tables are plain dicts of clean values."""

    site: Mapping[str, Any]
    crawl: Mapping[str, Any]
    traps: Mapping[str, Any]
    retry_after: Mapping[str, Any]
    audit: Mapping[str, Any]
    severity_overrides: Mapping[str, Severity]
    check_options: Mapping[str, Mapping[str, Any]]
    ownership: Ownership
    source: str = "<defaults>"  # where it came from, for messages
    db_path: str | None = None
    allowed_networks: tuple[str, ...] = field(default=())
    # (user, password, host[:port]) from a start URL's login part: sent as HTTP basic auth to
    # that host, never stored (to_dict leaves it out) nor shown.
    credentials: tuple[str, str, str] | None = field(default=None, repr=False)

    @property
    def start_urls(self) -> tuple[str, ...]:
        return tuple(self.site["start_urls"])

    @property
    def allowed_hosts(self) -> tuple[str, ...]:
        return tuple(self.site["allowed_hosts"])

    @property
    def name(self) -> str:
        return self.site["name"] or netloc_of(self.start_urls[0])

    def to_dict(self) -> dict[str, Any]:
        """The effective config in TOML shape, JSON-safe: stored with each run so that a
        later `check RUN` re-runs with exactly the settings the crawl used."""
        def plain(table: Mapping[str, Any]) -> dict[str, Any]:
            return {k: list(v) if isinstance(v, tuple) else v for k, v in table.items()}

        owners = [plain(vars(rule)) for rule in self.ownership.rules]
        owners.append({"name": self.ownership.default_name,
                       "contact": self.ownership.default_contact, "default": True})
        return {
            "site": plain(self.site),
            "crawl": {**plain(self.crawl), "traps": plain(self.traps),
                      "retry_after": plain(self.retry_after)},
            "audit": {**plain(self.audit),
                      "severity": {k: v.value for k, v in self.severity_overrides.items()}},
            "checks": {k: dict(v) for k, v in self.check_options.items()},
            "owners": owners,
        }


def _table(data: Mapping[str, Any], table: str, source: Mapping[str, Any]) -> dict[str, Any]:
    schema = SCHEMA[table]
    clean = {key: default for key, (_, default) in schema.items()}
    for key, value in source.items():
        if key not in schema:
            if isinstance(value, dict) and f"{table}.{key}" in SCHEMA:
                continue  # a sub-table, validated on its own
            known = ", ".join(sorted(schema))
            raise ConfigError(f"unknown key [{table}].{key} (known keys: {known})")
        validator, _ = schema[key]
        clean[key] = validator(f"[{table}].{key}", value)
    return clean


def _owners(raw: Any) -> Ownership:
    if raw is None:
        return Ownership()
    if not isinstance(raw, list):
        raise _fail("[[owners]]", "an array of tables ([[owners]])", raw)
    rules, default = [], None
    for i, entry in enumerate(raw):
        where = f"[[owners]] #{i + 1}"
        if not isinstance(entry, dict):
            raise _fail(where, "a table", entry)
        unknown = set(entry) - OWNER_KEYS
        if unknown:
            raise ConfigError(f"unknown key {where}.{sorted(unknown)[0]} (known keys: "
                              + ", ".join(sorted(OWNER_KEYS)) + ")")
        if not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise ConfigError(f"{where}.name is required and must be a non-empty string")
        rule = OwnerRule(
            name=entry["name"].strip(),
            contact=_string(f"{where}.contact", entry.get("contact", "")),
            hosts=_string_list(f"{where}.hosts", entry.get("hosts", [])),
            url_prefixes=_string_list(f"{where}.url_prefixes", entry.get("url_prefixes", [])),
            url_regex=_regex_list(f"{where}.url_regex", entry.get("url_regex", [])),
            default=_bool(f"{where}.default", entry.get("default", False)),
        )
        if rule.default:
            if default is not None:
                raise ConfigError(f"{where}.default: only one owner may be the default "
                                  f"(already {default.name!r})")
            default = rule
        elif not (rule.hosts or rule.url_prefixes or rule.url_regex):
            raise ConfigError(f"{where} ({rule.name!r}) needs hosts, url_prefixes or url_regex, "
                              "or default = true")
        else:
            rules.append(rule)
    if default is None:
        return Ownership(rules=tuple(rules))
    return Ownership(rules=tuple(rules), default_name=default.name, default_contact=default.contact)


def _severity_overrides(raw: Any) -> dict[str, Severity]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail("[audit.severity]", "a table of RULE = severity", raw)
    out = {}
    for rule, level in raw.items():
        try:
            out[rule] = Severity(level)
        except ValueError:
            raise ConfigError(f"[audit.severity].{rule} must be error, warning or notice, "
                              f"got {level!r}") from None
    return out


def read_toml(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"config path is a directory, not a TOML file: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None


def _non_global_networks_for(hosts: list[str]) -> tuple[str, ...]:
    """Networks the crawl may fetch although they are not public: those the audited site lives
    on. Only IP literals and localhost count (no DNS here: loading a config must not touch the
    network); an intranet site names its networks in [crawl].allowed_networks."""
    networks: set[str] = set()
    for host in hosts:
        if host == "localhost" or host.endswith(".localhost"):
            addresses = ["127.0.0.1"]
        else:
            try:
                addresses = [str(ipaddress.ip_address(host.strip("[]")))]
            except ValueError:
                addresses = []
        for address in addresses:
            ip = ipaddress.ip_address(address)
            if ip.is_loopback:
                networks.update(("127.0.0.0/8", "::1/128"))
            elif not ip.is_global:
                networks.add(str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 64}",
                                                      strict=False)))
    return tuple(sorted(networks))


ENV_OVERRIDES = (  # (environment variable, table, key, validator)
    (defaults.ENV_MAX_PAGES, "crawl", "max_pages", int),
    (defaults.ENV_CONCURRENCY, "crawl", "concurrency_per_host", int),
    (defaults.ENV_DELAY, "crawl", "delay", float),
)


def load_config(
    config_file: str | Path | None = None,
    *,
    start_url: str | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    environ: Mapping[str, str] | None = None,
) -> AuditConfig:
    """Build the frozen config from the four layers. `overrides` are CLI values: {table: {key: v}}."""
    # 1) defaults are the SCHEMA defaults; 2) from the site TOML:
    raw: dict[str, Any] = read_toml(config_file) if config_file else {}
    source = str(config_file) if config_file else "<command line>"
    return build_config(raw, source=source, start_url=start_url, overrides=overrides,
                        environ=os.environ if environ is None else environ)


def build_config(
    raw: Mapping[str, Any],
    *,
    source: str = "<stored run>",
    start_url: str | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    environ: Mapping[str, str] | None = None,
) -> AuditConfig:
    """Validate a TOML-shaped mapping and apply layers 3 and 4 (see load_config)."""
    environ = environ or {}
    unknown = set(raw) - TOP_LEVEL
    if unknown:
        raise ConfigError(f"unknown table [{sorted(unknown)[0]}] in {source} "
                          f"(known: {', '.join(sorted(TOP_LEVEL))})")
    for table in ("site", "crawl", "audit"):
        if table in raw and not isinstance(raw[table], dict):
            raise _fail(f"[{table}]", "a table", raw[table])
    crawl_raw = raw.get("crawl", {})
    audit_raw = dict(raw.get("audit", {}))
    severity_raw = audit_raw.pop("severity", None)
    tables = {
        "site": _table(raw, "site", raw.get("site", {})),
        "crawl": _table(raw, "crawl", crawl_raw),
        "crawl.traps": _table(raw, "crawl.traps", crawl_raw.get("traps", {})),
        "crawl.retry_after": _table(raw, "crawl.retry_after", crawl_raw.get("retry_after", {})),
        "audit": _table(raw, "audit", audit_raw),
    }
    # 3) from the environment:
    for variable, table, key, kind in ENV_OVERRIDES:
        if variable in environ:
            try:
                value = kind(environ[variable])
            except ValueError:
                raise ConfigError(f"environment variable {variable} must be a number, "
                                  f"got {environ[variable]!r}") from None
            tables[table][key] = SCHEMA[table][key][0](variable, value)
    db_path = environ.get(defaults.ENV_DB) or None
    # 4) from the command line:
    if start_url is not None:
        tables["site"]["start_urls"] = (check_http_url("start URL", start_url),)
    for table, values in (overrides or {}).items():
        for key, value in values.items():
            if value is None:
                continue
            if table == "db":
                db_path = value
                continue
            tables[table][key] = SCHEMA[table][key][0](f"--{key.replace('_', '-')}", value)

    site = tables["site"]
    if not site["start_urls"]:
        raise ConfigError(f"[site].start_urls is required (none given in {source})")
    credentials = None
    clean_urls = []
    for url in site["start_urls"]:  # a password-protected site: the login goes in a header
        clean, user, password = split_credentials(url)
        if user is not None or password is not None:
            credentials = credentials or (user or "", password or "", netloc_of(clean))
        clean_urls.append(clean)
    site["start_urls"] = tuple(clean_urls)
    if not site["allowed_hosts"]:
        site["allowed_hosts"] = tuple(dict.fromkeys(netloc_of(u) for u in site["start_urls"]))
    _refuse_contradictions(site, tables["audit"])
    checks_raw = raw.get("checks", {})
    if not isinstance(checks_raw, dict) or not all(isinstance(v, dict) for v in checks_raw.values()):
        raise _fail("[checks]", "tables of options, one per check ([checks.NAME])", checks_raw)
    hosts = [urlsplit(u).hostname or "" for u in site["start_urls"]]
    return AuditConfig(
        site=site,
        crawl=tables["crawl"],
        traps=tables["crawl.traps"],
        retry_after=tables["crawl.retry_after"],
        audit=tables["audit"],
        severity_overrides=_severity_overrides(severity_raw),
        check_options={name: dict(v) for name, v in checks_raw.items()},
        ownership=_owners(raw.get("owners")),
        source=source,
        db_path=db_path,
        allowed_networks=tuple(sorted(set(_non_global_networks_for(hosts))
                                      | set(tables["crawl"]["allowed_networks"]))),
        credentials=credentials,
    )


def _refuse_contradictions(site: Mapping[str, Any], audit: Mapping[str, Any]) -> None:
    """Options that cannot all hold: better one clear line now than a puzzling audit later."""
    for i, url in enumerate(site["start_urls"]):
        if not matches_host(url, site["allowed_hosts"]):
            raise ConfigError(f"[site].start_urls[{i}] {url!r} is not on any of [site].allowed_hosts "
                              f"({', '.join(site['allowed_hosts'])}): the crawl could not start")
    both = sorted(set(audit["select"]) & set(audit["ignore"]))
    if both:
        raise ConfigError(f"[audit].select and [audit].ignore both name {both[0]!r}: "
                          "choose one")


def config_from_dict(data: Mapping[str, Any]) -> AuditConfig:
    """Rebuild a config stored with a run (AuditConfig.to_dict), through the same validation."""
    return build_config(data, source="<stored run>")
