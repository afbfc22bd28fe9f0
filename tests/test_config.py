"""Config validation: every bad input gives one line naming the problem, and exit code 2."""

from __future__ import annotations

import pytest

from localoffer_audit import cli, defaults
from localoffer_audit.config import build_config, config_from_dict, load_config
from localoffer_audit.errors import ConfigError
from localoffer_audit.models import Severity

from support import run_cli

GOOD = """
[site]
name = "Testshire"
start_urls = ["https://www.testshire.gov.uk/localoffer/"]

[crawl]
max_pages = 50
exclude = ["/search\\\\?"]

[audit]
ignore = ["A11Y503"]
[audit.severity]
LNK301 = "warning"

[[owners]]
name = "Health"
contact = "mailto:health@testshire.example"
url_prefixes = ["/localoffer/health/"]

[[owners]]
name = "Local Offer team"
default = true
"""

# (description, TOML text, words the one-line error must contain)
BAD_CONFIGS = [
    ("unknown key", '[site]\nstart_urls=["http://a.example/"]\n[crawl]\nmax_pagez = 3\n',
     "[crawl].max_pagez"),
    ("unknown table", '[site]\nstart_urls=["http://a.example/"]\n[crawler]\nx=1\n', "[crawler]"),
    ("bad regex", '[site]\nstart_urls=["http://a.example/"]\n[crawl]\nexclude = ["(unclosed"]\n',
     "[crawl].exclude"),
    ("non-http start URL", '[site]\nstart_urls=["ftp://a.example/"]\n', "[site].start_urls[0]"),
    ("file start URL", '[site]\nstart_urls=["file:///etc/passwd"]\n', "[site].start_urls[0]"),
    ("URL without host", '[site]\nstart_urls=["http:///path"]\n', "no host"),
    ("no start URLs", '[site]\nname = "x"\n', "[site].start_urls"),
    ("empty start URL list", '[site]\nstart_urls = []\n', "[site].start_urls"),
    ("wrong type", '[site]\nstart_urls=["http://a.example/"]\n[crawl]\nmax_pages = "lots"\n',
     "[crawl].max_pages"),
    ("negative number", '[site]\nstart_urls=["http://a.example/"]\n[crawl]\ndelay = -1\n',
     "[crawl].delay"),
    ("zero concurrency", '[site]\nstart_urls=["http://a.example/"]\n[crawl]\nconcurrency_per_host = 0\n',
     "[crawl].concurrency_per_host"),
    ("boolean as string", '[site]\nstart_urls=["http://a.example/"]\n[crawl]\nobey_robots = "yes"\n',
     "[crawl].obey_robots"),
    ("bad severity", '[site]\nstart_urls=["http://a.example/"]\n[audit.severity]\nLNK301 = "fatal"\n',
     "[audit.severity].LNK301"),
    ("bad fail_on", '[site]\nstart_urls=["http://a.example/"]\n[audit]\nfail_on = "sometimes"\n',
     "[audit].fail_on"),
    ("owner without name", '[site]\nstart_urls=["http://a.example/"]\n[[owners]]\nhosts=["a"]\n',
     "[[owners]] #1.name"),
    ("owner without match", '[site]\nstart_urls=["http://a.example/"]\n[[owners]]\nname="x"\n',
     "[[owners]] #1"),
    ("two default owners", '[site]\nstart_urls=["http://a.example/"]\n[[owners]]\nname="a"\n'
     'default=true\n[[owners]]\nname="b"\ndefault=true\n', "only one owner"),
    ("owner bad regex", '[site]\nstart_urls=["http://a.example/"]\n[[owners]]\nname="a"\n'
     'url_regex=["[z-a]"]\n', "[[owners]] #1.url_regex"),
    ("unknown owner key", '[site]\nstart_urls=["http://a.example/"]\n[[owners]]\nname="a"\n'
     'email="x"\n', "[[owners]] #1.email"),
    ("invalid TOML", '[site\nstart_urls=', "not valid TOML"),
    ("trap option type", '[site]\nstart_urls=["http://a.example/"]\n[crawl.traps]\nmax_per_pattern = 0\n',
     "[crawl.traps].max_per_pattern"),
    ("checks not a table", '[site]\nstart_urls=["http://a.example/"]\n[checks]\nlinks = 3\n',
     "[checks]"),
    ("empty config file", "", "[site].start_urls is required"),
    ("empty site table", "[site]\n", "[site].start_urls is required"),
    ("start URL off allowed_hosts", '[site]\nstart_urls=["http://a.example/"]\n'
     'allowed_hosts=["b.example"]\n', "is not on any of [site].allowed_hosts"),
    ("select and ignore the same rule", '[site]\nstart_urls=["http://a.example/"]\n[audit]\n'
     'select=["LNK301"]\nignore=["LNK301"]\n', "both name 'LNK301'"),
]


@pytest.mark.parametrize("description, text, expected", BAD_CONFIGS,
                         ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_is_one_line_error_with_exit_2(description, text, expected, write_toml, capsys):
    path = write_toml(text)
    code = cli.main(["crawl", str(path), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("localoffer-audit: error: ")
    assert expected in lines[0]


BAD_ARGV = [  # (argv, words the one-line error must contain)
    (["crawl", "not-a-url-or-file"], "neither an http(s) URL nor an existing config file"),
    (["crawl", "http://a.example/", "--max-pages", "0"], "--max-pages"),
    (["crawl", "http://a.example/", "--delay", "-2"], "--delay"),
    (["crawl", "javascript:alert(1)"], "neither an http(s) URL"),
    (["explain", "NOPE999"], "no rule 'NOPE999'"),
    (["check", "latest", "--db", "/nonexistent/x.sqlite"], "store not found"),
]
# Only through the real command: argparse's own errors, and inputs that need a file.
BAD_ARGV_SUBPROCESS = [
    (["crawl", "http://a.example/", "--max-pages", "lots"], "--max-pages: invalid int value"),
    (["audit", "http://a.example/", "--out", "o", "--fail-on", "sometimes"], "--fail-on"),
    (["crawl", "http://a.example/", "--concurrency", "0"], "--concurrency"),
    (["crawl", "ftp://a.example/"], "http"),
    (["crawl", "{toml}", "--config", "{toml}"], "give either a config file or --config"),
    (["crawl"], "give a start URL or a site config file"),
    (["crawl", "http://a.example/", "--resume", "--db", "{tmp}/none.sqlite"],
     "nothing to resume: no store at"),
]
ISSUE_CATEGORIES = {  # the issue's kinds of bad input -> entries of the tables above
    "unknown keys": ["unknown key", "unknown table", "unknown owner key"],
    "wrong types": ["wrong type", "boolean as string", "checks not a table", "--max-pages"],
    "bad regexes": ["bad regex", "owner bad regex"],
    "unreachable start URL": ["unreachable start URL"],
    "non-HTTP start URL": ["non-http start URL", "file start URL", "javascript:alert(1)"],
    "empty site": ["empty config file", "empty site table", "empty start URL list"],
    "contradictory options": ["two default owners", "start URL off allowed_hosts",
                              "select and ignore the same rule", "--config"],
}


@pytest.mark.parametrize("argv, expected", BAD_ARGV)
def test_bad_cli_input_is_one_line_error(argv, expected, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0], err


def test_unknown_rule_in_select_is_reported_when_checking(write_toml, tmp_path, capsys):
    from localoffer_audit.store import Store

    path = write_toml('[site]\nstart_urls=["http://a.example/"]\n[audit]\nselect=["NOPE"]\n')
    config = load_config(path)
    db = tmp_path / "s.sqlite"
    with Store(db) as store:
        run_id = store.begin_run("x", config.start_urls, config.to_dict(), "test")
    assert cli.main(["check", str(run_id), "--db", str(db)]) == 2
    assert "[audit].select entry 'NOPE' matches no rule" in capsys.readouterr().err


def test_argparse_usage_errors_exit_2():
    result = run_cli("audit")  # missing target and --out
    assert result.returncode == 2
    assert "error:" in result.stderr


def test_layers_defaults_toml_env_cli(write_toml):
    path = write_toml(GOOD)
    config = load_config(path, environ={defaults.ENV_MAX_PAGES: "70", defaults.ENV_DELAY: "1.5"},
                         overrides={"crawl": {"delay": 0.0, "concurrency_per_host": None}})
    assert config.crawl["max_pages"] == 70  # env beats TOML (50)
    assert config.crawl["delay"] == 0.0  # CLI beats env
    assert config.crawl["concurrency_per_host"] == defaults.CRAWL_CONCURRENCY_PER_HOST  # default
    assert config.allowed_hosts == ("www.testshire.gov.uk",)
    assert config.severity_overrides == {"LNK301": Severity.WARNING}
    assert config.allowed_networks == ()  # a public site may not reach private addresses


def test_bad_environment_value_names_the_variable(write_toml):
    with pytest.raises(ConfigError, match=defaults.ENV_MAX_PAGES):
        load_config(write_toml(GOOD), environ={defaults.ENV_MAX_PAGES: "many"})


def test_owner_rules_first_match_wins_with_default(write_toml):
    config = load_config(write_toml(GOOD))
    owner_for = config.ownership.owner_for
    assert owner_for("https://www.testshire.gov.uk/localoffer/health/slt") == (
        "Health", "mailto:health@testshire.example")
    assert owner_for("https://www.testshire.gov.uk/localoffer/travel")[0] == "Local Offer team"


def test_loopback_site_may_fetch_loopback(write_toml):
    config = load_config(start_url="http://localhost:8123/")
    assert "127.0.0.0/8" in config.allowed_networks
    assert config.allowed_hosts == ("localhost:8123",)


def test_stored_config_round_trips(write_toml):
    config = load_config(write_toml(GOOD))
    again = config_from_dict(config.to_dict())
    assert again.to_dict() == config.to_dict()
    assert again.ownership == config.ownership


def test_start_url_from_command_line_overrides_toml(write_toml):
    config = build_config({"site": {"start_urls": ["http://a.example/"]}},
                          start_url="https://b.example/x")
    assert config.start_urls == ("https://b.example/x",)


# ---- the same table through the real command (a subprocess each) ------------------------------

def _one_line_exit_2(result, expected: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert "error" in lines[0] and expected in lines[0], lines[0]


@pytest.mark.parametrize("description, text, expected", BAD_CONFIGS,
                         ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_through_the_real_cli(description, text, expected, write_toml, tmp_path):
    _one_line_exit_2(run_cli("audit", str(write_toml(text)), "--out", str(tmp_path / "out"),
                             "--no-progress"), expected)
    assert not (tmp_path / "out").exists()  # nothing written for a config that never ran


@pytest.mark.parametrize("argv, expected", BAD_ARGV + BAD_ARGV_SUBPROCESS)
def test_bad_argv_through_the_real_cli(argv, expected, write_toml, tmp_path):
    toml = write_toml('[site]\nstart_urls=["http://a.example/"]\n')
    argv = [a.format(toml=toml, tmp=tmp_path) for a in argv]
    _one_line_exit_2(run_cli(*argv, cwd=tmp_path), expected)


def test_unreachable_start_url_is_one_line_exit_2(tmp_path):
    import socket

    with socket.socket() as sock:  # a loopback port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_cli("audit", f"http://127.0.0.1:{port}/", "--out", str(tmp_path / "out"),
                     "--no-progress", "--delay", "0")
    _one_line_exit_2(result, f"start URL could not be fetched: http://127.0.0.1:{port}/ "
                             "(connection-refused)")


def test_the_table_covers_every_kind_of_bad_input_in_the_issue():
    named = {c[0] for c in BAD_CONFIGS} | {"unreachable start URL"}
    argv_words = " ".join(" ".join(argv) for argv, _ in BAD_ARGV + BAD_ARGV_SUBPROCESS)
    for category, entries in ISSUE_CATEGORIES.items():
        for entry in entries:
            assert entry in named or entry in argv_words, (category, entry)
    assert len(BAD_CONFIGS) + len(BAD_ARGV) + len(BAD_ARGV_SUBPROCESS) + 1 >= 20
