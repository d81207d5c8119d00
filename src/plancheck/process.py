"""The process around one command: its streams, its garbage collector, and how it ends.

Every failure becomes a one-line message and an exit code (docs/design.md, "Exit codes"):
a usage error typer reports, a signal while a report is written (128 + signal), a closed
pipe, or a bug (an internal error, with ``--debug`` for the traceback).
"""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn

import typer

from plancheck.policy import EXIT_ERROR, EXIT_OK


def _click_exception_type() -> type[Exception]:
    """The ClickException class, whether typer uses click or its vendored copy."""
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == "ClickException":
            return cls
    return Exception  # pragma: no cover


def run_process(app: typer.Typer, argv: list[str] | None = None) -> NoReturn:
    """Run the command line ``app`` as this process: every failure becomes a one-line message
    and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        # A file name that is not UTF-8 (kept by Python as surrogate escapes) is shown as \udcNN
        # instead of ending the run with an encoding error.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    from plancheck import run
    from plancheck.failures import Interrupted, signal_name

    debug = "--debug" in args or run.debugging()
    click_exception = _click_exception_type()
    run.KEEP_UNTIL_EXIT = []
    # One run is one batch whose plans, findings and reports hold no reference cycles: the
    # cyclic collector would only rescan the millions of objects a national check holds while
    # its report is written, and free nothing. The pipeline pauses it the same way for its own
    # bulk work when called in-process.
    gc.disable()
    try:
        code = app(args=args, prog_name="plancheck", standalone_mode=False)
    except click_exception as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.stdout.write(exc.format_message() + "\n")  # type: ignore[attr-defined]
            code = EXIT_ERROR
        else:
            command = getattr(getattr(exc, "ctx", None), "command_path", "plancheck")
            sys.stderr.write(f"plancheck: error: {exc.format_message()} "  # type: ignore[attr-defined]
                             f"(see '{command} --help')\n")
            code = getattr(exc, "exit_code", EXIT_ERROR)
    except Interrupted as exc:
        sys.stderr.write(f"plancheck: interrupted by {signal_name(exc.signum)}; no report was left half-written\n")
        code = 128 + exc.signum
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        sys.stderr.close()
        code = EXIT_OK
    except Exception as exc:
        if debug:
            raise
        sys.stderr.write(f"plancheck: internal error: {type(exc).__name__}: {exc} "
                         "(this is a bug; run with --debug for the traceback)\n")
        code = EXIT_ERROR
    code = code if isinstance(code, int) else EXIT_OK
    if run.KEEP_UNTIL_EXIT and not _watched():
        _exit_without_teardown(code)
    sys.exit(code)


def _watched() -> bool:
    """A profiler or a tracer runs this process (``python -m cProfile -o FILE -m plancheck …``,
    coverage): it writes its results as the interpreter ends, so the run ends the ordinary way."""
    return sys.getprofile() is not None or sys.gettrace() is not None


def _exit_without_teardown(code: int) -> NoReturn:
    """End the process without freeing a run's objects one by one: after a national check that
    takes longer than writing its report (mypy ends the same way). Reports are complete and
    closed by now; only Python's own stdout and stderr buffers need flushing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe, or a stream already closed
            pass
    os._exit(code)
