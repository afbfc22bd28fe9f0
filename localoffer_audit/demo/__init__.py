"""Bundled demo Local Offer "Exampleshire": a seeded synthetic site with planted faults.

    key = generate_site(out_dir, pages=300, seed=2014)     # writes out_dir/site/ and out_dir/answer-key.json
    with DemoServer(out_dir / "site") as server:            # serves it on 127.0.0.1
        ...  # audit server.url; off-site links point at server.external_url

The fault families and kinds are documented in ``faults.py``; the answer-key
format in ``generator.build_answer_key``.
"""

from .generator import generate_site, tree_digest
from .server import DemoServer

__all__ = ["DemoServer", "generate_site", "tree_digest"]
