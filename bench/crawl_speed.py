"""Benchmark: localoffer-audit beside LinkChecker and lychee, on the demo site served by nginx.

    .venv/bin/python bench/crawl_speed.py [--pages 2000,20000] [--peers-on 2000]
                                          [--peer-timeout 90] [--no-peers] [--no-readme]

For each size the demo generator writes the site, bench/static_site.py turns it into static
files behind nginx (loopback only), and then, one after the other on that same site:

  server      wrk, cycling over every HTML page: what nginx alone serves (it must serve at
              least 5 times the audit's page rate, or the audit is measuring the server)
  full        localoffer-audit audit: crawl, every static check, every report
  links-only  the same with --select LNK (only the link checks run; the crawl is the same),
              on the sizes the peers run on
  peers       (on --peers-on sizes) LinkChecker and lychee, each at its defaults and tuned for
              loopback as its docs allow: LinkChecker `threads` and `maxrequestspersecond` (above
              10 only for servers sending a `LinkChecker` header, which nginx here does); lychee
              --max-concurrency, --host-concurrency, --host-request-interval and --max-retries 0
              (its retry back-off on the demo's 429 and 500 links would otherwise be most of its
              wall time). lychee does not crawl, so it gets the HTML pages localoffer-audit found
              (--files-from); at its defaults only the first 150 (it reports nothing when
              stopped). LinkChecker still running after --peer-timeout seconds is stopped and
              the rate it reached (pages whose links it had checked) is reported.

Every tool runs under /usr/bin/time -v (wall time, CPU time, and peak RSS of the process tree's
largest process) while psutil samples the whole tree every 0.1 s (the peak of the sum of its
processes' RSS: localoffer-audit crawls in a child process). Pages per second = HTML pages fetched and parsed / wall time. Results go to
bench/results/bench-<pages>.json and the table to bench/results/bench-table.md and README.md.
Speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_site import Nginx, export_static, free_port  # noqa: E402

from localoffer_audit import __version__  # noqa: E402
from localoffer_audit.demo import generate_site  # noqa: E402
from localoffer_audit.demo_audit import demo_config_path  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
README = HERE.parent / "README.md"
BIN = Path(sys.executable).parent
TIME = "/usr/bin/time"
TABLE_START, TABLE_END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"
AUDIT_CONCURRENCY = 16  # per host: loopback nginx takes it; real councils get the polite default
LINKCHECKER_TUNED = "[checking]\nthreads=32\nmaxrequestspersecond=10000\n"
LYCHEE_TUNED = ["--max-concurrency", "256", "--host-concurrency", "128",
                "--host-request-interval", "0ms", "--max-retries", "0"]
# lychee at its defaults waits 50 ms between requests to a host (about 2.5 pages/s here), and
# it cannot report a partial run: it gets the first pages only, so that it finishes in the cap.
LYCHEE_DEFAULT_PAGES = 150


def machine() -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{platform.machine()} {cpu}, {len(os.sched_getaffinity(0))} cores, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def timed(command: list[str], timeout: float | None = None, stdout=None,
          cwd: Path | None = None) -> dict:
    """Run under /usr/bin/time -v (and `timeout`, sending SIGINT, when capped)."""
    prefix = [TIME, "-v"]
    if timeout:
        prefix += ["timeout", "--signal=INT", "--kill-after=10", str(int(timeout))]
    started = time.monotonic()
    proc = subprocess.Popen(prefix + command, stdout=stdout or subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=cwd)
    with TreeMemory(proc.pid) as tree:
        out, err = proc.communicate()
    wall = time.monotonic() - started
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)",
                                            result.stderr))
    return {"returncode": result.returncode, "wall_seconds": round(wall, 2),
            "cpu_seconds": round(cpu, 1),
            "peak_rss_mb": round(int(rss.group(1)) / 1024, 1) if rss else None,
            "peak_tree_rss_mb": tree.peak_mb,
            "timed_out": bool(timeout) and result.returncode == 124 or
            (bool(timeout) and wall >= timeout - 0.5),
            "stdout": result.stdout if stdout is None else "", "stderr": result.stderr}


class TreeMemory:
    """The peak of the SUM of RSS over a process and all its descendants, sampled every
    `interval` seconds (psutil) while it runs. /usr/bin/time -v reports only the largest single
    process; an audit that runs a stage in a child process needs both at once, so this is the
    honest figure for it. (Pages shared after a fork count in each process: an upper bound.)"""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval = pid, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = 0
            try:
                family = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for process in family:
                try:
                    total += process.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    @property
    def peak_mb(self) -> float:
        return round(self.peak / (1024 * 1024), 1)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def shown(command: list[str], root: Path) -> str:
    text = (" ".join(command).replace(str(root), "$TMP").replace(str(BIN) + "/", "")
            .replace(str(HERE.parent) + "/", ""))
    return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)


# --- the tools ---------------------------------------------------------------------------------

def run_audit(url: str, root: Path, name: str, extra: list[str]) -> dict:
    out = root / name
    command = [str(BIN / "localoffer-audit"), "audit", url, "--out", str(out), "--config",
               str(demo_config_path()), "--max-pages", "100000", "--concurrency",
               str(AUDIT_CONCURRENCY), "--delay", "0", "--no-progress", *extra]
    run = timed(command)
    if run["returncode"] != 0:
        raise SystemExit(f"{name} failed: {run['stderr'][-2000:]}")
    summary = json.loads((out / "summary.json").read_text())
    return {"tool": "localoffer-audit", "mode": name, "command": shown(command, root),
            "pages": summary["pages"]["html"], "addresses": summary["pages"]["total"],
            "findings": summary["findings"]["total"], **_rates(run, summary["pages"]["html"]),
            "db": str(out / "localoffer-audit.sqlite")}


def _rates(run: dict, pages: int) -> dict:
    return {"wall_seconds": run["wall_seconds"], "cpu_seconds": run["cpu_seconds"],
            "load_average": round(os.getloadavg()[0], 1), "peak_rss_mb": run["peak_rss_mb"],
            "peak_tree_rss_mb": run.get("peak_tree_rss_mb"),
            "pages_per_second": round(pages / run["wall_seconds"], 1) if run["wall_seconds"] else 0,
            "timed_out": run["timed_out"]}


def html_pages(db: str, site_url: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [url for (url,) in conn.execute(
            "SELECT url FROM pages WHERE kind = 'html' AND status = 200 AND run_id = "
            "(SELECT MAX(id) FROM runs) ORDER BY url") if url.startswith(site_url)]


def run_linkchecker(url: str, root: Path, mode: str, cap: float) -> dict:
    work = root / f"linkchecker-{mode}"
    work.mkdir()
    work.chmod(0o755)  # LinkChecker run as root drops to `nobody`, which must read its config
    command = [str(BIN / "linkchecker"), "--no-status", "-o", "csv", "-v"]
    if mode == "tuned":
        (work / "linkcheckerrc").write_text(LINKCHECKER_TUNED)
        (work / "linkcheckerrc").chmod(0o644)
        command += ["-f", str(work / "linkcheckerrc")]
    command.append(url)
    with open(work / "out.csv", "w") as output:
        run = timed(command, timeout=cap, stdout=output, cwd=work)
    parents, checked = set(), 0
    with open(work / "out.csv", newline="") as output:
        rows = csv.DictReader((line for line in output if not line.startswith("#")),
                              delimiter=";")
        for row in rows:
            checked += 1
            parent = row.get("parentname") or ""
            if parent.startswith(url) and not parent.endswith((".xml", ".txt")):
                parents.add(parent)
    return {"tool": "LinkChecker", "mode": mode, "command": shown(command, root)
            + (f"  (linkcheckerrc: {LINKCHECKER_TUNED.strip()!r})" if mode == "tuned" else ""),
            "pages": len(parents), "urls_checked": checked, **_rates(run, len(parents)),
            "cap_seconds": cap}


def run_lychee(pages: list[str], root: Path, mode: str, cap: float) -> dict:
    work = root / f"lychee-{mode}"
    work.mkdir()
    (work / "pages.txt").write_text("\n".join(pages) + "\n")
    command = [str(BIN / "lychee"), "--no-progress", "--format", "json", "-o",
               str(work / "out.json"), "--files-from", str(work / "pages.txt")]
    if mode == "tuned":
        command[1:1] = LYCHEE_TUNED
    run = timed(command, timeout=cap, cwd=work)
    done = len(pages)
    stats = {}
    if (work / "out.json").exists():
        stats = json.loads((work / "out.json").read_text())
    else:  # stopped: no summary; the pages are counted as unknown, the rate as a lower bound
        done = 0
    subset = f"  (the first {len(pages)} pages)" if mode == "defaults" else ""
    return {"tool": "lychee", "mode": mode, "command": shown(command, root) + subset,
            "pages": done, "links_checked": stats.get("total"),
            "unique_links": stats.get("unique"), **_rates(run, done), "cap_seconds": cap}


def server_rate(pages: list[str], root: Path, seconds: int = 8) -> dict:
    """nginx alone: wrk (2 threads, 32 connections) cycling over every HTML page."""
    script = root / "pages.lua"
    paths = [re.sub(r"^https?://[^/]+", "", p) for p in pages]
    script.write_text("paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
                      "i = 0\nrequest = function()\n  i = i % #paths + 1\n"
                      "  return wrk.format(nil, paths[i])\nend\n")
    base = re.match(r"^https?://[^/]+", pages[0]).group(0)
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "-s", str(script), base + "/"]
    result = subprocess.run(command, capture_output=True, text=True)
    found = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    return {"tool": "nginx (wrk)", "command": shown(command, root),
            "requests_per_second": float(found.group(1)) if found else None,
            "note": "wrk shares the 2 cores with nginx: a lower bound for the server"}


# --- one site size -----------------------------------------------------------------------------

def bench_size(pages: int, peers: bool, cap: float, keep: Path | None) -> dict:
    root = Path(tempfile.mkdtemp(prefix=f"bench-{pages}-", dir=keep))
    root.chmod(0o755)
    try:
        started = time.monotonic()
        generate_site(root / "demo", pages=pages)
        generated = time.monotonic() - started
        site_port, external_port = free_port(), free_port()
        exported = export_static(root / "demo" / "site", root / "nginx", site_port, external_port)
        record: dict = {"pages_requested": pages, "generate_seconds": round(generated, 1),
                        "static_site": exported, "runs": []}
        with Nginx(root / "nginx", site_port, external_port) as nginx:
            full = run_audit(nginx.url, root, "full", [])
            record["runs"].append(full)
            print(_line(full), flush=True)
            if peers:  # links-only beside the peers (its crawl is the full audit's)
                links = run_audit(nginx.url, root, "links-only", ["--select", "LNK"])
                record["runs"].append(links)
                print(_line(links), flush=True)
            page_list = html_pages(full["db"], nginx.url.rstrip("/"))
            record["server"] = server_rate(page_list, root)
            record["server"]["ratio_to_full_audit"] = round(
                record["server"]["requests_per_second"] / full["pages_per_second"], 1)
            print(f"server alone: {record['server']['requests_per_second']} requests/s "
                  f"({record['server']['ratio_to_full_audit']}x the full audit's page rate)",
                  flush=True)
            if peers:
                for mode in ("defaults", "tuned"):
                    lychee_pages = page_list[:LYCHEE_DEFAULT_PAGES] if mode == "defaults" \
                        else page_list
                    for run in (run_linkchecker(nginx.url, root, mode, cap),
                                run_lychee(lychee_pages, root, mode, cap)):
                        record["runs"].append(run)
                        print(_line(run), flush=True)
        for run in record["runs"]:
            run.pop("db", None)
            run["ratio_to_full_audit"] = (round(run["pages_per_second"] / full["pages_per_second"], 2)
                                          if full["pages_per_second"] else None)
        return record
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def _line(run: dict) -> str:
    capped = " (stopped at the cap)" if run.get("timed_out") else ""
    return (f"{run['tool']} {run['mode']}: {run['pages']} pages in {run['wall_seconds']} s = "
            f"{run['pages_per_second']} pages/s, {run['cpu_seconds']} CPU s, peak RSS "
            f"{run['peak_rss_mb']} MB (largest process), {run.get('peak_tree_rss_mb')} MB "
            f"(process tree){capped}")


# --- the table -----------------------------------------------------------------------------------

def table(records: list[dict], about: dict) -> str:
    lines = [f"Measured {about['date']} on {about['machine']}; localoffer-audit {__version__}, "
             f"{about['linkchecker']}, {about['lychee']}, {about['nginx']}. "
             f"Command: `make bench` (bench/crawl_speed.py); `$TMP` is the run's temporary "
             f"directory, PORT nginx's free loopback port.", "",
             "CPU (s) is user + system time of the tool's processes: on a machine shared with "
             "other work (the 1-minute load average when each run ended is in the JSON) it is "
             "steadier than wall time. Peak RSS is /usr/bin/time's (the largest single process); "
             "Peak RSS, tree is the largest sum over the tool's whole process tree at any moment "
             "(sampled every 0.1 s): localoffer-audit crawls in a child process, so that is its "
             "honest figure.", "",
             "| Site | Tool | Mode | HTML pages | Wall (s) | Pages/s | CPU (s) | Peak RSS (MB) | "
             "Peak RSS, tree (MB) | vs full audit |", "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for record in records:
        for run in record["runs"]:
            capped = f" (stopped at {run['cap_seconds']:g} s)" if run.get("timed_out") else ""
            lines.append(f"| {record['pages_requested']:,} | {run['tool']} | {run['mode']}{capped} "
                         f"| {run['pages']:,} | {run['wall_seconds']} | {run['pages_per_second']} "
                         f"| {run['cpu_seconds']} | {run['peak_rss_mb']} | "
                         f"{run.get('peak_tree_rss_mb') or ''} | "
                         f"{run['ratio_to_full_audit']}x |")
        server = record["server"]
        lines.append(f"| {record['pages_requested']:,} | nginx alone (wrk) | every HTML page, "
                     f"32 connections | | | {server['requests_per_second']:,.0f} requests/s | | | "
                     f"| {server['ratio_to_full_audit']}x |")
    lines += ["", "Commands:", ""]
    seen = set()
    for record in records:
        for run in [*record["runs"], record["server"]]:
            key = (run["tool"], run.get("mode"))
            if key not in seen:
                seen.add(key)
                lines.append(f"- {run['tool']} {run.get('mode', '')}: `{run['command']}`")
    return "\n".join(lines) + "\n"


def tool_version(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return f"{command[0]} (not found)"
    text = (result.stdout + result.stderr).strip().splitlines()
    return next((line for line in text if re.search(r"\d+\.\d+", line)
                 and "WARNING" not in line), "?").strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="2000,20000", help="comma-separated site sizes")
    parser.add_argument("--peers-on", default="2000", help="sizes the peers run on")
    parser.add_argument("--peer-timeout", type=float, default=90.0)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite README.md")
    parser.add_argument("--keep", type=Path, help="keep the sites and outputs under this folder")
    parser.add_argument("--table-only", action="store_true",
                        help="only rewrite the table from bench/results/bench-<pages>.json")
    args = parser.parse_args()
    sizes = [int(p) for p in args.pages.split(",") if p.strip()]
    peer_sizes = {int(p) for p in args.peers_on.split(",") if p.strip()}
    about = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
             "machine": machine(), "tool_version": __version__,
             "linkchecker": tool_version([str(BIN / "linkchecker"), "--version"]),
             "lychee": tool_version([str(BIN / "lychee"), "--version"]),
             "nginx": tool_version(["/usr/sbin/nginx", "-v"])}
    RESULTS.mkdir(exist_ok=True)
    records = []
    for size in sizes if not args.table_only else ():
        print(f"--- {size:,}-page demo site", flush=True)
        record = {**about, **bench_size(size, size in peer_sizes and not args.no_peers,
                                        args.peer_timeout, args.keep)}
        (RESULTS / f"bench-{size}.json").write_text(json.dumps(record, indent=2) + "\n")
        records.append(record)
    if args.table_only:
        records = [json.loads((RESULTS / f"bench-{size}.json").read_text()) for size in sizes]
        about = {key: records[0][key] for key in about}
        for record in records:  # commands as shown from the repository's root
            for run in [*record["runs"], record["server"]]:
                run["command"] = run["command"].replace(str(HERE.parent) + "/", "")
            (RESULTS / f"bench-{record['pages_requested']}.json").write_text(
                json.dumps(record, indent=2) + "\n")
    text = table(records, about)
    (RESULTS / "bench-table.md").write_text(text)
    print(text)
    if not args.no_readme and README.exists():
        readme = README.read_text("utf-8")
        if TABLE_START in readme and TABLE_END in readme:
            head, _, rest = readme.partition(TABLE_START)
            _, _, tail = rest.partition(TABLE_END)
            README.write_text(f"{head}{TABLE_START}\n{text}{TABLE_END}{tail}", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
