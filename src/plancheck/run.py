"""One owner per run: configuration first, then the pipeline, then policy, then one report.

Each command of the CLI is one function here, taking a typed options object and returning
the exit code (docs/design.md, "Exit codes"). It

1. loads every configuration file the command needs (``setup.load_setup``: settings,
   catalogue, registry, waivers, baseline), so a file that cannot be used stops the run
   before any plan is read;
2. runs the pipeline through the executor and gets a result (``plancheck.results``);
3. applies the policy (``plancheck.policy``): severities, disabled codes, waivers, baseline;
4. hands the result to the reporter of the chosen format and writes the report by the one
   rule every writer follows (``plancheck.output``).

Every way a run can stop early (unusable configuration, an unwritable report, a worker that
died) becomes located lines or one line on stderr and exit 2, here and nowhere else
(``owned``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from plancheck.failures import ConfigError, Refused, RunFailure
from plancheck.options import (
    AuditOptions,
    CheckOptions,
    CompareOptions,
    ValidateOptions,
)
from plancheck.policy import EXIT_ERROR, EXIT_OK
from plancheck.project import Project, default_rules_dir, resolve_plan
from plancheck.reporters.formats import ReportFormat, Show

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from plancheck.cache import Cache
    from plancheck.options import Listing
    from plancheck.output import Writer
    from plancheck.replay import Replay
    from plancheck.reporters.formats import Looks
    from plancheck.results import CheckResult, Progress, ValidationResult
    from plancheck.setup import Setup

O = TypeVar("O")

KEEP_UNTIL_EXIT: list[object] | None = None
"""Results held until the process ends, so that ``process.run_process`` can end it without
freeing them (a list only while it runs a command; commands run in-process, as tests do, hold
nothing)."""


def owned(command: Callable[[O], int]) -> Callable[[O], int]:
    """The one guard every command runs inside: unusable configuration is its located lines
    on stderr, a run that cannot finish or a report that cannot be written one line; exit 2."""
    @functools.wraps(command)
    def run(options: O) -> int:
        from plancheck.output import OutputError

        try:
            return command(options)
        except ConfigError as exc:
            return unusable(exc.findings)
        except (OutputError, Refused) as exc:
            sys.stderr.write(f"plancheck: {exc}\n")
            return EXIT_ERROR
        except RunFailure as exc:
            if debugging():
                raise
            sys.stderr.write(f"plancheck: error: {exc}\n")
            return EXIT_ERROR
        except OSError as exc:  # the file system refused a path the user gave (too long, a loop)
            if debugging() or exc.filename is None:
                raise
            sys.stderr.write(f"plancheck: error: {exc.filename}: {exc.strerror or exc}\n")
            return EXIT_ERROR
    return run


def debugging() -> bool:
    return "--debug" in sys.argv or os.environ.get("PLANCHECK_DEBUG", "") not in ("", "0")


def unusable(problems: list) -> int:
    """Input that cannot be used at all: its located problems on stderr, exit 2."""
    from plancheck.policy import grade
    from plancheck.reporters.plain import render_findings

    sys.stderr.write(render_findings(grade(problems)))
    return EXIT_ERROR


def project() -> Project:
    """The project root this run works in (docs/design.md, "Project root")."""
    try:
        here = os.getcwd()
    except OSError as exc:  # the working folder was removed under the shell
        raise RunFailure(f"the working folder cannot be used ({exc.strerror or exc}); cd into the plan "
                         "repository") from None
    return Project.discover(Path(here))


def setup_of(*args, **kwargs) -> Setup:
    """``setup.load_setup``, imported when a command runs (it brings pydantic)."""
    from plancheck.setup import load_setup

    return load_setup(*args, **kwargs)


def _jobs(jobs: int) -> int:
    from plancheck.executor import default_jobs

    return jobs or default_jobs()


def _watched(listing: Listing, files: int, lang: str) -> AbstractContextManager[Progress]:
    """A bar on standard error when a person watches a long run (``reporters.progress``)."""
    from plancheck.reporters.progress import MIN_FILES, TerminalProgress
    from plancheck.results import UNWATCHED

    if listing.progress and not listing.quiet and files >= MIN_FILES:
        return TerminalProgress(lang)
    return contextlib.nullcontext(UNWATCHED)


def _cache(here: Project, rules: Path, wanted: bool) -> Cache | None:
    """The project's result cache for this catalogue and this plancheck (docs/performance.md, "The cache")."""
    if not wanted:
        return None
    from plancheck.cache import Cache, cache_dir, code_stamp, rules_digest

    return Cache(cache_dir(here.root, here.found), rules_digest(rules) + code_stamp())


def cache_clear() -> int:
    """``plancheck cache clear``: the cache folder removed, or why not (one line, exit 2)."""
    from plancheck.cache import NotACache, cache_dir, clear

    here = project()
    folder = cache_dir(here.root, here.found)
    try:
        removed = clear(folder)
    except (NotACache, OSError) as exc:
        sys.stderr.write(f"plancheck: {exc if isinstance(exc, NotACache) else f'{folder}: {exc.strerror or exc}'}\n")
        return EXIT_ERROR
    sys.stderr.write(f"plancheck: removed {folder} ({removed} entries)\n" if removed else
                     f"plancheck: no cache at {folder}\n")
    return EXIT_OK


def _keep(result: object) -> None:
    if KEEP_UNTIL_EXIT is not None:
        KEEP_UNTIL_EXIT.append(result)


# ---------------------------------------------------------------- validate, audit


@owned
def validate(options: ValidateOptions) -> int:
    from plancheck.discovery import discover
    from plancheck.output import print_report
    from plancheck.replay import copying, replay_for

    here = project()
    rules = options.rules or default_rules_dir(here.rules)
    files, problems = discover(options.paths or [here.plans])
    cache = _cache(here, rules, options.cache)
    replay = replay_for(cache, "validate", options, files, problems, [*here.settings_files], [])
    if replay is not None and (stored := replay.stored()) is not None:
        return stored.give_out(print_report)
    from plancheck import executor

    setup = setup_of(here, rules, options.fail_on, catalog_when_needed=options.cache)
    with _watched(options.listing, len(files), options.lang.value) as progress:
        result = executor.validate(files, problems, lambda: setup.catalog, _jobs(options.jobs), keep_plans=False,
                                   progress=progress, cache=cache, digests=replay and replay.digests)
    result.findings = setup.policy.apply(result.findings)
    text = options.output_format is ReportFormat.text
    with copying(replay):
        if not (text and options.listing.quiet):
            _print_findings(result.findings, options.output_format, options.lang.value, options.listing.show, replay)
        return _finish(setup, result, text=text, lang=options.lang.value, show=options.listing.show, replay=replay)


@owned
def audit(options: AuditOptions) -> int:
    from plancheck.pipeline import audit_file
    from plancheck.reporters.plain import render_audit_summary
    from plancheck.results import AuditResult

    here = project()
    setup = setup_of(here, options.rules, options.fail_on)
    plans_dir = options.plans_dir or here.plans
    result = AuditResult(files=len(options.plans))
    for arg in options.plans:
        result.findings += setup.policy.apply(audit_file(resolve_plan(arg, plans_dir), setup.catalog))
    _print_findings(result.findings, options.output_format, options.lang.value)
    if options.output_format is ReportFormat.text:
        sys.stderr.write(render_audit_summary(result.findings, options.lang.value))
    return setup.policy.exit_code(result.findings, result.has_load_errors)


def _print_findings(findings: list, output_format: ReportFormat, lang: str, show: Show = Show.all,
                    replay: Replay | None = None) -> None:
    from plancheck.output import print_report
    from plancheck.reporters.dispatch import render_findings

    document = render_findings(findings, output_format, None, lang=lang, show=show)
    print_report(document if replay is None else replay.record(document))


def _finish(setup: Setup, result: ValidationResult, *, text: bool, lang: str = "en", show: Show = Show.all,
            replay: Replay | None = None) -> int:
    """After a validation or check report: the summary line on stderr, and the exit code; the
    run kept for replaying (``replay``)."""
    summary = ""
    if text:
        from plancheck.reporters.plain import render_summary

        summary = render_summary(result.files, result.findings, setup.policy.fail_level, lang, show)
        sys.stderr.write(summary)
    _keep(result)
    code = setup.policy.exit_code(result.findings, result.has_load_errors)
    if replay is not None:
        replay.keep(code, summary, result)
    return code


# ---------------------------------------------------------------- compare


@owned
def compare(options: CompareOptions) -> int:
    from plancheck.output import Writer, distinct
    from plancheck.pipeline import compare_files
    from plancheck.reporters.dispatch import render_comparison, render_load_errors

    report = options.report
    distinct(output=report.output, summary=report.summary)
    here = project()
    setup = setup_of(here, options.rules, options.fail_on, waivers=True, waivers_file=options.waivers, registry=True)
    plans = options.plans_dir or here.plans
    lower_path, upper_path = resolve_plan(options.lower, plans), resolve_plan(options.upper, plans)
    writer = Writer(here, plan_files=[lower_path, upper_path], plan_folders=[plans], rules=setup.rules_dir,
                    files=[setup.waivers_file])
    result = compare_files(lower_path, upper_path, setup.catalog, setup.registry, plans)
    comparison = result.comparison
    if comparison is None:
        unusable(result.problems)
        document = render_load_errors(result.problems, report.output_format, setup.policy.fail_level)
        if document is not None:  # a machine reads the load errors where it reads the report
            writer.emit(document, report.output)
        return EXIT_ERROR
    # compare sees one pair, so it judges no waiver unused; an expired one it applies is reported
    findings = setup.policy.apply(comparison.findings, judged=set())
    comparison.findings = [f for f in findings if f.row is not None]
    comparison.notes = [f for f in findings if f.row is None]
    if not comparison.upper_is_ancestor:
        sys.stderr.write(f"plancheck: note: {comparison.upper.id} is not above {comparison.lower.id} in the "
                         "hierarchy (jurisdiction.parent and rules/jurisdictions.yaml); comparing as asked\n")
    tty = report.output is None and sys.stdout.isatty()
    fail_level = setup.policy.fail_level
    looks = report.looks()
    writer.emit(render_comparison(comparison, setup.catalog, report.output_format, fail_level, looks,
                                  width=None if tty else 140, color=report.color), report.output)
    if report.summary is not None:
        writer.emit(render_comparison(comparison, setup.catalog, ReportFormat.markdown, fail_level, looks),
                    report.summary, append=True)
    return setup.policy.exit_code(comparison.findings + comparison.notes, load_errors=False)


# ---------------------------------------------------------------- check


@owned
def check(options: CheckOptions) -> int:
    """Plan FILES named on the command line are checked with everything they need: the plans
    folder is read too, so each file is compared with its ancestor and its children with it,
    and the report covers that family (docs/design.md, "Checking one file")."""
    from plancheck import executor
    from plancheck.discovery import discover
    from plancheck.output import Writer, distinct
    from plancheck.pipeline import relatives_of
    from plancheck.replay import copying, expiry, replay_for
    from plancheck.reporters.dispatch import render_check
    from plancheck.vcs import focus_files

    report = options.report
    distinct(output=report.output, summary=report.summary, baseline_create=options.baseline_create)
    here = project()
    plans = options.plans_dir or here.plans
    given = list(options.paths)
    focus = focus_files(given, options.with_relatives, options.changed_only, plans)
    inputs = given or [plans]
    if focus is not None and plans.is_dir():
        inputs = [plans, *given]
    shows_pairs = report.output_format.value in ("markdown", "html", "pdf") or report.summary is not None
    files, problems = discover(inputs)
    rules, waivers = options.rules or default_rules_dir(here.rules), options.waivers or here.waivers
    cache = None if shows_pairs else _cache(here, rules, options.cache)
    writer = functools.partial(Writer, here, plan_files=[p for p in inputs if not p.is_dir()],
                               plan_folders=[plans, *(p for p in inputs if p.is_dir())], rules=rules,
                               files=[waivers, *(p for p in (options.baseline,) if p is not None)])
    replay = None
    if focus is None and options.baseline_create is None:  # a family, or a baseline made, is not replayed
        replay = replay_for(cache, "check", options, files, problems,
                            [*here.settings_files, waivers, options.baseline], [repr(report.looks()), expiry(waivers)])
        if replay is not None and (stored := replay.stored()) is not None:
            return stored.give_out(functools.partial(writer(known_sources=stored.known_sources).emit,
                                                     output=report.output))
    setup = setup_of(here, rules, options.fail_on, waivers=True, waivers_file=waivers,
                     registry=True, baseline=options.baseline)
    if focus is not None:  # only the family is read and compared: the rest is not reported on
        from plancheck.hierarchy import family_files

        files = family_files(files, focus, setup.registry)
    with _watched(report.listing, len(files), report.lang.value) as progress:
        result = executor.check(files, problems, setup.catalog, setup.registry, _jobs(options.jobs),
                                keep_plans=shows_pairs, progress=progress, cache=cache,
                                digests=replay and replay.digests)
    if focus is not None:
        result = relatives_of(result, focus, setup.registry)
    # A full check judges every waiver (one for a plan that no longer exists matches nothing);
    # a check of a family judges the waivers of that family only.
    judged = {h.id for h in result.headers} if focus is not None else None
    writer = writer(known_sources={os.path.abspath(h.path): h.sources for h in result.headers})
    if options.baseline_create is not None:
        from plancheck.baseline import is_baseline, render_baseline

        result.findings = replace(setup.policy, baseline=None).apply(result.findings, judged)
        # a baseline is refreshed by naming it: --baseline-create may replace a file that is one
        refreshed = options.baseline_create if is_baseline(options.baseline_create) else None
        writer.emit(render_baseline(result.findings), options.baseline_create, may_replace=refreshed)
        sys.stderr.write(f"plancheck: {len(result.findings)} findings recorded in {options.baseline_create}\n")
        _keep(result)
        return EXIT_ERROR if result.has_load_errors else EXIT_OK
    result.findings = setup.policy.apply(result.findings, judged)
    fail_level = setup.policy.fail_level
    looks = report.looks()
    text = report.output_format is ReportFormat.text
    with copying(replay):
        if report.output_format is ReportFormat.html:
            _emit_html_check(writer, result, setup, looks, report.output)
        elif not (text and report.listing.quiet):
            document = render_check(result, setup.catalog, report.output_format, fail_level, looks)
            writer.emit(document if replay is None else replay.record(document), report.output)
        if report.summary is not None:
            writer.emit(render_check(result, setup.catalog, ReportFormat.markdown, fail_level, looks),
                        report.summary, append=True)
        return _finish(setup, result, text=text, lang=report.lang.value, show=report.listing.show, replay=replay)



def _emit_html_check(writer: Writer, result: CheckResult, setup: Setup, looks: Looks, output: Path | None) -> None:
    """One page, or an index and a page per compared plan when ``-o`` names an existing folder
    or the plans are many; many on standard output are refused: one page
    for the whole country is too big to open (docs/design.md, "Report formats")."""
    from plancheck.reporters.dispatch import render_check
    from plancheck.reporters.html import SPLIT_ABOVE, PageLayout

    compared, fail_level = len(result.comparisons()), setup.policy.fail_level
    folder_named = output is not None and output.is_dir()
    if output is None and compared > SPLIT_ABOVE:
        raise Refused(f"a check of {compared} compared plans is an index and a page per plan: "
                      "write it with -o FOLDER (or -o report.html, with its pages beside it)")
    if not folder_named and (output is None or compared <= SPLIT_ABOVE):
        writer.emit(render_check(result, setup.catalog, ReportFormat.html, fail_level, looks), output)
        return
    folder, layout = (output, PageLayout()) if folder_named else \
        (output.parent, PageLayout(index=output.name, pages=f"{output.stem}_pages"))
    pages = render_check(result, setup.catalog, ReportFormat.html, fail_level, looks, layout=layout)
    assert isinstance(pages, dict)
    (folder / layout.pages).mkdir(parents=True, exist_ok=True)
    for name, page in pages.items():
        writer.emit(page, folder / name)
