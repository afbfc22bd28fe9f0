"""`localoffer-audit demo`: generate the Exampleshire demo site, serve it on loopback, audit it."""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

from .config import load_config

DEMO_CONFIG = "exampleshire.toml"


def demo_config_path() -> Path:
    return Path(str(resources.files("localoffer_audit").joinpath("sites", DEMO_CONFIG)))


def run_demo(args) -> int:
    from rich.console import Console

    from . import cli
    from .demo import DemoServer, generate_site
    from .store import Store

    console = Console(stderr=True)
    out = Path(args.out)
    site_root = out / "demo-site"
    console.print(f"Generating the Exampleshire demo Local Offer ({args.pages} pages) in {site_root}",
                  highlight=False)
    generate_site(site_root, pages=args.pages)
    with DemoServer(site_root / "site", port=args.port if args.serve_only else 0) as server:
        console.print(f"Serving it at {server.url} (loopback only)", highlight=False)
        if args.serve_only:
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return cli.EXIT_OK
        config = load_config(demo_config_path(), start_url=server.url)
        db = out / "localoffer-audit.sqlite"
        args.verbose = getattr(args, "verbose", False)
        run_id = cli.do_crawl(config, db, args)
        with Store(db) as store:
            cli.do_check(store, run_id, config, Console(), progress=not args.no_progress)
            data, written = cli.do_report(store, run_id, out)
    cli.print_summary(Console(), data, written)
    print((out / "report.html").resolve())
    return cli.EXIT_OK
