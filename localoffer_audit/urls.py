"""URL helpers shared by the spider, the checks and the middlewares.

Pure functions, no I/O. Canonical URLs are what the crawl de-duplicates on and
what reports show, so :func:`canonicalize` is deliberately conservative: it
never re-orders query parameters (some council CMSs route on parameter order)
and only removes parameters that are known not to change the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fnmatch import fnmatchcase
from functools import lru_cache
from urllib.parse import SplitResult, unquote, unquote_plus, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from .defaults import REDACT_QUERY_PARAMS, REDACTED

__all__ = [
    "DEFAULT_STRIP_PARAMS",
    "SESSION_PARAMS",
    "TRACKING_PARAMS",
    "canonicalize",
    "host_of",
    "is_crawlable_scheme",
    "matches_host",
    "netloc_of",
    "redact",
    "redact_bytes",
    "split_credentials",
    "split_fragment",
]

TRACKING_PARAMS: tuple[str, ...] = ("utm_*", "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "_ga")
SESSION_PARAMS: tuple[str, ...] = (
    "jsessionid",
    "phpsessid",
    "sid",
    "sessionid",
    "session_id",
    "aspsessionid*",
    "cfid",
    "cftoken",
)
DEFAULT_STRIP_PARAMS: tuple[str, ...] = TRACKING_PARAMS + SESSION_PARAMS

CRAWLABLE_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

_PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_PARAM = re.compile(r";([^/;=?#]*)(?:=[^/;?#]*)?")


def _name_matches(name: str, globs: Sequence[str]) -> bool:
    """Case-insensitive glob match of a (decoded) parameter name."""
    return _lowered_name_matches(name.lower(), tuple(globs))


@lru_cache(maxsize=4096)  # the same few parameter names come up on every page
def _lowered_name_matches(lowered: str, globs: tuple[str, ...]) -> bool:
    return any(fnmatchcase(lowered, glob.lower()) for glob in globs)


def _normalise_escape(match: re.Match[str]) -> str:
    """``%7e`` -> ``~`` and ``%2f`` -> ``%2F``: equivalent spellings of one URL (RFC 3986 6.2.2)."""
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _normalise_percent(text: str) -> str:
    return _PERCENT_ESCAPE.sub(_normalise_escape, text)


def _format_netloc(host: str, port: int | None, scheme: str, userinfo: str = "") -> str:
    """Rebuild ``[user@]host[:port]``, bracketing IPv6 and dropping the scheme's default port."""
    shown_host = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        shown_host = f"{shown_host}:{port}"
    return f"{userinfo}@{shown_host}" if userinfo else shown_host


def _safe_port(parts: SplitResult) -> int | None:
    """The explicit port, or None when absent or out of range (junk links must not crash a crawl)."""
    try:
        return parts.port
    except ValueError:
        return None


def _strip_path_params(path: str, globs: Sequence[str]) -> str:
    """Drop ``;jsessionid=...``-style path parameters whose name matches ``globs``."""

    def keep_or_drop(match: re.Match[str]) -> str:
        return "" if _name_matches(unquote(match.group(1)), globs) else match.group(0)

    return _PATH_PARAM.sub(keep_or_drop, path)


def _strip_query(query: str, globs: Sequence[str]) -> str:
    """Remove matching parameters and empty pairs, keeping the others verbatim and in order."""
    kept = [
        pair
        for pair in query.split("&")
        if pair and not _name_matches(unquote_plus(pair.split("=", 1)[0]), globs)
    ]
    return "&".join(kept)


def canonicalize(url: str, strip_params: Sequence[str] = DEFAULT_STRIP_PARAMS) -> str:
    """Return the canonical form of ``url`` used for de-duplication and reporting.

    Lower-cases scheme and host, drops default ports and the fragment, removes
    tracking/session parameters (query and ``;name=`` path parameters) and
    normalises percent-encoding. Query order is preserved. Idempotent.
    Raises ``ValueError`` for URLs that cannot be parsed (e.g. port 99999).
    """
    parts = urlsplit(safe_url_string(url.strip()))
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    if parts.hostname is not None:
        userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
        netloc = _format_netloc(parts.hostname.lower(), _safe_port(parts), scheme, userinfo)
    path = _normalise_percent(_strip_path_params(parts.path, strip_params))
    if not path and scheme in CRAWLABLE_SCHEMES:
        path = "/"
    query = _normalise_percent(_strip_query(parts.query, strip_params))
    return urlunsplit((scheme, netloc, path, query, ""))


def split_fragment(url: str) -> tuple[str, str | None]:
    """Split off the fragment; it comes back percent-decoded, or None when absent or empty."""
    base, sep, fragment = url.partition("#")
    return base, (unquote(fragment) if sep and fragment else None)


def is_crawlable_scheme(url: str) -> bool:
    """Only http(s) is fetched; ``mailto:``, ``tel:``, ``javascript:``, ``data:``, ``file:`` are not."""
    return urlsplit(url.strip()).scheme.lower() in CRAWLABLE_SCHEMES


def host_of(url: str) -> str:
    """Lower-case host name without port (and without a trailing dot), or ``""``."""
    return (urlsplit(url.strip()).hostname or "").rstrip(".")


def netloc_of(url: str) -> str:
    """``host[:port]`` with the scheme's default port dropped (IPv6 hosts bracketed)."""
    parts = urlsplit(url.strip())
    return _format_netloc(host_of(url), _safe_port(parts), parts.scheme.lower())


def _effective_port(url: str) -> int | None:
    parts = urlsplit(url.strip())
    return _safe_port(parts) or DEFAULT_PORTS.get(parts.scheme.lower())


def _parse_host_entry(entry: str) -> tuple[str, int | None]:
    """``host``, ``host:port``, ``[v6]:port``, ``::1`` or ``*.domain[:port]`` -> (host, port)."""
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port_text = rest.lstrip(":")
        return host, int(port_text) if port_text else None
    if entry.count(":") == 1:
        host, port_text = entry.split(":")
        return host, int(port_text)
    return entry, None


def _host_matches(host: str, pattern: str) -> bool:
    pattern = pattern.rstrip(".")
    if pattern.startswith("*."):
        domain = pattern[2:]
        return host == domain or host.endswith("." + domain)
    return host == pattern


def matches_host(url: str, allowed: Sequence[str]) -> bool:
    """True if the URL's host (and port, where the entry names one) is in ``allowed``.

    Entries: ``host``, ``host:port`` or ``*.example.gov.uk`` (the bare domain
    and any subdomain). An entry without a port matches any port; one with a
    port matches only that port, counting the scheme's default port.
    """
    host = host_of(url)
    if not host:
        return False
    port = _effective_port(url)
    for entry in allowed:
        pattern, entry_port = _parse_host_entry(entry)
        if _host_matches(host, pattern) and (entry_port is None or entry_port == port):
            return True
    return False


# --- credentials ---------------------------------------------------------------------------------
# The login part of any URL in a text (scheme://user[:password]@), and sensitive query values.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/?#@\s\"'<>]*)@")
# 'HTTPAUTH_PASS': 'x', "password": "x", Authorization: 'Basic x' in dict reprs, JSON and logs.
_SECRET_ITEM = re.compile(r"(?i)(['\"]?[a-z_-]*(?:pass|passwd|password|secret|token|api_?key|"
                          r"authorization)['\"]?\s*[:=]\s*)(['\"])(?!\2)(.*?)\2")
_QUERY_VALUE = re.compile(r"(?i)([?&;](?:amp;)?)([a-z0-9_.\-]+)=([^&#\s\"'<>]*)")


# Cheap necessary conditions for each pattern above: a text that cannot match is not run
# through it. _SECRET_ITEM's leading `[a-z_-]*` makes a full scan slow (it backtracks at every
# letter), and every stored page body and link text passes through redact().
_SECRET_WORDS = ("pass", "passwd", "password", "secret", "token", "apikey", "api_key",
                 "authorization")
_SECRET_TAIL = re.compile(r"['\"]?\s*[:=]\s*['\"]")
# The four non-ASCII letters (?i) matches to ASCII letters (see the re docs on IGNORECASE).
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_USERINFO_HINT = re.compile(r"://[^/?#@\s\"'<>]*@")
_QUERY_HINT = re.compile(r"[?&;]")


def _may_hold_secret_item(text: str) -> bool:
    """False only when _SECRET_ITEM cannot match: no key word followed by `: '` or `="`."""
    lowered = text.translate(_FOLD).lower()
    for word in _SECRET_WORDS:
        at = lowered.find(word)
        while at != -1:
            if _SECRET_TAIL.match(lowered, at + len(word)):
                return True
            at = lowered.find(word, at + 1)
    return False


def _redact_userinfo(match: re.Match[str]) -> str:
    # Keep the shape (user only, or user and password): LNK312 still tells them apart.
    user_and_password = ":" in match.group(2)
    return match.group(1) + (f"{REDACTED}:{REDACTED}" if user_and_password else REDACTED) + "@"


def _redact_value(match: re.Match[str]) -> str:
    if match.group(3) and _name_matches(unquote_plus(match.group(2)), REDACT_QUERY_PARAMS):
        return f"{match.group(1)}{match.group(2)}={REDACTED}"
    return match.group(0)


def redact(text: str) -> str:
    """``text`` with every URL's login details and secret query values replaced by REDACTED.

    The one boundary for credentials: the store, the pipeline and the log formatter all pass
    what they write through it, so a password in a start URL, a token in a config value or a
    login written into a crawled link never reaches the store, a report or the log."""
    if "@" not in text and "=" not in text and ":" not in text:
        return text  # the common case, cheaply
    if ":" in text or "=" in text:
        if _may_hold_secret_item(text):
            text = _SECRET_ITEM.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}{m.group(2)}",
                                    text)
    if "@" in text and _USERINFO_HINT.search(text):
        text = _USERINFO.sub(_redact_userinfo, text)
    if "=" in text and _QUERY_HINT.search(text):
        text = _QUERY_VALUE.sub(_redact_value, text)
    return text


def redact_bytes(data: bytes) -> bytes:
    """:func:`redact` for a stored page body (decoded as latin-1, so every byte survives)."""
    if b"@" not in data and b"=" not in data and b":" not in data:
        return data
    return redact(data.decode("latin-1")).encode("latin-1")


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``(url without its login part, user, password)``; user and password are None if absent."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    netloc = parts.netloc.rpartition("@")[2]
    return (urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)),
            unquote(parts.username or "") or None,
            unquote(parts.password) if parts.password is not None else None)
