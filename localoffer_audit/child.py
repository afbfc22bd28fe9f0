"""Run one stage in a child process, so the stages after it start from a small heap.

The crawl allocates bookkeeping for every address it schedules (Scrapy's queues, the spider's
seen and resolved sets, Twisted's buffers). CPython rarely hands freed memory back to the
system, so in one process the check and report stages would stack on top of the crawl's peak.
In a forked child that memory goes back to the system when the child exits.

Fork (not spawn): the child starts with the parent's modules and configuration already loaded
and needs nothing pickled on the way in; only the result (or the exception) comes back, through
a pipe. Everything the child collected is already in the store: it commits in batches.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import traceback
from typing import Any, Callable

from .errors import AuditError


class StageProcessError(AuditError):
    """The child ended without a result (killed, crashed) or raised an error that cannot be
    sent back as it is. One line; the CLI exits 2."""


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


FORWARDED = (signal.SIGINT, signal.SIGTERM)


def run_in_child(what: str, target: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """target(*args, **kwargs) in a forked child; its return value, or its exception re-raised
    here (same type when it can be pickled). `what` names the stage in error messages.

    To the user it is still one process: SIGINT and SIGTERM sent to this one are passed on to
    the child exactly once (it has its own process group, so a terminal's Ctrl-C does not reach
    it twice), which shuts down as it would have here (Scrapy: gracefully) and returns; and if
    this process is killed, the child dies with it (Linux: PR_SET_PDEATHSIG)."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(writer, os.getpid(), target, args, kwargs),
                            name=f"localoffer-audit {what}", daemon=False)
    previous = {sig: signal.getsignal(sig) for sig in FORWARDED}
    child.start()
    writer.close()

    def forward(signum, frame):
        try:
            os.kill(child.pid, signum)
        except ProcessLookupError:
            pass

    for sig in FORWARDED:
        signal.signal(sig, forward)
    try:
        try:
            status, payload = reader.recv()
        except EOFError:  # the child died before sending anything
            status, payload = "died", None
        child.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        reader.close()
    if status == "ok":
        return payload
    if status == "error":
        raise pickle.loads(payload)
    if status == "unpicklable":
        raise StageProcessError(f"the {what} process failed: {payload}")
    code = child.exitcode
    how = (f"was killed by signal {signal.Signals(-code).name}" if code is not None and code < 0
           else f"exited with code {code}")
    raise StageProcessError(f"the {what} process {how} before it finished; everything it "
                            "stored is kept (continue it with --resume)")


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the child outlives a killed parent
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _child_main(writer, parent, target, args, kwargs) -> None:
    _die_with_parent(parent)
    os.setpgid(0, 0)
    for sig in FORWARDED:
        signal.signal(sig, signal.default_int_handler if sig == signal.SIGINT else signal.SIG_DFL)
    try:
        message = ("ok", target(*args, **kwargs))
    except BaseException as exc:  # everything goes back to the parent, which decides
        try:
            message = ("error", pickle.dumps(exc))
            pickle.loads(message[1])  # some exceptions pickle but cannot be rebuilt
        except Exception:
            last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
            where = f" ({last[0].filename}:{last[0].lineno})" if last else ""
            message = ("unpicklable", f"{type(exc).__name__}: {exc}{where}")
    try:
        writer.send(message)
    except Exception as exc:  # the result itself could not be sent
        writer.send(("unpicklable", f"its result could not be sent back: {exc}"))
    finally:
        writer.close()
    # multiprocessing's bootstrap then flushes stdout and stderr and leaves with os._exit:
    # the parent's atexit handlers do not run twice.
