"""The real-browser accessibility engine (`--a11y-engine axe`): part of the crawl stage.

After the spider has stored the site, every stored 200 HTML page is rendered in headless
Chromium (Debian's, driven by Playwright with `executable_path`; Playwright never downloads a
browser) and axe-core is run on the live DOM. The raw axe results go into the store
(`engine_results`), so the check stage (checks/a11y_engine.py) turns them into findings offline
and re-runnably, like every other check.

Crawled pages are hostile, so the browser is fenced in:
- the page itself is served from the store (route.fulfill): it is not fetched twice, and what
  axe sees is exactly what the static checks saw;
- every other request goes through a route filter: http(s) only, only the audited site's hosts,
  and the crawl's private-address policy (middlewares.is_fetchable_address: loopback only when
  the site itself is on loopback). Everything else is aborted and recorded, never sent;
- Chromium's own resolver answers only for the site's host names (--host-resolver-rules), so
  anything that escaped the route filter (prefetch, WebRTC) resolves nowhere; QUIC is off;
- WebSockets are refused, service workers blocked, downloads refused, pop-ups closed, other
  top-level navigations aborted;
- JavaScript runs (axe needs the DOM), each page in a fresh context, bounded in time
  ([crawl].a11y_engine_timeout) and in number at once ([crawl].a11y_engine_pages), in one
  browser process. A page that hangs or crashes the renderer is stored as such and becomes a
  finding (A11Y590), never a failed audit.

With [crawl].a11y_engine_probes (on by default) the scripted probes of browser_probes.py run on
the same open page after axe (Tab, hover, Space, 320 px, 200% text, animated GIFs), in the same
time budget; their measurements are stored in the same results, under "probes" (format in
browser_probes.py). GIF images the page loads are kept in memory for them, never stored.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import urljoin, urlsplit

from . import defaults
from .browser_probes import GIF_TYPES, LISTENER_HOOK, MAX_GIF_BYTES, ProbeRunner
from .errors import ConfigError
from .middlewares import is_fetchable_address, parse_networks, resolve_host
from .urls import matches_host

log = logging.getLogger(__name__)

ENGINE = "axe"
INSTALL_HINT = "run `make browser-deps` (as root it also installs Debian's chromium)"
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--disable-dev-shm-usage")
# axe's result keys kept in the store: what the check needs and what says how it was produced.
KEPT_RESULT_KEYS = ("testEngine", "testRunner", "testEnvironment", "toolOptions", "url",
                    "timestamp", "violations", "incomplete")
MAX_STORED_NODES = 50  # per axe rule per page; the count of all nodes is kept beside them
MAX_BLOCKED_RECORDED = 50
MAX_REDIRECTS = 5  # per subresource, each hop filtered
CLOSE_TIMEOUT = 10.0
VIEWPORT = {"width": 1280, "height": 900}


class EngineUnavailable(ConfigError):
    """The engine was asked for but cannot run here (exit 2, one line)."""


@dataclass(frozen=True)
class EngineSetup:
    chromium: str
    axe_script: str
    axe_version: str


def find_chromium() -> str | None:
    """The Chromium binary: $LOCALOFFER_CHROMIUM, then Debian's /usr/bin/chromium, then PATH."""
    for candidate in (os.environ.get(defaults.ENV_CHROMIUM), *defaults.A11Y_ENGINE_BROWSER_PATHS):
        if not candidate:
            continue
        path = candidate if os.sep in candidate else shutil.which(candidate)
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            return path
    return None


def axe_source() -> tuple[str, str]:
    """axe-core's script and version, from the copy bundled in the axe-playwright-python
    package (installed by `make browser-deps`)."""
    try:
        script = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise EngineUnavailable("--a11y-engine axe needs axe-core, bundled in the "
                                f"axe-playwright-python package, which is not installed: {INSTALL_HINT}"
                                ) from None
    first = script[:200].split("\n", 1)[0]  # "/*! axe v4.12.1"
    version = first.split(" v", 1)[1].strip() if " v" in first else "unknown"
    return script, version


def require_engine(name: str) -> EngineSetup | None:
    """Fail fast, before any crawling, when the engine cannot run. None for engine "none"."""
    if name == "none":
        return None
    if name != ENGINE:
        raise EngineUnavailable(f"--a11y-engine must be one of {', '.join(defaults.A11Y_ENGINES)}, "
                                f"got {name!r}")
    try:
        from playwright.async_api import BrowserContext
    except ImportError:
        raise EngineUnavailable("--a11y-engine axe needs the playwright package, which is not "
                                f"installed: {INSTALL_HINT}") from None
    if not hasattr(BrowserContext, "route_web_socket"):  # Playwright 1.48+ can refuse WebSockets
        raise EngineUnavailable("--a11y-engine axe needs playwright 1.48 or later: "
                                f"{INSTALL_HINT}")
    script, version = axe_source()
    chromium = find_chromium()
    if chromium is None:
        raise EngineUnavailable("--a11y-engine axe needs Chromium, which is not installed "
                                f"(looked for ${defaults.ENV_CHROMIUM}, "
                                f"{', '.join(defaults.A11Y_ENGINE_BROWSER_PATHS)}): {INSTALL_HINT}, "
                                "or `apt-get install chromium`")
    return EngineSetup(chromium, script, version)


# ---- the request filter -----------------------------------------------------------------------

class RequestPolicy:
    """Which requests a rendered page may make: the audited site's hosts over http(s), on
    addresses the crawl itself may fetch. Names are resolved once per host (cached)."""

    def __init__(self, allowed_hosts: Sequence[str], allowed_networks: Sequence[str],
                 resolver: Callable[[str], list[str]] = resolve_host) -> None:
        self.allowed_hosts = tuple(allowed_hosts)
        self.networks = parse_networks(allowed_networks)
        self.resolver = resolver
        self._verdicts: dict[str, str | None] = {}

    async def refusal(self, url: str) -> str | None:
        """None when the request may go ahead, else why not (recorded, never sent)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"scheme {parts.scheme or '(none)'}"
        if not matches_host(url, self.allowed_hosts):
            return "off-site host"
        host = (parts.hostname or "").rstrip(".")
        if host not in self._verdicts:
            self._verdicts[host] = await self._address_refusal(host)
        return self._verdicts[host]

    async def _address_refusal(self, host: str) -> str | None:
        try:
            addresses = [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            try:
                addresses = await asyncio.to_thread(self.resolver, host)
            except (OSError, UnicodeError):
                return "dns failed"
        for address in addresses:
            if not is_fetchable_address(address, self.networks):
                return f"private address {address}"
        return None

    def resolver_rules(self) -> str:
        """Chromium's --host-resolver-rules: only the site's names resolve (defence in depth)."""
        names = []
        for entry in self.allowed_hosts:
            host = entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry
            host = host.strip("[]")
            names.append(host)
            if host.startswith("*."):
                names.append(host[2:])
        return "MAP * ~NOTFOUND" + "".join(f" , EXCLUDE {name}" for name in dict.fromkeys(names))


# ---- rendering --------------------------------------------------------------------------------

@dataclass
class PageJob:
    url: str
    body: bytes
    content_type: str


@dataclass
class RenderResult:
    url: str
    outcome: str  # ok | timeout | crashed | error
    results: dict[str, Any] | None = None
    error: str | None = None
    blocked: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    gifs: dict[str, bytes] = field(default_factory=dict)  # for the probes; never stored
    probing: bool = False  # the probes are pressing keys: navigations then are theirs, not the page's


def _trim_results(raw: dict[str, Any]) -> dict[str, Any]:
    kept = {key: raw.get(key) for key in KEPT_RESULT_KEYS if key in raw}
    for kind in ("violations", "incomplete"):
        rules = []
        for rule in kept.get(kind) or []:
            nodes = rule.get("nodes") or []
            rules.append({**rule, "nodes": nodes[:MAX_STORED_NODES], "nodes_total": len(nodes)})
        kept[kind] = rules
    return kept


class Renderer:
    """One browser, a bounded pool of pages, one fresh context per page."""

    def __init__(self, setup: EngineSetup, policy: RequestPolicy, *, timeout: float,
                 parallel: int, tags: Sequence[str], probes: bool = defaults.A11Y_ENGINE_PROBES
                 ) -> None:
        self.setup, self.policy = setup, policy
        self.probes = probes
        self.timeout, self.parallel = timeout, max(1, parallel)
        self.axe_options = {"runOnly": {"type": "tag", "values": list(tags)},
                            "resultTypes": ["violations", "incomplete"]}
        self.browser = None
        self.browser_version = ""

    async def render_all(self, jobs: Iterable[PageJob],
                         on_result: Callable[[RenderResult], None]) -> None:
        from playwright.async_api import async_playwright

        queue: asyncio.Queue[PageJob | None] = asyncio.Queue(maxsize=self.parallel * 2)
        async with async_playwright() as playwright:
            self.browser = await playwright.chromium.launch(
                executable_path=self.setup.chromium, headless=True,
                args=[*CHROMIUM_ARGS, f"--host-resolver-rules={self.policy.resolver_rules()}"])
            self.browser_version = self.browser.version
            try:
                async def worker() -> None:
                    while (job := await queue.get()) is not None:
                        on_result(await self.render(job))

                workers = [asyncio.create_task(worker()) for _ in range(self.parallel)]
                for job in jobs:
                    await queue.put(job)
                for _ in workers:
                    await queue.put(None)
                await asyncio.gather(*workers)
            finally:
                await self.browser.close()

    async def render(self, job: PageJob) -> RenderResult:
        from playwright.async_api import Error as PlaywrightError

        started = time.monotonic()
        result = RenderResult(job.url, "ok")
        crashed = asyncio.Event()
        context = None
        try:
            context = await self.browser.new_context(
                accept_downloads=False, service_workers="block", java_script_enabled=True,
                viewport=dict(VIEWPORT))
            await self._fence(context, job, result)
            if self.probes:
                await context.add_init_script(LISTENER_HOOK)
            page = await context.new_page()
            page.on("crash", lambda _page: crashed.set())
            page.on("popup", lambda popup: asyncio.ensure_future(popup.close()))
            result.results = await asyncio.wait_for(self._run_axe(page, job), self.timeout)
            if self.probes:
                result.results["probes"] = await self._run_probes(page, result, started)
                result.gifs.clear()
        except (asyncio.TimeoutError, TimeoutError):
            result.outcome, result.error = "timeout", (
                f"the page did not finish loading and checking within {self.timeout:g} s")
        except PlaywrightError as exc:
            if crashed.is_set() or "crash" in str(exc).lower():
                result.outcome, result.error = "crashed", "the page crashed the browser's renderer"
            else:
                result.outcome, result.error = "error", str(exc).splitlines()[0][:300]
        except Exception as exc:  # one hostile page must not stop the audit
            result.outcome, result.error = "error", f"{type(exc).__name__}: {exc}"[:300]
        finally:
            try:
                if context is not None:
                    await asyncio.wait_for(context.close(), CLOSE_TIMEOUT)
            except Exception as exc:  # a hung renderer: the browser process is reused regardless
                log.warning("could not close the browser context for %s: %s", job.url, exc)
        result.elapsed = time.monotonic() - started
        return result

    async def _fence(self, context, job: PageJob, result: RenderResult) -> None:
        from playwright.async_api import Error as PlaywrightError

        served = False

        def refuse(reason: str, url: str) -> None:
            if len(result.blocked) < MAX_BLOCKED_RECORDED:
                result.blocked.append(f"{reason}: {url[:300]}")

        async def route(route, request) -> None:
            nonlocal served
            try:
                top_level = request.is_navigation_request() and request.frame.parent_frame is None
            except Exception:  # requests without a frame (e.g. a worker's): judged as any other
                top_level = False
            if top_level:
                if not served:
                    served = True
                    await route.fulfill(status=200, body=job.body,
                                        headers={"content-type": job.content_type})
                    return
                if not result.probing:  # e.g. Space on a link: refused, not the page's request
                    refuse("navigation away", request.url)
                await route.abort("blockedbyclient")
                return
            reason = await self.policy.refusal(request.url)
            if reason:
                refuse(reason, request.url)
                await route.abort("blockedbyclient")
                return
            # Fetched here, one redirect hop at a time, each hop through the filter: Chromium
            # would follow a continued request's redirects without routing them again.
            url = request.url
            try:
                for _ in range(MAX_REDIRECTS + 1):
                    response = await route.fetch(url=url, max_redirects=0,
                                                 timeout=self.timeout * 1000)
                    location = response.headers.get("location")
                    if not (300 <= response.status < 400 and location):
                        break
                    url = urljoin(url, location)
                    reason = await self.policy.refusal(url)
                    if reason:
                        refuse(f"redirect to {reason}", url)
                        await route.abort("blockedbyclient")
                        return
                else:
                    await route.abort("failed")  # a redirect loop
                    return
            except PlaywrightError:
                await route.abort("failed")
                return
            if self.probes and response.headers.get("content-type", "").split(";")[0].strip() \
                    in GIF_TYPES and len(result.gifs) < 20:
                try:
                    body = await response.body()
                    if len(body) <= MAX_GIF_BYTES:
                        result.gifs[request.url] = body
                except PlaywrightError:
                    pass
            await route.fulfill(response=response)

        async def websocket(ws) -> None:
            refuse("websocket", ws.url)
            await ws.close()

        await context.route("**/*", route)
        await context.route_web_socket("**/*", websocket)

    async def _run_probes(self, page, result: RenderResult, started: float) -> dict[str, Any]:
        """The scripted probes, in what is left of the page's budget (at least
        A11Y_PROBE_MIN_SECONDS). Whatever happens, axe's results are kept."""
        deadline = max(started + self.timeout, time.monotonic() + defaults.A11Y_PROBE_MIN_SECONDS)
        runner = ProbeRunner(page, deadline, dict(VIEWPORT))
        result.probing = True
        try:
            return await asyncio.wait_for(runner.run(result.gifs),
                                          deadline - time.monotonic() + CLOSE_TIMEOUT)
        except (asyncio.TimeoutError, TimeoutError):
            runner.out["errors"]["probes"] = "ran out of the page's time budget"
        except Exception as exc:  # e.g. the page crashed or navigated away mid-probe
            runner.out["errors"]["probes"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        return runner.out

    async def _run_axe(self, page, job: PageJob) -> dict[str, Any]:
        await page.goto(job.url, wait_until="load", timeout=self.timeout * 1000)
        await page.evaluate(self.setup.axe_script)
        raw = await page.evaluate("options => axe.run(document, options)", self.axe_options)
        return _trim_results(raw)


# ---- the stage ----------------------------------------------------------------------------------

class _Progress:
    """A rich bar on a terminal; a plain line every 10 s elsewhere (CI logs), like the crawl's."""

    PLAIN_INTERVAL = 10.0

    def __init__(self, total: int, enabled: bool) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.total, self.done, self.failed = total, 0, 0
        self.enabled = enabled
        self.started = self.last_plain = time.monotonic()
        self.bar = None
        if enabled and self.console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("[bold]Rendering (axe)[/]"), BarColumn(),
                                MofNCompleteColumn(), TextColumn("{task.description}"),
                                TimeElapsedColumn(), console=self.console)
            self.bar.start()
            self.task = self.bar.add_task("", total=total)

    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.started, 1e-6)

    def describe(self) -> str:
        return f"{self.done}/{self.total} pages · {self.failed} failed · {self.rate():.1f} pages/s"

    def advance(self, result: RenderResult) -> None:
        self.done += 1
        self.failed += result.outcome != "ok"
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done,
                            description=f"{self.failed} failed · {self.rate():.1f} pages/s")
        elif self.enabled and time.monotonic() - self.last_plain >= self.PLAIN_INTERVAL:
            self.last_plain = time.monotonic()
            self.console.print(f"a11y engine: {self.describe()}", highlight=False, soft_wrap=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
        elif self.enabled:
            self.console.print(f"a11y engine finished: {self.describe()}", highlight=False,
                               soft_wrap=True)


def _jobs(store, run_id: int) -> Iterable[PageJob]:
    for row in store.page_rows(run_id):
        if row["kind"] == "html" and row["status"] == 200:
            page = store.page(run_id, row["url"], kinds=("html",))
            if page is not None and page.body:
                # The charset the crawl decoded with: it may have come from the HTTP header only.
                media_type = (page.content_type or "text/html").split(";")[0].strip()
                yield PageJob(page.url, page.body, f"{media_type}; charset={page.encoding}")


def render_run(store, run_id: int, config, *, progress: bool = True,
               setup: EngineSetup | None = None) -> dict[str, Any]:
    """Render every stored 200 HTML page of the run and store axe's results. Returns the
    summary also merged into the run's stats under "a11y_engine"."""
    setup = setup or require_engine(config.crawl["a11y_engine"])
    if setup is None:
        return {}
    crawl = config.crawl
    policy = RequestPolicy(config.allowed_hosts, config.allowed_networks)
    renderer = Renderer(setup, policy, timeout=crawl["a11y_engine_timeout"],
                        parallel=crawl["a11y_engine_pages"], tags=crawl["a11y_engine_tags"],
                        probes=crawl["a11y_engine_probes"])
    total = sum(1 for r in store.page_rows(run_id) if r["kind"] == "html" and r["status"] == 200)
    bar = _Progress(total, progress)
    outcomes: dict[str, int] = {}
    started = time.monotonic()

    def save(result: RenderResult) -> None:
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        store.add_engine_result(run_id, result.url, ENGINE, result.outcome, results=result.results,
                                error=result.error, blocked=result.blocked,
                                engine_version=setup.axe_version,
                                browser_version=renderer.browser_version, elapsed=result.elapsed)
        bar.advance(result)

    try:
        asyncio.run(renderer.render_all(_jobs(store, run_id), save))
    finally:
        bar.close()
    seconds = time.monotonic() - started
    summary = {"engine": ENGINE, "axe_version": setup.axe_version,
               "browser_version": renderer.browser_version, "pages": sum(outcomes.values()),
               "outcomes": outcomes, "seconds": round(seconds, 2),
               "pages_per_second": round(sum(outcomes.values()) / max(seconds, 1e-6), 2),
               "tags": list(crawl["a11y_engine_tags"])}
    store.update_run_stats(run_id, {"a11y_engine": summary})
    return summary
