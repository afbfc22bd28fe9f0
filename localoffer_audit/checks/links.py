"""Links (family `links`). The crawl recorded every link and every target's status;
these checks only read them, so they re-run offline.

Every finding is reported on the page that holds the link (`url`) and names the link's `target`.
Wording (what a status means, what to do) is data: checks/data/links_*.toml.

Outcomes for a link target, as these checks judge them:
  not judged    the crawl chose not to fetch it (robots.txt, skipped hosts, trap and depth limits)
  broken        LNK301 (on this site), LNK302 (elsewhere), LNK303 (no answer), LNK304 (redirects)
  cannot verify LNK313: a robot check or rate limit stood in the way; a person should look
  ok            possibly with warnings: redirect chains, slow answers, http: links, ...
"""

from __future__ import annotations

import re
import tomllib
from collections import OrderedDict
from copy import deepcopy
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import quote, unquote, urlsplit

from ..models import Finding, Link, LinkStatus, Page, Rule, Severity, Site
from . import NoOptions, read_options, rule_factory

# --- data ----------------------------------------------------------------------------------------


def _load_data(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath("data", f"links_{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


MESSAGES = _load_data("messages")
PHRASES = _load_data("phrases")
RETIRED_DOMAINS = _load_data("retired_domains")["domain"]


_rule = rule_factory("links")


# --- rules ---------------------------------------------------------------------------------------

BROKEN_INTERNAL = _rule(
    "LNK301", "broken-internal-link", "Link to a page on this site that does not work",
    Severity.ERROR, "Change the link to point to the page's current address, or remove it if the "
    "page has gone for good.", "internal")
BROKEN_EXTERNAL = _rule(
    "LNK302", "broken-external-link", "Link to a page on another website that does not work",
    Severity.ERROR, MESSAGES["fix"]["not-found"], "external")
UNREACHABLE = _rule(
    "LNK303", "link-unreachable", "Link to a website that cannot be reached at all",
    Severity.ERROR, MESSAGES["fix"]["connection"])
BROKEN_REDIRECT = _rule(
    "LNK304", "broken-redirect", "Link that goes round in a loop of redirects, or through too "
    "many of them, and never opens", Severity.ERROR, MESSAGES["fix"]["redirect-loop"], "redirects")
REDIRECT_CHAIN = _rule(
    "LNK305", "redirect-chain", "Link that is redirected several times before it opens",
    Severity.WARNING, "Change the link to go straight to the address it ends up at.", "redirects")
MOVED_ELSEWHERE = _rule(
    "LNK306", "redirect-to-other-website", "Link that now takes people to a different website",
    Severity.WARNING, "Open the link and check that where it ends up is still the right page, then "
    "link to that address directly (or remove the link).", "redirects", "external")
SLOW_LINK = _rule(
    "LNK307", "slow-link", "Link to a page that takes a long time to answer",
    Severity.WARNING, "Open the link yourself. If it is often slow, link to a faster page with the "
    "same information, or warn readers that it can be slow.", "external")
INSECURE_LINK = _rule(
    "LNK308", "http-link-where-https-works", "Link uses an insecure http: address although the "
    "secure https: address works", Severity.WARNING,
    "Change the start of the address from http:// to https://.", "security")
RETIRED_DOMAIN = _rule(
    "LNK309", "retired-domain", "Link to the website of an organisation that no longer exists",
    Severity.WARNING, "Find the same information on the website of the organisation that took "
    "over, and link to that.", "external")
BAD_MAILTO = _rule(
    "LNK310", "malformed-mailto", "Email link with an address that cannot work",
    Severity.WARNING, "Correct the email address in the link (it needs a name, an @ and a full "
    "domain such as exampleshire.gov.uk), or remove the link.", "contact")
BAD_TEL = _rule(
    "LNK311", "malformed-tel", "Phone link with a number that cannot be dialled",
    Severity.WARNING, "Correct the number in the link: digits only, with the full area code, for "
    "example tel:01632960410 (spaces are fine in the text people read).", "contact")
LOGIN_IN_LINK = _rule(
    "LNK312", "login-details-in-link", "Link with a user name or password written into it",
    Severity.WARNING, "Remove the login details (everything between // and @) from the link. If "
    "the page needs a login, say so in the text instead, and ask whoever owns the account to "
    "change the password.", "security")
CANNOT_VERIFY = _rule(
    "LNK313", "link-cannot-be-verified", "Link that could not be checked automatically (the "
    "website blocks robots or limits requests)", Severity.NOTICE, MESSAGES["fix"]["bot-wall"], "external", "cannot-verify")
SOFT_404 = _rule(
    "LNK314", "soft-404", "Link to a page that says it is missing, or is empty, although it "
    "loads normally", Severity.ERROR,
    "Link to the page that now holds the information, or remove the link. Ask the web team to "
    "make missing pages answer \u201cnot found\u201d (404) and to remove empty pages.", "internal")
MISSING_FRAGMENT = _rule(
    "LNK315", "missing-fragment", "Link to a section (#name) that does not exist on the page",
    Severity.WARNING, "Change the part after # to the id of a section that exists on the page "
    "(it is case-sensitive), or remove the # part.", "internal")
DOCUMENT_TEXT = _rule(
    "LNK316", "document-link-hides-type", "Link text like \u201cclick here\u201d opens a "
    "document without saying what it is, its file type or its size", Severity.WARNING,
    "Write link text that names the document and gives its type and size, for example "
    "\u201cShort breaks statement (PDF, 250 KB)\u201d.", "documents")

# --- options -------------------------------------------------------------------------------------


# --- shared helpers ------------------------------------------------------------------------------

TAG_NOUNS = {"img": "image", "iframe": "embedded page", "frame": "frame", "script": "script",
             "link": "linked file", "source": "media file", "embed": "embedded file",
             "object": "embedded file", "video": "video", "audio": "audio file",
             "meta": "automatic redirect"}
JUDGED_TAGS_SKIP = {"http-redirect"}  # hops are judged at the link that starts the chain
NOT_JUDGED_ERRORS = ("robots", "blocked", "skipped:", "not-checked:", "ignored:", "too-large",
                     "data-loss", "unsupported-scheme")
UNREACHABLE_ERRORS = ("dns", "timeout", "connection-refused", "tls", "connection:")
BROKEN_REDIRECT_ERRORS = ("redirect-loop", "too-many-redirects", "bad-redirect-location",
                          "redirect-to-non-http")


def describe(link: Link) -> str:
    """How a message names a link: its text, or what kind of thing it is."""
    if link.text:
        return f"The link \u201c{link.text}\u201d"
    noun = TAG_NOUNS.get(link.tag)
    if noun is None:
        return "A link with no text"
    return f"{'An' if noun[0] in 'aeiou' else 'A'} {noun} on this page"


def link_finding(rule: Rule, link: Link, message: str, fix: str | None = None,
                 target: str | None = None, **extra: Any) -> Finding:
    return Finding(rule=rule.code, rule_name=rule.name, family=rule.family,
                   severity=rule.severity, url=link.source, target=target or link.target,
                   message=message, fix=fix or rule.fix, snippet=link.text or None,
                   extra={"tag": link.tag, **extra})


def by_target(link: Link) -> tuple:
    return link.source, link.target


def judged_links(site: Site, http_only: bool = True,
                 key: Callable[[Link], tuple] = by_target) -> Iterator[Link]:
    """The links a check should judge, each `key` once (by default each source and target)."""
    seen: set[tuple] = set()
    source = None
    for link in site.links():
        if link.tag in JUDGED_TAGS_SKIP:
            continue
        if http_only and not link.target.startswith(("http://", "https://")):
            continue
        if link.source != source:  # links come page by page: remember one page's worth
            source, seen = link.source, set()
        if key(link) not in seen:
            seen.add(key(link))
            yield link


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def website_of(url: str) -> str:
    """Host and port, without a leading www.: what readers think of as "the same website"."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").rstrip(".").lower().removeprefix("www.")
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return host if port in (None, default) else f"{host}:{port}"


def plain_reason(status: int) -> str:
    reasons = MESSAGES["status"]
    if str(status) in reasons:
        return reasons[str(status)]
    return MESSAGES["status_class"].get(str(status)[0], "an error")


def error_kind(error: str) -> str:
    return "connection" if error.startswith("connection:") else error


def not_judged(result: LinkStatus | None) -> bool:
    """The crawl did not fetch it on purpose: never report such targets as broken."""
    return result is None or bool(result.error and result.error.startswith(NOT_JUDGED_ERRORS))


def is_bot_wall(result: LinkStatus) -> bool:
    if result.status not in (401, 403):
        return False
    headers = {k.lower(): str(v).lower() for k, v in (result.headers or {}).items()}
    return any(value in headers.get(name, "")
               for name, value in PHRASES["bot_walls"]["headers"].items())


def is_rate_limited(result: LinkStatus) -> bool:
    if result.status == 429:
        return True
    return result.status == 503 and (result.error == "retry-after-exhausted"
                                      or "retry-after" in (result.headers or {}))


def cannot_verify(result: LinkStatus) -> bool:
    return is_bot_wall(result) or is_rate_limited(result)


def goes_to(link: Link, where: str) -> str:
    """ "goes to a page on X that" for links people follow; "points to a file" for images..."""
    if link.tag in ("a", "area", "iframe", "frame", "meta"):
        return f"goes to a page {where} that"
    return f"points to a file {where} that"


def after_hops(result: LinkStatus) -> str:
    hops = len(result.redirects)
    return "" if not hops else f", after {hops} redirect{'s' if hops > 1 else ''},"


# --- LNK301: broken internal links ---------------------------------------------------------------


class BrokenInternalLinks(NoOptions):
    """Internal links whose target (after redirects) answers 4xx or 5xx."""

    name = "internal-links"
    rules = (BROKEN_INTERNAL,)

    def check_site(self, site: Site) -> Iterable[Finding]:
        for link in judged_links(site):
            if not link.internal:
                continue
            result = site.status_of(link.target)
            if result is None or not result.is_error or cannot_verify(result):
                continue
            yield link_finding(
                BROKEN_INTERNAL, link,
                f"{describe(link)} {goes_to(link, 'on this site')}{after_hops(result)} answers "
                f"{result.status} ({plain_reason(result.status)}).",
                status=result.status, redirects=list(result.redirects))


# --- LNK302-LNK308, LNK313: what happened when the target was requested --------------------------

STATUS_FIXES = {401: "login", 403: "refused", 404: "not-found", 410: "not-found"}


def fix_for_status(status: int) -> str:
    kind = STATUS_FIXES.get(status) or ("server-error" if status >= 500 else "client-error")
    return MESSAGES["fix"][kind]


class LinkStatusCheck:
    """Judges each link by what its target answered: broken, cannot verify, or ok with warnings."""

    name = "link-status"
    rules = (BROKEN_EXTERNAL, UNREACHABLE, BROKEN_REDIRECT, REDIRECT_CHAIN, MOVED_ELSEWHERE,
             SLOW_LINK, INSECURE_LINK, CANNOT_VERIFY)
    def __init__(self, slow_seconds: float, redirect_chain_hops: int, broken_redirect_hops: int,
                 reserved_tlds: Iterable[str]) -> None:
        self.slow_seconds = slow_seconds
        self.redirect_chain_hops = redirect_chain_hops
        self.broken_redirect_hops = broken_redirect_hops
        self.reserved_tlds = tuple(t.lower().strip(".") for t in reserved_tlds)

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> "LinkStatusCheck":
        values = read_options(options, cls.name)
        if values["slow_seconds"] <= 0:
            raise ValueError("slow_seconds must be more than 0")
        if not 2 <= values["redirect_chain_hops"] <= values["broken_redirect_hops"]:
            raise ValueError("redirect_chain_hops must be 2 or more, and no more than "
                             "broken_redirect_hops")
        return cls(**values)

    def check_site(self, site: Site) -> Iterable[Finding]:
        for link in judged_links(site):
            yield from self.judge(link, site)

    def judge(self, link: Link, site: Site) -> Iterator[Finding]:
        if self.has_reserved_name(link.target):
            yield self.reserved_name(link)
            return
        result = site.status_of(link.target)
        if not_judged(result):
            return
        if result.error:
            yield from self.failed(link, result)
        elif cannot_verify(result):
            yield self.unverifiable(link, result)
        elif result.is_error:
            if not link.internal:  # internal ones are LNK301's
                yield self.broken(link, result)
        elif len(result.redirects) >= self.broken_redirect_hops:
            yield self.broken_redirect(link, result)  # browsers give up around here
        elif result.status is not None:
            yield from self.warnings(link, result, site)

    # -- broken ---------------------------------------------------------------------------------
    def has_reserved_name(self, url: str) -> bool:
        host = host_of(url)
        return any(host == tld or host.endswith("." + tld) for tld in self.reserved_tlds)

    def reserved_name(self, link: Link) -> Finding:
        host = host_of(link.target)
        reason = MESSAGES["error"]["reserved-name"].format(tld=host.rsplit(".", 1)[-1])
        return link_finding(
            UNREACHABLE, link, f"{describe(link)} goes to {host}, which cannot work: {reason}.",
            MESSAGES["fix"]["reserved-name"], error="reserved-name")

    def failed(self, link: Link, result: LinkStatus) -> Iterator[Finding]:
        error = result.error or ""
        if error.startswith(BROKEN_REDIRECT_ERRORS):
            yield self.broken_redirect(link, result)
        elif error == "retry-after-exhausted" or cannot_verify(result):
            yield self.unverifiable(link, result)
        elif error.startswith(UNREACHABLE_ERRORS):
            kind = error_kind(error)
            detour = ""
            if result.redirects:
                detour = f"it is redirected to {host_of(result.final_url or '')}, and "
            yield link_finding(
                UNREACHABLE, link,
                f"{describe(link)} could not be opened: {detour}{MESSAGES['error'][kind]}.",
                MESSAGES["fix"].get(kind, MESSAGES["fix"]["connection"]), error=error)

    def broken_redirect(self, link: Link, result: LinkStatus) -> Finding:
        hops = list(result.redirects)
        if result.error == "redirect-loop":
            path = " \u2192 ".join([link.target, *hops])
            message = (f"{describe(link)} goes round a loop of redirects ({path}), so the page "
                       "never opens.")
        elif result.error == "too-many-redirects" or len(hops) >= self.broken_redirect_hops:
            message = (f"{describe(link)} is redirected {len(hops)} times or more, so browsers "
                       "may give up before they reach a page.")
        else:
            message = f"{describe(link)} is redirected to an address that does not work."
        return link_finding(BROKEN_REDIRECT, link, message, redirects=hops, error=result.error)

    def broken(self, link: Link, result: LinkStatus) -> Finding:
        return link_finding(
            BROKEN_EXTERNAL, link,
            f"{describe(link)} {goes_to(link, 'on ' + host_of(link.target))}"
            f"{after_hops(result)} answers {result.status} ({plain_reason(result.status)}).",
            fix_for_status(result.status), status=result.status,
            redirects=list(result.redirects))

    def unverifiable(self, link: Link, result: LinkStatus) -> Finding:
        host = host_of(result.final_url or link.target)
        if is_bot_wall(result):
            why = (f"{host} asks visitors to prove they are human before it shows the page "
                   f"(it answered {result.status}), so automatic checks cannot see it")
            fix = MESSAGES["fix"]["bot-wall"]
        else:
            said = "\u201ctoo many requests\u201d" if result.status == 429 else \
                "\u201ctemporarily unavailable, try later\u201d"
            why = (f"{host} kept answering {said} ({result.status}), even after waiting as long "
                   "as it asked")
            fix = MESSAGES["fix"]["rate-limited"]
        return link_finding(
            CANNOT_VERIFY, link,
            f"{describe(link)} could not be checked: {why}. It may work for people.", fix,
            status=result.status, outcome="cannot-verify")

    # -- ok, with warnings ----------------------------------------------------------------------
    def warnings(self, link: Link, result: LinkStatus, site: Site) -> Iterator[Finding]:
        final = result.final_url or link.target
        if result.redirects and self.moved_to_other_website(link.target, final):
            yield link_finding(
                MOVED_ELSEWHERE, link,
                f"{describe(link)} now takes people to a different website: {final}.",
                f"Open {final} and check it is still the right page, then change the link to "
                "that address (or remove the link).", final_url=final,
                redirects=list(result.redirects))
        elif len(result.redirects) >= self.redirect_chain_hops:
            yield link_finding(
                REDIRECT_CHAIN, link,
                f"{describe(link)} is redirected {len(result.redirects)} times before it "
                f"reaches {final}.",
                f"Change the link to go straight to {final}.", final_url=final,
                redirects=list(result.redirects))
        if not link.internal and result.elapsed is not None \
                and result.elapsed > self.slow_seconds:
            yield link_finding(
                SLOW_LINK, link,
                f"{describe(link)} took {result.elapsed:.1f} seconds to answer (more than "
                f"{self.slow_seconds:g}), so people may give up before it opens.",
                seconds=result.elapsed)
        if link.target.startswith("http://") and self.https_works(link.target, site):
            secure = "https://" + link.target[len("http://"):]
            yield link_finding(
                INSECURE_LINK, link,
                f"{describe(link)} uses an insecure http: address, but the secure address "
                f"{secure} works too.", f"Change the link to {secure}.", https_url=secure)

    @staticmethod
    def moved_to_other_website(target: str, final: str) -> bool:
        if website_of(target) == website_of(final):
            return False
        path = urlsplit(final).path.lower()
        # A detour through a sign-in page is not a move (hop statuses are not recorded, so a
        # temporary redirect cannot be told from a permanent one in any other way).
        return not any(word in path for word in PHRASES["redirects"]["sign_in_words"])

    @staticmethod
    def https_works(http_url: str, site: Site) -> bool:
        secure = site.status_of("https://" + http_url[len("http://"):])
        return secure is not None and secure.error is None and secure.status is not None \
            and secure.status < 400


# --- LNK309-LNK312: what the address itself says ------------------------------------------------


@dataclass(frozen=True)
class RetiredDomain:
    name: str
    hosts: tuple[str, ...] = ()
    host_pattern: re.Pattern | None = None
    retired: str = ""
    replacement: str = ""

    def matches(self, host: str) -> bool:
        if any(host == h or host.endswith("." + h) for h in self.hosts):
            return True
        return bool(self.host_pattern and self.host_pattern.match(host))


def retired_domains(extra: Iterable[str] = ()) -> list[RetiredDomain]:
    domains = [RetiredDomain(d["name"], tuple(d.get("hosts", ())),
                             re.compile(d["host_pattern"]) if d.get("host_pattern") else None,
                             d.get("retired", ""), d.get("replacement", ""))
               for d in RETIRED_DOMAINS]
    domains += [RetiredDomain("", (h.lower().strip("."),)) for h in extra]
    return domains


EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
TOP_LEVEL = re.compile(r"^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$")


def email_problem(address: str) -> str | None:
    """Why an email address cannot work (plain English), or None if it looks fine."""
    if not address:
        return "it has no address"
    if any(c.isspace() for c in address):
        return "it has a space in it"
    if address.count("@") != 1:
        return "it has no @ sign" if "@" not in address else "it has more than one @ sign"
    local, domain = address.split("@")
    if not local or not EMAIL_LOCAL.match(local) or local.startswith(".") \
            or local.endswith(".") or ".." in local:
        return "the part before the @ is not valid"
    labels = domain.rstrip(".").split(".")
    if len(labels) < 2:
        return f"the part after the @ ({domain}) is not a full domain such as exampleshire.gov.uk"
    if not all(DOMAIN_LABEL.match(label) for label in labels) or not TOP_LEVEL.match(labels[-1]):
        return f"the part after the @ ({domain}) is not a valid domain"
    return None


def mailto_problem(target: str) -> str | None:
    addresses = unquote(target.split(":", 1)[1].split("?", 1)[0]).strip()
    if not addresses:  # "mailto:?subject=..." deliberately leaves the recipient to the reader
        return None if "?" in target else "it has no email address"
    for address in addresses.split(","):
        problem = email_problem(address.strip())
        if problem:
            return problem
    return None


PHONE_SEPARATORS = re.compile(r"[\s\-.()/\u00a0]")
LOOKS_LIKE_ZERO, LOOKS_LIKE_ONE = "Oo", "Il"
UK_SHORT_NUMBERS = re.compile(r"^(?:999|112|111|101|105|119|116\d{3}|1\d{2,4})$")
TEXT_RELAY = re.compile(r"^1800[12]")


def phone_problem(number: str) -> str | None:
    """Why a tel: number cannot be dialled (plain English), or None if it looks fine."""
    number = unquote(number).split(";", 1)[0].split(",", 1)[0]  # RFC 3966 params, pauses
    number = number.replace("(0)", "")  # +44 (0)1632 ...: the (0) is not dialled
    digits = PHONE_SEPARATORS.sub("", number)
    if not digits:
        return "it has no number"
    letters = {c for c in digits if c.isalpha()}
    if letters:
        return letters_problem(letters)
    if not re.fullmatch(r"\+?\d+", digits):
        return "it has characters that are not digits"
    return digit_count_problem(digits)


def letters_problem(letters: set[str]) -> str:
    """Typing O for 0 and l for 1 is the usual slip; other letters are words ("0800 CALL")."""
    if letters <= set(LOOKS_LIKE_ZERO):
        return "it has a letter O where a zero should be"
    if letters <= set(LOOKS_LIKE_ONE):
        return "it has a letter I or l where a one should be"
    if letters <= set(LOOKS_LIKE_ZERO + LOOKS_LIKE_ONE):
        return "it has the letters O and I or l where zeros and ones should be"
    return "it has letters in it, and phones can only dial digits"


def digit_count_problem(digits: str) -> str | None:
    if digits.startswith("+44"):
        national = "0" + digits[3:]
    elif digits.startswith(("+", "00")):
        count = len(digits.lstrip("+0"))  # international: E.164 allows up to 15 digits
        return None if 7 <= count <= 15 else f"it has the wrong number of digits ({count})"
    else:
        national = digits
    if TEXT_RELAY.match(national) and len(national) > 5:
        national = national[5:]  # 18001 + number: Relay UK text relay
    if national.startswith("0"):
        if len(national) in (10, 11):
            return None
        return f"it has {len(national)} digits, but UK phone numbers have 10 or 11"
    if UK_SHORT_NUMBERS.match(national):
        return None
    return "it is not a complete UK phone number (it should start with 0 or +44)"


class LinkAddressCheck:
    """Problems visible in the link address itself: no request needed."""

    name = "link-addresses"
    rules = (RETIRED_DOMAIN, BAD_MAILTO, BAD_TEL, LOGIN_IN_LINK)
    def __init__(self, extra_retired_domains: Iterable[str],
                 ignore_retired_domains: Iterable[str]) -> None:
        self.domains = retired_domains(extra_retired_domains)
        self.ignored = tuple(h.lower().strip(".") for h in ignore_retired_domains)
        self.verdicts: dict[str, RetiredDomain | None] = {}

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> "LinkAddressCheck":
        return cls(**read_options(options, cls.name))

    def check_site(self, site: Site) -> Iterable[Finding]:
        for link in judged_links(site, http_only=False):
            scheme = link.target.split(":", 1)[0].lower() if ":" in link.target else ""
            if scheme == "mailto":
                yield from self.mailto(link)
            elif scheme == "tel":
                yield from self.tel(link)
            elif scheme in ("http", "https"):
                yield from self.retired(link)
                yield from self.login_details(link)

    def mailto(self, link: Link) -> Iterator[Finding]:
        problem = mailto_problem(link.target)
        if problem:
            yield link_finding(
                BAD_MAILTO, link,
                f"The email link {link.target} cannot work: {problem}, so email programs "
                "cannot send to it.", problem=problem)

    def tel(self, link: Link) -> Iterator[Finding]:
        problem = phone_problem(link.target.split(":", 1)[1])
        if problem:
            yield link_finding(
                BAD_TEL, link,
                f"The phone link {link.target} cannot be dialled: {problem}.", problem=problem)

    def retired(self, link: Link) -> Iterator[Finding]:
        host = host_of(link.target)
        domain = self.retired_domain(host) if host else None
        if domain is None:
            return
        if not domain.name:  # added by the site's own settings: we know no more than that
            message = f"{describe(link)} goes to {host}, a website listed as no longer in use."
        else:
            message = f"{describe(link)} goes to {host}, the old website of {domain.name}"
            if domain.retired:
                on = "on" if re.match(r"\d{1,2} ", domain.retired) else "in"
                message += f", which closed {on} {domain.retired}."
            else:
                message += ", which no longer exists."
        fix = RETIRED_DOMAIN.fix
        if domain.replacement:
            message += f" Its work passed to {domain.replacement}."
            fix = (f"Find the same information on the website of {domain.replacement} and link "
                   "to that, or remove the link.")
        yield link_finding(RETIRED_DOMAIN, link, message, fix, organisation=domain.name)

    def retired_domain(self, host: str) -> RetiredDomain | None:
        if host not in self.verdicts:  # a site links to few hosts, many times over
            ignored = any(host == h or host.endswith("." + h) for h in self.ignored)
            self.verdicts[host] = None if ignored else next(
                (d for d in self.domains if d.matches(host)), None)
        return self.verdicts[host]

    def login_details(self, link: Link) -> Iterator[Finding]:
        try:
            parts = urlsplit(link.target)
            has_login = bool(parts.username or parts.password)
        except ValueError:
            return
        if has_login:
            what = "a user name and password" if parts.password else "a user name"
            yield link_finding(
                LOGIN_IN_LINK, link,
                f"{describe(link)} has {what} written into its address, which anyone reading "
                "the page source can see.")


# --- LNK314: soft 404s ----------------------------------------------------------------------------

MAIN_XPATH = ("//main | //*[@role='main'] | //*[@id='main-content'] | //*[@id='main'] | "
              "//*[@id='content']")
NOT_CONTENT_XPATH = " | ".join(f".//{tag}" for tag in (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "h1"))
# Main content made only of these is not "empty", however few words it has.
CONTENT_XPATH = " | ".join(f".//{tag}" for tag in (
    "a", "img", "iframe", "form", "table", "video", "audio", "embed", "object", "li", "picture",
    "svg"))
WORD = re.compile(r"\w+")


def squash(text: str) -> str:
    return " ".join(text.split()).lower()


@lru_cache(maxsize=None)
def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    words = sorted((re.escape(squash(p)) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)")


@dataclass
class PageSummary:
    """What soft-404 detection needs from a page, small enough to keep for every probe page."""

    title: str
    headings: str  # the h1s
    body: str  # main content without the h1s
    has_content_elements: bool

    @cached_property
    def body_words(self) -> list[str]:
        return WORD.findall(self.body)

    @cached_property
    def shingles(self) -> set[tuple[str, ...]]:
        return shingles(f"{self.headings} {self.body}")


def summarise(tree) -> PageSummary | None:
    if tree is None:
        return None
    body = tree.find(".//body")
    mains = tree.xpath(MAIN_XPATH)
    main = deepcopy(mains[0] if mains else body if body is not None else tree)
    for element in main.xpath(NOT_CONTENT_XPATH):
        element.drop_tree()  # keeps the text that follows it
    return PageSummary(title=squash(tree.findtext(".//title") or ""),
                       headings=" ".join(squash(h.text_content()) for h in tree.iter("h1")),
                       body=squash(main.text_content()),
                       has_content_elements=bool(main.xpath(CONTENT_XPATH)))


def shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    words = WORD.findall(text)
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def jaccard(first: set, second: set) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of word 3-grams: cheap, and good at "same template, same words"."""
    return jaccard(shingles(a), shingles(b))


class SoftNotFound:
    """Links to pages that answer 200 but tell the reader the thing is missing (or are empty)."""

    name = "soft-404-pages"
    rules = (SOFT_404,)
    def __init__(self, min_words: int, max_words: int, similarity: float,
                 extra_phrases: Iterable[str]) -> None:
        self.min_words, self.max_words, self.threshold = min_words, max_words, similarity
        extra = tuple(extra_phrases)
        self.heading_phrases = phrase_pattern(tuple(PHRASES["soft_404"]["heading_phrases"]) + extra)
        self.body_phrases = phrase_pattern(tuple(PHRASES["soft_404"]["body_phrases"]) + extra)
        self._probes: list[PageSummary] | None = None  # set by set_not_found_pages
        self._found: dict[str, str] = {}

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> "SoftNotFound":
        values = read_options(options, cls.name)
        if not 0 < values["similarity"] <= 1:
            raise ValueError("similarity must be between 0 and 1")
        return cls(**values)

    # The runner calls measure_page for every page in its one pass over the store (after
    # handing over the not-found probes): each page is judged from the tree the page checks
    # already parsed, so check_site does not read and parse every page a second time.
    def set_not_found_pages(self, pages: Iterable[Page]) -> None:
        self._probes = [s for s in (summarise(probe_tree(p)) for p in pages) if s]
        self._found = {}

    def measure_page(self, page: Page) -> dict[str, Any]:
        if self._probes is not None:
            reason = self.judge_page(page, self._probes)
            if reason:
                self._found[page.url] = reason
        return {}

    def check_site(self, site: Site) -> Iterable[Finding]:
        soft = self._found if self._probes is not None \
            else self.soft_404_pages(site)  # not run by the runner: read the pages now
        if not soft:
            return
        for link in judged_links(site):
            if not link.internal:
                continue
            result = site.status_of(link.target)
            if result is None or result.status != 200 or result.error:
                continue
            final = result.final_url or link.target
            reason = soft.get(final)
            if reason and final != link.source:  # "skip to content" links on the page itself
                yield link_finding(
                    SOFT_404, link,
                    f"{describe(link)} goes to a page that {reason}, although it loads like a "
                    "normal page (a \u201csoft 404\u201d).", final_url=result.final_url,
                    reason=reason)

    def soft_404_pages(self, site: Site) -> dict[str, str]:
        """URL -> why it is a soft 404, for every page that is one."""
        probes = [s for s in (summarise(probe_tree(p)) for p in site.not_found_pages) if s]
        found = {}
        for page in site.pages():
            reason = self.judge_page(page, probes)
            if reason:
                found[page.url] = reason
        return found

    def judge_page(self, page: Page, probes: list[PageSummary]) -> str | None:
        if page.kind != "html" or page.status != 200:
            return None
        summary = summarise(page.tree)
        return summary and self.reason(summary, probes) or None

    def reason(self, page: PageSummary, probes: list[PageSummary]) -> str | None:
        said = self.heading_phrases.search(page.title) or self.heading_phrases.search(
            page.headings)
        words = page.body_words
        if not said and len(words) <= self.max_words:
            said = self.body_phrases.search(page.body)
        if said:
            return f"says \u201c{said.group(0)}\u201d"
        if len(words) < self.min_words and not page.has_content_elements:
            return "is empty apart from its heading"
        for probe in probes:
            if self.looks_like(page, probe):
                return "looks the same as this site's \u201cpage not found\u201d page"
        return None

    def looks_like(self, page: PageSummary, probe: PageSummary) -> bool:
        needed = self.threshold / 2 if page.title and page.title == probe.title else self.threshold
        # Jaccard can reach `needed` only if the sizes are within that ratio: skip the rest.
        sizes = sorted((len(page.body_words) + 1, len(probe.body_words) + 1))
        if sizes[0] / sizes[1] < needed:
            return False
        return jaccard(page.shingles, probe.shingles) >= needed  # same title: half will do


def probe_tree(page: Page):
    """The not-found probe is stored with kind "probe", so Page.tree does not parse it."""
    if not page.body.strip():
        return None
    from lxml import html as lxml_html

    try:
        return lxml_html.document_fromstring(page.text)
    except Exception:  # lxml's ParserError on junk
        return None


# --- LNK315: missing fragments --------------------------------------------------------------------

IGNORED_FRAGMENTS = re.compile(r"^(?:top|/.*|!.*|:~:.*)$", re.IGNORECASE)


class BoundedCache(OrderedDict):
    """A small least-recently-used map: fragment targets are loaded once, memory stays bounded."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_or_load(self, key: str, load: Callable[[str], Any]) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = load(key)
        if len(self) > self.size:
            self.popitem(last=False)
        return value


def anchors_of(page: Page | None) -> frozenset[str] | None:
    """Every id, and every <a name>, on an HTML page (None: not an HTML page we can read)."""
    if page is None or page.kind != "html" or page.tree is None:
        return None
    tree = page.tree
    # Plain strings: lxml's default "smart" strings keep their element, and so the whole tree,
    # alive in the cache.
    return frozenset(tree.xpath("//@id", smart_strings=False)
                     + tree.xpath("//a/@name", smart_strings=False))


class MissingFragments(NoOptions):
    """Links to page#section where the page has no element with that id (or <a name>)."""

    name = "link-fragments"
    rules = (MISSING_FRAGMENT,)
    CACHE_SIZE = 2048

    def check_site(self, site: Site) -> Iterable[Finding]:
        anchors = BoundedCache(self.CACHE_SIZE)
        for link in judged_links(site, key=lambda link: (link.target, link.fragment)):
            if not link.fragment or not link.internal or IGNORED_FRAGMENTS.match(link.fragment):
                continue
            result = site.status_of(link.target)
            if result is None or result.error or result.status != 200:
                continue  # broken targets are reported by the other rules
            final = result.final_url or link.target
            ids = anchors.get_or_load(final, lambda url: anchors_of(site.page(url)))
            if ids is None or link.fragment in ids:
                continue
            yield link_finding(
                MISSING_FRAGMENT, link,
                f"{describe(link)} points to the section \u201c#{link.fragment}\u201d, but that "
                "page has no section with that name, so people land at the top of the page "
                "instead.", target=f"{link.target}#{quote(link.fragment, safe='')}",
                fragment=link.fragment)


# --- LNK316: "click here" to a document -----------------------------------------------------------

DOCUMENT_TYPES = {"application/pdf": "PDF", "application/msword": "Word",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml": "Word",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml": "Excel",
                  "application/vnd.openxmlformats-officedocument.presentationml": "PowerPoint",
                  "application/vnd.ms-excel": "Excel", "application/vnd.ms-powerpoint":
                  "PowerPoint", "application/vnd.oasis.opendocument": "OpenDocument",
                  "application/rtf": "RTF", "text/rtf": "RTF", "text/csv": "CSV"}
EXTENSION_TYPES = {".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".xls": "Excel",
                   ".xlsx": "Excel", ".ods": "OpenDocument", ".odt": "OpenDocument",
                   ".odp": "OpenDocument", ".ppt": "PowerPoint", ".pptx": "PowerPoint",
                   ".rtf": "RTF", ".csv": "CSV"}
MENTIONS_TYPE = re.compile(r"\b(?:pdf|docx?|xlsx?|word|excel|ods|odt|odp|pptx?|powerpoint|rtf|"
                           r"csv|spreadsheet|opendocument)\b", re.IGNORECASE)
MENTIONS_SIZE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:bytes?|[kmg]i?b|kilobytes?|megabytes?)\b",
                           re.IGNORECASE)
PUNCTUATION = re.compile(r"[^\w\s]")


def document_type(link: Link, result: LinkStatus | None) -> str | None:
    """"PDF", "Word"... when the link opens a document: from its content type when the crawl
    knows it, else from the end of its path."""
    content_type = ((result.content_type if result else None) or "").lower()
    if content_type:
        return next((kind for prefix, kind in DOCUMENT_TYPES.items()
                     if content_type.startswith(prefix)), None)
    path = urlsplit(link.target).path.lower()
    extensions = PHRASES["document_links"]["extensions"]
    return next((EXTENSION_TYPES.get(ext, ext[1:].upper()) for ext in extensions
                 if path.endswith(ext)), None)


def readable_size(result: LinkStatus | None) -> str | None:
    try:
        size = int((result.headers or {}).get("content-length", "")) if result else 0
    except ValueError:
        return None
    if size <= 0:
        return None
    return f"{max(1, round(size / 1024))} KB" if size < 1024 * 1024 else \
        f"{size / (1024 * 1024):.1f} MB"


class DocumentLinkText(NoOptions):
    """Vague link text ("click here") that hides that the link downloads a document."""

    name = "document-link-text"
    rules = (DOCUMENT_TEXT,)
    VAGUE = frozenset(squash(t) for t in PHRASES["document_links"]["vague_texts"])

    def check_site(self, site: Site) -> Iterable[Finding]:
        flagged: set[tuple[str, str]] = set()
        for link in judged_links(site, key=lambda link: (link.target, link.text)):
            if link.tag not in ("a", "area") or not self.is_vague(link.text):
                continue
            if (link.source, link.target) in flagged:
                continue
            if MENTIONS_TYPE.search(link.text) or MENTIONS_SIZE.search(link.text):
                continue
            result = site.status_of(link.target)
            kind = document_type(link, result)
            if kind is None:
                continue
            flagged.add((link.source, link.target))
            size = readable_size(result)
            example = f"({kind}, {size})" if size else f"({kind})"
            yield link_finding(
                DOCUMENT_TEXT, link,
                f"{describe(link)} downloads a {kind} document, but its text says neither what "
                "the document is, nor its file type and size.",
                f"Write link text that names the document and ends with {example}, for example "
                f"\u201cShort breaks statement {example}\u201d.", document_type=kind)

    def is_vague(self, text: str) -> bool:
        return squash(PUNCTUATION.sub(" ", text or "")) in self.VAGUE


CHECKS = [BrokenInternalLinks, LinkStatusCheck, LinkAddressCheck, SoftNotFound, MissingFragments,
          DocumentLinkText]
