"""Command line: ``python -m localoffer_audit.demo serve|generate``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from .generator import generate_site
from .server import DemoServer


def _summary(key: dict) -> str:
    c = key["counts"]
    return (
        f"{c['html_files']} HTML files, {c['reachable']} reachable URLs, {c['documents']} documents, "
        f"{c['faults']} planted faults, {c['controls']} controls"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m localoffer_audit.demo", description="Generate or serve the Exampleshire demo Local Offer."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write the site and answer-key.json to OUT_DIR")
    gen.add_argument("out_dir", type=Path)
    serve = sub.add_parser("serve", help="generate (or reuse the site in --dir) and serve until Ctrl-C")
    serve.add_argument(
        "--dir",
        type=Path,
        help="folder to generate into, or serve if it already holds a site (default: a temp dir, removed on exit)",
    )
    serve.add_argument("--port", type=int, default=0)
    for p in (gen, serve):
        p.add_argument("--pages", type=int, default=300)
        p.add_argument("--seed", type=int, default=2014)
        p.add_argument(
            "--today", type=dt.date.fromisoformat, default=None, help="anchor date YYYY-MM-DD (default: today)"
        )
    args = parser.parse_args(argv)

    if args.command == "generate":
        started = time.perf_counter()
        key = generate_site(args.out_dir, pages=args.pages, seed=args.seed, today=args.today)
        print(f"Wrote {args.out_dir}/site and answer-key.json in {time.perf_counter() - started:.1f}s: {_summary(key)}")
        return 0

    with tempfile.TemporaryDirectory(prefix="exampleshire-") as scratch:
        out = args.dir or Path(scratch)
        if not (out / "site" / "_server" / "routes.json").exists():
            key = generate_site(out, pages=args.pages, seed=args.seed, today=args.today)
            print(f"Generated {out}: {_summary(key)}")
        with DemoServer(out / "site", port=args.port) as server:
            print(f"Serving the Exampleshire demo Local Offer at {server.url}")
            print(f"External partner mock host: {server.external_url}")
            print(f"Answer key: {out / 'answer-key.json'}  (Ctrl-C to stop)", flush=True)
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
