"""Every default value of localoffer-audit, in one place.

Config layers are: these defaults -> site TOML -> environment -> command line (see config.py).
No default value may appear anywhere else. When you add one, keep the group alphabetical,
document it in docs/configuration.md, and add the TOML key to config.SCHEMA.
"""

from __future__ import annotations

# --- Tool identity ---------------------------------------------------------------------------
TOOL_NAME = "localoffer-audit"
CONTACT_URL = "https://github.com/localoffer-audit/localoffer-audit"
DOCS_BASE_URL = "https://github.com/localoffer-audit/localoffer-audit/blob/main/docs"

# --- Crawl ([crawl] table) -------------------------------------------------------------------
CRAWL_ALLOWED_NETWORKS: tuple[str, ...] = ()  # private networks an intranet site may be fetched on
CRAWL_CONCURRENCY_PER_HOST = 4  # polite for a council web server; tests and the demo raise it
CRAWL_DELAY_SECONDS = 0.25
CRAWL_EXCLUDE: tuple[str, ...] = ()  # regexes; a matching URL is status-checked, not crawled
CRAWL_INCLUDE: tuple[str, ...] = ()
# Re-audits reuse the previous run of the site: conditional requests (ETag/Last-Modified), pages
# whose sitemap lastmod is unchanged are not fetched, and checks of unchanged pages are reused.
CRAWL_INCREMENTAL = True
CRAWL_LINK_CACHE_HOURS = 24.0  # off-site link results are reused this long (lychee's --max-cache-age 1d); 0 turns it off
# Statuses never reused from the link cache (lychee's --cache-exclude-status): codes (429) or
# ranges ("500..=599", "500..600"). Empty, as lychee's default: every result is reused.
CRAWL_LINK_CACHE_EXCLUDE_STATUS: tuple = ()
CRAWL_MAX_DEPTH = 12  # clicks from a start URL
CRAWL_MAX_PAGES = 5000
CRAWL_MAX_REDIRECTS = 10
CRAWL_MAX_RESPONSE_BYTES = 20 * 1024 * 1024  # pages and documents larger than this are abandoned
CRAWL_OBEY_ROBOTS = True
CRAWL_OFFSITE_CHECK = True  # check the status of off-site link targets (never crawls them)
CRAWL_OFFSITE_SKIP_HOSTS: tuple[str, ...] = ()  # hosts whose links are recorded but never requested
CRAWL_READ_SITEMAPS = True
# sitemaps.org's limits for one sitemap file: 50,000 URLs, 50 MB uncompressed. The URL cap is
# for the whole crawl; the rest of a sitemap beyond it is not even downloaded.
CRAWL_MAX_SITEMAP_URLS = 50_000
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
CRAWL_STORE_DOCUMENT_BYTES = 5 * 1024 * 1024  # documents up to this size keep their body for checks
# The site's own linked stylesheets (and their @imports, one level) are stored for the CSS checks.
CRAWL_MAX_STYLESHEETS = 50  # distinct same-site stylesheets fetched per run; more are not fetched
CRAWL_MAX_STYLESHEET_BYTES = 2 * 1024 * 1024  # a larger stylesheet is abandoned (too-large)
CRAWL_STRIP_PARAMS: tuple[str, ...] = (
    "utm_*", "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "_ga",
    "jsessionid", "phpsessid", "sid", "sessionid", "session_id", "aspsessionid*", "cfid", "cftoken",
)
CRAWL_TIMEOUT_SECONDS = 20.0
CRAWL_USER_AGENT = f"{TOOL_NAME}/{{version}} (+{CONTACT_URL}; SEND Local Offer audit)"

# Distributed crawling on scrapy-redis (--distributed REDIS_URL): local worker processes
DISTRIBUTED_WORKERS = 2

# Real-browser accessibility engine ([crawl].a11y_engine*): renders stored pages after the crawl
A11Y_ENGINE = "none"  # none | axe
A11Y_ENGINES = ("none", "axe")
A11Y_ENGINE_BROWSER_PATHS = ("/usr/bin/chromium", "chromium", "chromium-browser")  # Debian's first
A11Y_CSS_MAX_FINDINGS_PER_RULE = 20  # CSS rule findings per page (checks/a11y_contrast.py)
A11Y_CSS_TINY_FONT_PX = 10.0  # text set below this many CSS px is "very small" (A11Y543)
A11Y_CSS_FAKE_HEADING_MAX_WORDS = 10  # A11Y547: a line this short or shorter can be a heading
A11Y_CSS_FAKE_HEADING_SCALE = 1.2  # A11Y547: this many times the size of the text after it
A11Y_CSS_LONG_TEXT_WORDS = 20  # A11Y548/A11Y549: words of running text before its style is judged
A11Y_CSS_MIN_LINE_HEIGHT = 1.2  # A11Y548: below this line height (AAA asks 1.5; most sites use 1.25+)
A11Y_ENGINE_MAX_NODES_PER_RULE = 20  # findings per axe rule per page; the rest are counted in extra
A11Y_ENGINE_PAGES = 2  # pages rendered in parallel (one browser process; a 2-core machine)
A11Y_ENGINE_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
A11Y_ENGINE_TIMEOUT_SECONDS = 20.0  # per page: load, settle and axe run; then it is a finding
# Scripted browser probes beside axe (browser_probes.py), run in the same page's time budget.
A11Y_ENGINE_PROBES = True  # [crawl].a11y_engine_probes: Tab, hover, Space, 320 px, 200% text, GIFs
A11Y_PROBE_MIN_SECONDS = 5.0  # probes get at least this long after axe, within the page timeout
A11Y_PROBE_MAX_TAB_STOPS = 60  # Tab presses per page
A11Y_PROBE_MAX_HOVER = 15  # elements hovered per page (those the CSS changes something on hover)
A11Y_PROBE_MAX_BUTTONS = 10  # role=button elements pressed with Space per page
A11Y_PROBE_SETTLE_MS = 80  # wait after a key press, hover or resize before measuring
A11Y_PROBE_FOCUS_MAX_HEIGHT = 6000  # px of the page photographed to judge focus indicators
A11Y_PROBE_REFLOW_WIDTH = 320  # CSS px: WCAG 1.4.10 (1280 px at 400% zoom)
A11Y_PROBE_REFLOW_HEIGHT = 640
A11Y_PROBE_TEXT_FACTOR = 2.0  # WCAG 1.4.4: text resized to 200%
A11Y_PROBE_TOLERANCE_PX = 4  # overflow smaller than this is rounding, not lost content
A11Y_PROBE_MAX_GIF_FRAMES = 2000
# Thresholds the check stage (checks/a11y_probes.py) applies to the stored measurements.
A11Y_FOCUS_MIN_CHANGED_PIXELS = 12  # fewer changed pixels on focus than this: no visible indicator
A11Y_LINES_OVERLAP_RATIO = 0.75  # line-height below this share of the font size: lines overlap
A11Y_ANIMATION_MAX_SECONDS = 5.0  # WCAG 2.2.2: moving content that lasts longer needs a pause

# Static accessibility rules (checks/accessibility.py)
A11Y_LANG_DETECT_MIN_WORDS = 40  # A11Y524: page text shorter than this is not language-checked
A11Y_LANG_DETECT_MIN_PROBABILITY = 0.95  # A11Y524: langdetect's confidence before it is a finding
A11Y_LANG_PAGE_ENGLISH_SHARE = 0.8  # A11Y524: text marked English with this share of English words is English (no langdetect)
A11Y_LANG_PASSAGE_MIN_WORDS = 3  # A11Y600/A11Y601: a passage shorter than this is not language-checked
A11Y_LANG_PASSAGE_MIN_PROBABILITY = 0.99  # A11Y600/A11Y601: langdetect's confidence in another language
A11Y_LANG_PASSAGE_MAX_ENGLISH_SHARE = 0.5  # A11Y600/A11Y601: "not English" only when fewer of its words are
A11Y_LANG_LONG_PASSAGE_WORDS = 6  # A11Y600/A11Y601: from this many words langdetect is rarely wrong...
A11Y_LANG_LONG_PASSAGE_MAX_ENGLISH_SHARE = 0.8  # ...so a passage needs only fewer English words than this
A11Y_LANG_BLOCK_MIN_WORDS = 8  # A11Y601: a whole paragraph this long is checked, besides quotations
A11Y_TEXT_DIRECTION_MIN_LETTERS = 3  # A11Y602: letters of one direction before text is judged
A11Y_TEXT_DIRECTION_SHARE = 0.8  # A11Y602: share of those letters written the other way
A11Y_PRE_SYMBOL_SHARE = 0.25  # A11Y621: share of symbols that makes a <pre> a picture made of characters
A11Y_UNCHUNKED_MIN_WORDS = 500  # A11Y625: words of paragraphs with no sub-heading or list before it is a wall of text
A11Y_IMAGE_OF_TEXT_MIN_WORDS = 6  # A11Y509: alt text of a "poster"/"flyer" image this long is words
A11Y_IMAGE_OF_TEXT_PROSE_SENTENCES = 3  # A11Y509: alt text of this many sentences transcribes words

# Open Referral UK feed ([site].oruk_url), read by the crawl for the directory checks
ORUK_PER_PAGE = 100
ORUK_MAX_SERVICES = 5000  # service records fetched from the feed at most

# Retry-After handling (Scrapy ignores the header; see middlewares.RetryAfterMiddleware)
RETRY_AFTER_DEFAULT_WAIT = 5.0
RETRY_AFTER_MAX_RETRIES = 3
RETRY_AFTER_MAX_WAIT = 120.0

# Crawler-trap guard (see traps.TrapGuard)
TRAP_DATE_WINDOW_MONTHS = 12
TRAP_MAX_FACET_PAGES_PER_PATH = 64
TRAP_MAX_PARAM_COMBINATIONS_PER_PATH = 16
TRAP_MAX_PER_PATTERN = 2000
TRAP_MAX_QUERY_PARAMS = 4

# --- Checks ([checks] and [audit] tables) --------------------------------------------------
CHECKS_IGNORE: tuple[str, ...] = ()
CHECKS_SELECT: tuple[str, ...] = ()  # empty: every rule

# Options of the built-in checks, by check name: the [checks.NAME] tables. A value's type is the
# option's type (checks.read_options enforces it). Documented in docs/configuration.md.
CHECK_OPTIONS: dict[str, dict[str, object]] = {
    # The accessibility statement (checks/a11y_statement.py). GDS's sample statement headings
    # and wording are marked [M] in the shared reference: every pattern here can be replaced.
    "accessibility-statement": {
        "current_wcag_version": "2.2",  # GDS monitors against WCAG 2.2 AA; older is a notice
        # the text of a link to the statement: "Accessibility statement", or a footer's bare
        # "Accessibility" (not "Accessibility strategy", a different duty)
        "link_text_patterns": [r"\baccessibility statement\b", r"^\s*accessibility\s*$"],
        "pages_named": 5,  # pages without a link named in the message (the rest are counted)
        "section_patterns": {  # section id -> regexes, any of which shows the section is there
            "compliance-status": [
                r"\b(?:fully|partially|not)\s+compliant\b[^.]{0,80}?(?:\bWCAG\b|Web Content "
                r"Accessibility Guidelines)[^.]{0,30}?\b2(?:\.\d)?\b",
                r"(?:\bWCAG\b|Web Content Accessibility Guidelines)[^.]{0,30}?\b2(?:\.\d)?\b"
                r"[^.]{0,60}?\b(?:fully|partially|not)\s+compliant\b"],
            "non-accessible-content": [
                r"\bnon[- ]?accessible content\b", r"\binaccessible content\b",
                r"\bcontent (?:that is|that's) not accessible\b",
                r"\bnon[- ]?compliance with the accessibility regulations\b",
                r"\bdisproportionate burden\b", r"\bnot within the scope of the accessibility "
                r"regulations\b", r"\bparts of this website (?:are|that are) not (?:fully )?"
                r"accessible\b"],
            "reporting-problems": [
                r"\breport(?:ing)?\s+(?:an?\s+)?(?:accessibility\s+)?(?:problems?|issues?|"
                r"barriers?)\b", r"\bif you find any (?:accessibility )?problems\b",
                r"\btell us about (?:an? )?(?:accessibility )?problems?\b"],
            "contact": [
                r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", r"\b(?:call|phone|telephone|tel)\b[^.]{0,20}?"
                r"\+?\d[\d ]{8,14}\d", r"\bcontact (?:us )?(?:form|using (?:our|this) form)\b"],
            "enforcement-procedure": [
                r"\bEquality and Human Rights Commission\b", r"\bEHRC\b",
                r"\bEquality Advisory (?:and|&) Support Service\b", r"\bEASS\b",
                r"\bEquality Commission for Northern Ireland\b", r"\bECNI\b"],
            "preparation-date": [r"\bprepared\b", r"\bfirst published\b"],
            "last-reviewed-date": [r"\b(?:last\s+)?reviewed\b", r"\blast\s+updated\b"],
        },
        "title_patterns": [r"\baccessibility statement\b"],  # a page that is the statement
        "url_patterns": [r"accessibility[-_ ]?statement", r"/accessibility/?$"],
    },
    "document-only-content": {
        "ignore_topics": [],  # topic ids that do not apply: never "only in a document" (A11Y555)
    },
    "expired-content": {
        "feedback_max_months": 12,  # "You said, we did" at least annually (SEND Regs 2014 reg 56)
        "post16_publish_by": "05-31",  # post-16 transport statement due by 31 May (MM-DD)
        "statement_review_max_months": 12,  # accessibility statement reviewed yearly
    },
    "link-addresses": {
        "extra_retired_domains": [],
        "ignore_retired_domains": [],
    },
    "link-status": {
        "broken_redirect_hops": 8,  # GOV.UK link checker: 8 or more hops is a broken redirect
        "redirect_chain_hops": 2,
        "reserved_tlds": ["invalid"],  # RFC 6761: never resolves, so unreachable by name
        "slow_seconds": 5.0,
    },
    "outdated-terms": {
        "extra_terms": [],
        "ignore_terms": [],
    },
    "directory-records": {
        "extra_placeholders": [],  # more whole values that mean "not filled in"
        "record_url_patterns": [],  # regexes: more record pages, read by the generic adapter
        "required_fields": ["cost", "age-range", "referral-route", "accessibility-info"],
    },
    "oruk-feed": {
        "assured_max_months": 24,  # assured_date older than this is reported (DIR624)
        "compare_with_site": True,  # DIR626-628: the feed against the records on the site
    },
    "readability": {
        "error_reading_age": 15,  # GOV.UK aims for 9; above 15 most adults struggle
        "ignore_acronyms": [],
        "ignore_words": [],
        "max_sentence_words": 25,  # GOV.UK: sentences of about 25 words or fewer
        "min_words": 100,  # fewer words of main content: too little text to score
        "target_reading_age": 9,  # GOV.UK content design: a reading age of 9
        "warn_reading_age": 12,
    },
    "required-content": {
        "ignore_topics": [],  # topic ids that do not apply to this site: no finding about them
        "max_click_depth": 3,  # a required topic further than this from the start page is a warning
        "topic_owners": {},  # topic id or owner hint -> owner name ([[owners]]) for topic findings
    },
    "pdf-accessibility": {
        # Office documents published before this date are exempt from the accessibility
        # regulations unless needed for active administrative processes (SI 2018/952 reg 3(2))
        "exempt_before": "2018-09-23",
    },
    "page-dates": {
        "age_sources": ["visible-text", "time-element", "json-ld", "meta", "sitemap",
                        "http-last-modified"],
        "disagree_after_days": 30,
        "error_after_months": 24,
        "future_grace_days": 1,
        "warn_after_months": 12,
    },
    "soft-404-pages": {
        "extra_phrases": [],
        "max_words": 80,
        "min_words": 3,
        "similarity": 0.85,
    },
}
# List options whose items are tables rather than strings ("check.option").
CHECK_TABLE_LIST_OPTIONS = frozenset({"outdated-terms.extra_terms"})

# --- Documents (text extraction for checks that read words) --------------------------------
DOCUMENT_TEXT_MAX_PAGES = 50  # a 400-page strategy PDF is read only this far
DOCUMENT_TEXT_MAX_PARAGRAPHS = 5000

# --- Ownership ([[owners]]) ------------------------------------------------------------------
OWNER_DEFAULT_NAME = "Unassigned"
OWNER_DEFAULT_CONTACT = ""

# --- Outputs ---------------------------------------------------------------------------------
# Credentials never reach the store, the reports or the log (urls.redact): the login part of
# any URL, and the values of query parameters with these names (case-insensitive globs).
REDACTED = "REDACTED"
REDACT_QUERY_PARAMS: tuple[str, ...] = (
    "token", "*_token", "access_token", "api_key", "apikey", "api-key", "sig",
    "signature", "password", "passwd", "pwd", "secret", "client_secret", "auth", "x-amz-signature",
    "x-amz-credential", "x-goog-signature",
)
DB_FILENAME = "localoffer-audit.sqlite"  # default store, inside --out unless --db is given
# The crawl's writes are committed in batches of at most this many rows or this many seconds:
# what a SIGKILL can lose (an interrupted run fetches those pages again when resumed).
STORE_BATCH_ROWS = 500
STORE_BATCH_SECONDS = 0.25
FAIL_ON = "never"  # exit 1 when a finding reaches this severity: error | warning | notice | never
REPORT_SNIPPET_CHARS = 300

# --- Demo site -------------------------------------------------------------------------------
DEMO_PAGES = 300
DEMO_SEED = 2014

# --- Environment variables read by config.load_config --------------------------------------
ENV_DB = "LOCALOFFER_AUDIT_DB"
ENV_MAX_PAGES = "LOCALOFFER_AUDIT_MAX_PAGES"
ENV_CONCURRENCY = "LOCALOFFER_AUDIT_CONCURRENCY"
ENV_DELAY = "LOCALOFFER_AUDIT_DELAY"
ENV_CHROMIUM = "LOCALOFFER_CHROMIUM"  # Chromium for the a11y engine, tried before A11Y_ENGINE_BROWSER_PATHS
