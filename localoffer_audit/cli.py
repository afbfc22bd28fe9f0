"""The `localoffer-audit` command.

Exit codes: 0 ok; 1 a finding reached --fail-on; 2 usage, config or input error (one line on
stderr naming the problem; anything already collected stays in the store); 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlsplit

from . import __version__, defaults
from .config import AuditConfig, config_from_dict, load_config
from .errors import AuditError, ConfigError
from .models import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
QUIET_LOGGERS = ("scrapy", "twisted", "protego", "py.warnings", "asyncio")


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints usage too)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class RedactingFormatter(logging.Formatter):
    """No credentials in the log: every line passes through urls.redact."""

    def format(self, record: logging.LogRecord) -> str:
        from .urls import redact

        return redact(super().format(record))


def _console():
    from rich.console import Console

    return Console()


def _err(message: str) -> None:
    from .urls import redact

    print(f"localoffer-audit: error: {redact(message)}", file=sys.stderr)


def _err_note(message: str) -> None:
    print(f"localoffer-audit: note: {message}", file=sys.stderr)


# ---- shared option groups -------------------------------------------------------------------

def _add_crawl_options(p: argparse.ArgumentParser, many: bool = False) -> None:
    if many:
        p.add_argument("targets", metavar="URL_OR_CONFIG", nargs="*",
                       help="a start URL (http:// or https://) or a site TOML config file "
                            "(with --resume RUN it may be left out: the run's stored config is "
                            "used); several (e.g. sites/*.toml) audit the sites together, one "
                            "report each in OUT/SITE/ and an index in OUT/index.html")
    else:
        p.add_argument("target", metavar="URL_OR_CONFIG", nargs="?",
                       help="a start URL (http:// or https://) or a site TOML config file "
                            "(with --resume RUN it may be left out: the run's stored config is used)")
    p.add_argument("--config", metavar="FILE", help="site TOML config (when the target is a URL)")
    p.add_argument("--db", metavar="PATH", help="SQLite store (default: OUT/localoffer-audit.sqlite, "
                   f"or ${defaults.ENV_DB})")
    p.add_argument("--max-pages", type=int, metavar="N", help="stop scheduling pages after N")
    p.add_argument("--concurrency", type=int, metavar="N", help="concurrent requests per host")
    p.add_argument("--delay", type=float, metavar="SECONDS", help="delay between requests to a host")
    p.add_argument("--resume", nargs="?", const="latest", metavar="RUN",
                   help="continue an interrupted run (default: the latest one of this site) "
                        "without fetching its stored pages again")
    p.add_argument("--full", action="store_true",
                   help="fetch and check every page and off-site link again, ignoring the "
                        "site's previous run and the link cache (default: incremental, "
                        "[crawl].incremental)")
    p.add_argument("--a11y-engine", metavar="ENGINE",
                   help="also render each page in headless Chromium and run this accessibility "
                        f"engine: {' or '.join(defaults.A11Y_ENGINES)} (default: "
                        f"[crawl].a11y_engine, {defaults.A11Y_ENGINE}; axe needs `make browser-deps`)")
    p.add_argument("--distributed", metavar="REDIS_URL",
                   help="crawl on scrapy-redis: the request queue and dupefilter live in this "
                        "Redis (e.g. redis://127.0.0.1:6379), shared by --workers local worker "
                        "processes and any `localoffer-audit worker REDIS_URL` elsewhere "
                        "(see docs/scaling.md)")
    p.add_argument("--workers", type=int, default=defaults.DISTRIBUTED_WORKERS, metavar="N",
                   help="with --distributed: worker processes to start here "
                        f"(default: {defaults.DISTRIBUTED_WORKERS}; 0: only remote workers)")
    p.add_argument("--no-progress", action="store_true", help="no progress display")
    p.add_argument("-v", "--verbose", action="store_true", help="show the crawler's log")


def _add_fail_on(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fail-on", choices=("error", "warning", "notice", "never"),
                   help="exit 1 when a finding is at least this severe (default: [audit].fail_on, "
                        f"{defaults.FAIL_ON})")


def _add_baseline(p: argparse.ArgumentParser) -> None:
    p.add_argument("--baseline", metavar="FILE",
                   help="accepted findings (written by `localoffer-audit baseline`): still reported, "
                        "but only findings not in it count for --fail-on")


def _add_rule_choice(p: argparse.ArgumentParser) -> None:
    p.add_argument("--select", metavar="RULES",
                   help="comma-separated rule codes, code prefixes or names to run, e.g. LNK for "
                        "the link checks only (default: [audit].select, every rule)")
    p.add_argument("--ignore", metavar="RULES",
                   help="comma-separated rules not to run (default: [audit].ignore)")


def _rule_list(text: str | None) -> list[str] | None:
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]


RUN_HELP = "run id, 'latest', or 'previous' (the checked run of the same site before latest)"


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="localoffer-audit", description=(
        "Audit a SEND Local Offer website: crawl -> store -> check -> report."))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=ArgumentParser)

    p = sub.add_parser("audit", help="crawl, check and report in one go")
    _add_crawl_options(p, many=True)
    p.add_argument("--out", required=True, metavar="DIR", help="where to write the report files")
    _add_fail_on(p)
    _add_baseline(p)
    _add_rule_choice(p)

    p = sub.add_parser("crawl", help="stage 1: crawl the site into the store; prints the run id")
    _add_crawl_options(p)

    for name, text in (("check", "stage 3: run the checks on a stored crawl"),
                       ("report", "stage 4: write the report files for a checked run")):
        p = sub.add_parser(name, help=text)
        p.add_argument("run", metavar="RUN", help=RUN_HELP)
        p.add_argument("--db", metavar="PATH", help="SQLite store (default: ./localoffer-audit.sqlite)")
        if name == "report":
            p.add_argument("--out", required=True, metavar="DIR")
            p.add_argument("--format", default=None,
                           help="comma-separated reporters (default: all of them)")
            _add_fail_on(p)
            _add_baseline(p)
        else:
            p.add_argument("--config", metavar="FILE",
                           help="check with this config's [audit] and [checks] instead of the crawl's")

    p = sub.add_parser("runs", help="list the runs in a store")
    p.add_argument("--db", metavar="PATH")

    p = sub.add_parser("diff", help="new, fixed and persisting findings between two checked runs")
    p.add_argument("before", metavar="RUN_A", help="the earlier run: " + RUN_HELP)
    p.add_argument("after", metavar="RUN_B", help="the later run: " + RUN_HELP)
    p.add_argument("--db", metavar="PATH", help="SQLite store (default: ./localoffer-audit.sqlite)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--all", action="store_true",
                   help="table: list persisting findings too, not only new and fixed")

    p = sub.add_parser("baseline", help="write a baseline file accepting a checked run's findings")
    p.add_argument("run", metavar="RUN", help=RUN_HELP)
    p.add_argument("--db", metavar="PATH", help="SQLite store (default: ./localoffer-audit.sqlite)")
    p.add_argument("--out", required=True, metavar="FILE", help="the baseline file to write")

    p = sub.add_parser("worker", help="help with a --distributed crawl: take pages from its "
                                      "Redis queue until the crawl is done")
    p.add_argument("redis_url", metavar="REDIS_URL", help="the coordinator's --distributed URL")
    p.add_argument("--site", metavar="NAME", help="the site to help with (default: the crawl "
                                                  "most recently started on this Redis)")
    p.add_argument("-v", "--verbose", action="store_true", help="show the crawler's log")

    p = sub.add_parser("rules", help="list every installed rule")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("explain", help="print a rule's documentation")
    p.add_argument("code", metavar="CODE", help="rule code or name, e.g. LNK301")

    p = sub.add_parser("demo", help="serve the bundled Exampleshire demo Local Offer and audit it")
    p.add_argument("--out", default="demo-out", metavar="DIR", help="default: ./demo-out")
    p.add_argument("--pages", type=int, default=defaults.DEMO_PAGES, metavar="N")
    p.add_argument("--serve-only", action="store_true", help="serve the demo site until Ctrl-C")
    p.add_argument("--port", type=int, default=0, help="port for --serve-only (default: any free)")
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("-v", "--verbose", action="store_true")
    return parser


# ---- helpers ----------------------------------------------------------------------------------

def _is_url(text: str) -> bool:
    return "://" in text or text.startswith(("http:", "https:"))


def _overrides(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    return {
        "crawl": {"max_pages": args.max_pages, "concurrency_per_host": args.concurrency,
                  "delay": args.delay, "a11y_engine": getattr(args, "a11y_engine", None),
                  **({"incremental": False, "link_cache_hours": 0} if getattr(args, "full", False)
                     else {})},
        "audit": {"fail_on": getattr(args, "fail_on", None),
                  "select": _rule_list(getattr(args, "select", None)),
                  "ignore": _rule_list(getattr(args, "ignore", None))},
        "db": {"path": args.db},
    }


def config_from_args(args: argparse.Namespace) -> AuditConfig:
    target = args.target
    if _is_url(target):
        config_file, start_url = args.config, target
    else:
        if args.config:
            raise ConfigError("give either a config file or --config, not both "
                              f"({target!r} and {args.config!r})")
        if not Path(target).exists():
            raise ConfigError(f"{target!r} is neither an http(s) URL nor an existing config file")
        config_file, start_url = target, None
    return load_config(config_file, start_url=start_url, overrides=_overrides(args))


def crawl_setup(args: argparse.Namespace, out: str | None,
                command: str) -> tuple[AuditConfig, Path, dict[str, Any] | None]:
    """The config, the store and (with --resume) the stored run to take up."""
    import os

    if args.target is None and not args.resume:
        raise ConfigError("give a start URL or a site config file (URL_OR_CONFIG)")
    config = config_from_args(args) if args.target else None
    if not args.resume:
        return config, _db_for(config, out), None
    from .config import build_config
    from .resume import check_compatible, pick_run
    from .store import Store

    db = (_db_for(config, out) if config else
          Path(args.db or os.environ.get(defaults.ENV_DB) or Path(out or ".") / defaults.DB_FILENAME))
    if not db.exists():
        raise AuditError(f"nothing to resume: no store at {db}")
    with Store(db) as store:  # opening it marks runs whose process was killed as interrupted
        run = pick_run(store, args.resume, command, config.name if config else None)
    if config is None:
        config = build_config(run["config"], source=f"<run {run['id']}>",
                              overrides=_overrides(args))
    else:
        check_compatible(run["config"], config, run["id"])
    return config, db, run


def _db_for(config: AuditConfig, out: str | None) -> Path:
    if config.db_path:
        return Path(config.db_path)
    return Path(out or ".") / defaults.DB_FILENAME


def _open_store(db: str | None):
    import os

    from .store import Store

    path = Path(db or os.environ.get(defaults.ENV_DB) or defaults.DB_FILENAME)
    if not path.exists():
        raise AuditError(f"store not found: {path} (give --db PATH)")
    return Store(path)


def _run_id(store, text: str) -> int:
    """A run id, 'latest' (the newest run) or 'previous' (the checked run of the same site
    before the newest); an id that is not in the store is an error naming it."""
    if text in ("latest", "previous"):
        run_id = store.latest_run_id()
        if run_id is None:
            raise AuditError(f"{store.path} has no runs yet")
        if text == "previous":
            from .history import previous_run

            latest, run_id = run_id, previous_run(store, run_id)
            if run_id is None:
                raise AuditError(f"no checked run of {store.run(latest)['site']!r} before the "
                                 f"latest run ({latest}) in {store.path}")
        return run_id
    try:
        run_id = int(text)
    except ValueError:
        raise ConfigError(f"RUN must be a run id, 'latest' or 'previous', got {text!r}") from None
    store.run(run_id)  # StoreError naming the store and the runs it has
    return run_id


def _checked_run(store, run_id: int) -> dict[str, Any]:
    """The run, which must have been checked (otherwise its findings are not there)."""
    run = store.run(run_id)
    if run["status"] != "checked":
        raise AuditError(f"run {run_id} has not been checked (status: {run['status']}); "
                         f"run `localoffer-audit check {run_id}` first")
    return run


def _read_baseline(path: str | None) -> frozenset[str]:
    if not path:
        return frozenset()
    from .history import read_baseline

    return read_baseline(path)


def _exit_for(worst: str | None, fail_on: str) -> int:
    if fail_on == "never" or worst is None:
        return EXIT_OK
    return EXIT_FINDINGS if Severity(worst).rank >= Severity(fail_on).rank else EXIT_OK


def _check_start_reached(store, run_id: int, config: AuditConfig) -> None:
    """If no start URL answered at all, the audit is meaningless: say so (exit 2)."""
    reached = {r["url"]: r for r in store.page_rows(run_id)}
    from .urls import canonicalize

    starts = [canonicalize(u, config.crawl["strip_params"]) for u in config.start_urls]
    if any(reached.get(u, {}).get("status") for u in starts):
        return
    stats = store.run(run_id)["stats"]
    problems = []
    for url in starts:
        row = reached.get(url)
        netloc = urlsplit(url).netloc
        robots = stats.get(f"localoffer/robots/unavailable/{netloc}")
        down = stats.get(f"localoffer/robots/failed/{netloc}")
        if down in ("connection-refused", "dns") and not row:  # the whole host is unreachable
            problems.append(f"{url} ({down})")
        elif robots and not row:  # RFC 9309: an unavailable robots.txt means "disallow all"
            problems.append(f"{url} (its robots.txt {robots}, which means \"disallow "
                            "everything\" (RFC 9309), so nothing was crawled)")
        else:
            problems.append(f"{url} ({row['error'] if row else 'not fetched: robots.txt or blocked'})")
    store.set_run_status(run_id, "failed")
    raise AuditError("start URL could not be fetched: " + "; ".join(problems))


# ---- stages -------------------------------------------------------------------------------------

def do_crawl(config: AuditConfig, db: Path, args, resume: int | None = None) -> int:
    from .axe_engine import render_run, require_engine
    from .crawl import run_crawl
    from .store import Store

    Store(db).close()  # fail early, with a clear message, if the store is unusable
    engine = require_engine(config.crawl["a11y_engine"])  # and if the engine cannot run here
    if getattr(args, "distributed", None):
        from .distributed import coordinate

        if resume:
            raise ConfigError("--resume cannot continue a --distributed crawl; start it again")
        if args.workers < 0:
            raise ConfigError(f"--workers must be 0 or more, got {args.workers}")
        outcome = coordinate(config, db, args.distributed, args.workers, verbose=args.verbose)
    else:
        outcome = _crawl_isolated(run_crawl, config, db, progress=not args.no_progress,
                                  log_level="INFO" if args.verbose else "CRITICAL", resume=resume)
    if outcome["reason"] == "shutdown":
        raise KeyboardInterrupt
    with Store(db) as store:
        _check_start_reached(store, outcome["run_id"], config)
        if engine is not None:  # part of the crawl stage: checks stay offline
            render_run(store, outcome["run_id"], config, progress=not args.no_progress,
                       setup=engine)
    return outcome["run_id"]


def _crawl_isolated(run_crawl, config: AuditConfig, db: Path, **options):
    """The crawl in a child process where the system can fork: the check and report stages
    then start from a small heap instead of on top of the crawl's (see localoffer_audit/child.py).
    A child that dies leaves its run 'crawling': it is marked interrupted, ready for --resume."""
    from .child import StageProcessError, can_fork, run_in_child

    if not can_fork():
        return run_crawl(config, db, **options)
    try:
        return run_in_child("crawl", run_crawl, config, db, **options)
    except StageProcessError:
        from .store import Store

        with Store(db) as store:
            store.mark_abandoned_runs()
        raise


def do_check(store, run_id: int, config: AuditConfig, console, progress: bool = True):
    from .runner import run_checks

    pages_total = sum(1 for r in store.page_rows(run_id) if r["kind"] in ("html", "document"))
    if progress and console.is_terminal:
        from rich.progress import Progress

        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("Checking pages", total=pages_total)
            outcome = run_checks(store, run_id, config,
                                 on_page=lambda n: bar.update(task, completed=n))
    else:
        outcome = run_checks(store, run_id, config)
    store.set_run_status(run_id, "checked")
    return outcome


def do_report(store, run_id: int, out: Path, formats: Sequence[str] = (),
              baseline: frozenset[str] = frozenset()):
    from .registry import discover_checks
    from .reports import DEFAULT_FORMATS, render_all
    from .reports.viewmodel import build_report
    from .runner import known_rules

    checks = discover_checks()
    rules = {r.code: r for r in known_rules(checks)}
    metric_names = tuple(dict.fromkeys(name for c in checks for name in c.metrics))
    data = build_report(store, run_id, rules, metric_names, baseline=baseline)
    return data, render_all(data, out, formats or DEFAULT_FORMATS)


def print_summary(console, data, written: Sequence[Path], baseline: str | None = None) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Findings for {escape(data.run['site'])} (run {data.run['id']})",
                  show_edge=False)
    table.add_column("Owner")
    for level in ("error", "warning", "notice"):
        table.add_column(level.capitalize() + "s", justify="right")
    for owner in data.owners:
        table.add_row(escape(owner.name), *(str(owner.by_severity.get(level, 0))
                                    for level in ("error", "warning", "notice")))
    console.print(table)
    counts = data.page_counts()
    console.print(f"{counts['total']} addresses crawled ({counts['html']} pages, "
                  f"{counts['documents']} documents); {len(data.findings)} findings.",
                  highlight=False)
    changes = data.changes
    if changes is not None and changes.before is not None:
        c = changes.counts()
        console.print(f"Since run {changes.before}: {c['new']} new, {c['fixed']} fixed, "
                      f"{c['persisting']} persisting.", highlight=False)
    if baseline is not None:
        accepted = sum(1 for f in data.findings if data.is_accepted(f))
        console.print(f"{accepted} accepted in baseline {baseline}; "
                      f"{len(data.findings) - accepted} not accepted.", highlight=False)
        if data.accepted and not accepted and data.findings:
            _err_note(f"none of the {len(data.accepted)} findings accepted in {baseline} occur "
                      f"in run {data.run['id']} (a baseline of another site?)")
    for path in written:
        console.print(f"wrote {path}", highlight=False)


# ---- commands -------------------------------------------------------------------------------

def cmd_audit(args) -> int:
    targets = args.targets
    if len(targets) > 1:
        from .multisite import audit_sites

        return audit_sites(args, targets)
    args.target = targets[0] if targets else None
    config, db, resumed = crawl_setup(args, args.out, "audit")
    baseline = _read_baseline(args.baseline)  # before crawling: a bad file costs nothing
    _check_rule_choice(config)  # and a --select that names no rule
    out = Path(args.out)
    console = _console()
    if resumed and resumed["status"] == "crawled":  # only the checks and report were missing
        run_id = resumed["id"]
    else:
        run_id = do_crawl(config, db, args, resume=resumed["id"] if resumed else None)
    from .store import Store

    with Store(db) as store:
        do_check(store, run_id, config, console, progress=not args.no_progress)
        data, written = do_report(store, run_id, out, baseline=baseline)
    print_summary(console, data, written, args.baseline)
    print((out / "report.html").resolve())
    return _exit_for(data.unaccepted_worst, config.audit["fail_on"])


def _check_rule_choice(config: AuditConfig) -> None:
    from .registry import discover_checks
    from .runner import _validate_audit_options, known_rules

    _validate_audit_options(config, known_rules(discover_checks()))


def cmd_crawl(args) -> int:
    config, db, resumed = crawl_setup(args, None, "crawl")
    run_id = do_crawl(config, db, args, resume=resumed["id"] if resumed else None)
    print(f"run {run_id} crawled into {db}")
    return EXIT_OK


def cmd_check(args) -> int:
    console = _console()
    with _open_store(args.db) as store:
        run_id = _run_id(store, args.run)
        run = store.run(run_id)
        config = load_config(args.config) if args.config else config_from_dict(run["config"])
        outcome = do_check(store, run_id, config, console)
    print(f"run {run_id}: {outcome.findings} findings on {outcome.pages} pages "
          f"(checks: {', '.join(outcome.checks)})")
    return EXIT_OK


def cmd_report(args) -> int:
    formats = [f.strip() for f in (args.format or "").split(",") if f.strip()]
    baseline = _read_baseline(args.baseline)
    with _open_store(args.db) as store:
        run_id = _run_id(store, args.run)
        data, written = do_report(store, run_id, Path(args.out), formats, baseline=baseline)
        fail_on = args.fail_on or store.run(run_id)["config"]["audit"]["fail_on"]
    print_summary(_console(), data, written, args.baseline)
    return _exit_for(data.unaccepted_worst, fail_on)


def cmd_runs(args) -> int:
    from rich.table import Table

    with _open_store(args.db) as store:
        runs = store.runs()
    table = Table(show_edge=False)
    for column in ("Run", "Site", "Started", "Finished", "Status", "Pages", "Findings"):
        table.add_column(column)
    for r in runs:
        table.add_row(str(r["id"]), r["site"], r["started_at"], r["finished_at"] or "", r["status"],
                      str(r["pages"]), str(r["findings"]))
    _console().print(table)
    return EXIT_OK


CHANGES = ("new", "fixed", "persisting")
DIFF_FIELDS = ("fingerprint", "rule", "rule_name", "family", "severity", "url", "target",
               "selector", "message", "owner", "owner_contact")


def _diff_record(f) -> dict[str, Any]:
    return {name: f.severity.value if name == "severity" else getattr(f, name)
            for name in DIFF_FIELDS}


def cmd_diff(args) -> int:
    from .history import compare
    from .reports.viewmodel import OUTPUT_SCHEMA_VERSION, severity_key

    with _open_store(args.db) as store:
        runs = [_checked_run(store, _run_id(store, text)) for text in (args.before, args.after)]
        changes = compare(store, runs[0]["id"], runs[1]["id"])
    if runs[0]["site"] != runs[1]["site"]:
        _err_note(f"runs {runs[0]['id']} and {runs[1]['id']} audited different sites "
                  f"({runs[0]['site']!r}, {runs[1]['site']!r}); nothing can match")
    about = lambda run: {k: run[k] for k in ("id", "site", "started_at", "finished_at", "status")}
    if args.format == "json":
        print(json.dumps({
            "schema_version": OUTPUT_SCHEMA_VERSION, "tool": "localoffer-audit",
            "before": about(runs[0]), "after": about(runs[1]), "counts": changes.counts(),
            "by_owner": changes.by_owner(),
            **{change: [_diff_record(f) for f in sorted(getattr(changes, change), key=severity_key)]
               for change in CHANGES}}, indent=2, ensure_ascii=False))
        return EXIT_OK

    from rich.markup import escape
    from rich.table import Table

    console = _console()
    if not console.is_terminal:  # piped or redirected: one line per row, addresses unbroken
        from rich.console import Console

        console = Console(width=1000)
    counts = changes.counts()
    table = Table(title=f"Findings from run {runs[0]['id']} to run {runs[1]['id']} "
                        f"({escape(runs[1]['site'])})", show_edge=False)
    table.add_column("Owner")
    for change in CHANGES:
        table.add_column(change.capitalize(), justify="right")
    for owner, by_change in changes.by_owner().items():
        table.add_row(escape(owner or "(no owner)"), *(str(by_change[c]) for c in CHANGES))
    table.add_row("[b]Total[/b]", *(f"[b]{counts[c]}[/b]" for c in CHANGES))
    console.print(table)
    listed = CHANGES if args.all else CHANGES[:2]
    rows = [(change, f) for change in listed
            for f in sorted(getattr(changes, change), key=severity_key)]
    if rows:
        table = Table(show_edge=False)
        for column in ("Change", "Severity", "Rule", "Page", "Target", "Owner"):
            table.add_column(column, overflow="fold")
        for change, f in rows:
            table.add_row(change, f.severity.value, f"{f.rule} {f.rule_name}", escape(f.url),
                          escape(f.target or f.selector or ""), escape(f.owner or ""))
        console.print(table)
    console.print(f"{counts['new']} new, {counts['fixed']} fixed, {counts['persisting']} "
                  f"persisting" + ("" if args.all or not counts["persisting"]
                                   else " (--all lists the persisting ones)") + ".",
                  highlight=False)
    return EXIT_OK


def cmd_baseline(args) -> int:
    from .history import write_baseline

    with _open_store(args.db) as store:
        run = _checked_run(store, _run_id(store, args.run))
        count = write_baseline(args.out, store.findings(run["id"]), run["id"], site=run["site"])
    print(f"wrote {args.out}: {count} findings of run {run['id']} accepted")
    return EXIT_OK


def cmd_rules(args) -> int:
    from .registry import discover_checks
    from .runner import known_rules

    checks = discover_checks()
    plugin_of = {r.code: c.plugin for c in checks for r in c.rules}
    rules = known_rules(checks)
    if args.format == "json":
        print(json.dumps([{"code": r.code, "name": r.name, "family": r.family,
                           "severity": r.severity.value, "summary": r.summary, "tags": list(r.tags),
                           "plugin": plugin_of.get(r.code, "localoffer-audit[framework]")}
                          for r in rules], indent=2))
        return EXIT_OK
    from rich.table import Table

    table = Table(show_edge=False)
    for column in ("Code", "Name", "Family", "Severity", "Summary", "From"):
        table.add_column(column)
    for r in rules:
        table.add_row(r.code, r.name, r.family, r.severity.value, r.summary,
                      plugin_of.get(r.code, "localoffer-audit[framework]"))
    _console().print(table)
    return EXIT_OK


def cmd_explain(args) -> int:
    from rich.markdown import Markdown

    from .registry import discover_checks
    from .runner import known_rules

    wanted = args.code.strip()
    for rule in known_rules(discover_checks()):
        if rule.code == wanted.upper() or rule.name == wanted:
            console = _console()
            header = (f"# {rule.code} {rule.name}\n\n**{rule.summary}**\n\nFamily: {rule.family} · "
                      f"default severity: {rule.severity.value} · tags: {', '.join(rule.tags) or '-'}\n\n"
                      + (f"**Who this affects:** {rule.who_affected}\n\n" if rule.who_affected else ""))
            console.print(Markdown(header + (rule.doc or "No documentation yet.")))
            return EXIT_OK
    raise ConfigError(f"no rule {wanted!r} (see `localoffer-audit rules`)")


def cmd_worker(args) -> int:
    from .distributed import run_worker

    return run_worker(args.redis_url, args.site, "INFO" if args.verbose else "CRITICAL")


def cmd_demo(args) -> int:
    from .demo_audit import run_demo

    return run_demo(args)


COMMANDS = {"audit": cmd_audit, "crawl": cmd_crawl, "check": cmd_check, "report": cmd_report,
            "runs": cmd_runs, "diff": cmd_diff, "baseline": cmd_baseline, "rules": cmd_rules,
            "explain": cmd_explain, "demo": cmd_demo, "worker": cmd_worker}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    verbose = getattr(args, "verbose", False)
    handler = logging.StreamHandler()
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    if not verbose:  # what went wrong on the site is recorded in the store, not logged at people
        handler.addFilter(lambda record: not record.name.startswith(QUIET_LOGGERS)
                          or record.levelno >= logging.CRITICAL)
    logging.basicConfig(level=handler.level, handlers=[handler], force=True)
    try:
        return COMMANDS[args.command](args)
    except AuditError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("interrupted; everything collected so far is kept in the store")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `localoffer-audit diff ... | head`: the reader has had enough
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
