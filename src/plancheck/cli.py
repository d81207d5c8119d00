"""The command line: parse options, call the engine, pick a reporter, exit.

Nothing here decides what is right or wrong about a plan, and nothing here
formats a finding; both live elsewhere so the CLI stays a thin shell.
Exit codes (docs/design.md, "Exit codes"): 0 clean, 1 findings at or above the fail
level, 2 usage, configuration or load errors.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, get_args

import typer

from plancheck import __version__
from plancheck.reporters.formats import Language, ReportFormat

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="plancheck",
    help="Check that lower-level carbon-peaking plans are at least as strict as the plans above them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"plancheck {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show Python tracebacks (for developers).",
                                        envvar="PLANCHECK_DEBUG")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Check that lower-level carbon-peaking plans are at least as strict as the plans above them."""


PathsArgument = Annotated[list[Path] | None, typer.Argument(
    help="Plan files or folders (default: plans/).", show_default=False)]
FormatOption = Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")]
RulesOption = Annotated[Path | None, typer.Option(
    "--rules", help="Folder with the indicator catalogue (default: ./rules if present, else the bundled one).",
    file_okay=False)]
FailOnOption = Annotated[str | None, typer.Option(
    "--fail-on", help="Exit 1 when a finding is at or above this severity: info, warning or error; "
                      "never: report only (default: from settings, else error).", show_default=False)]


def _config(load, *args):
    """Run a configuration loader; its errors become located lines on stderr and exit 2."""
    from plancheck.catalog import ConfigError

    try:
        return load(*args)
    except ConfigError as exc:
        _unusable(exc.findings)


def _unusable(problems: list) -> NoReturn:
    """Input that cannot be used at all: its located problems on stderr, exit 2."""
    from plancheck.reporters.plain import render_findings

    sys.stderr.write(render_findings(problems))
    raise typer.Exit(EXIT_ERROR)


def _settings(rules: Path | None):  # -> Settings
    from plancheck.catalog import default_rules_dir
    from plancheck.config import load_settings

    return _config(load_settings, rules if rules is not None else default_rules_dir())


JobsOption = Annotated[int, typer.Option(
    "--jobs", "-j", help="Processes that read and compare plan files; 0 (default) uses every available core "
                         "when there are 64 files or more. The output is the same as with 1.", min=0)]


def _jobs(jobs: int) -> int:
    from plancheck.engine import default_jobs

    return jobs or default_jobs()


WaiversOption = Annotated[Path, typer.Option(
    "--waivers", help="Waiver file; used when it exists.", dir_okay=False)]


def _waive(findings: list, path: Path) -> list:
    from plancheck.waivers import apply_waivers, load_waivers, today

    return apply_waivers(findings, _config(load_waivers, path), today())


def _setup(rules: Path | None, fail_on: str | None):  # -> (Settings, Severity, Catalog)
    settings = _settings(rules)
    return settings, _fail_level(fail_on, settings), _catalog(rules)


def _fail_level(text: str | None, settings):  # -> Severity; the command line wins over settings
    from plancheck.findings import parse_fail_level

    if text is None:
        return settings.fail_on
    try:
        return parse_fail_level(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--fail-on") from None


def _catalog(rules: Path | None):  # -> Catalog
    from plancheck.catalog import load_catalog

    return _config(load_catalog, rules)


@app.command()
def validate(
    paths: PathsArgument = None,
    output_format: FormatOption = TextOrJson.text,
    rules: RulesOption = None,
    fail_on: FailOnOption = None,
    jobs: JobsOption = 0,
) -> None:
    """Check plan files against the schema: keys, types, references and quotes."""
    from plancheck.engine import validate as run_validation

    settings, fail_level, catalog = _setup(rules, fail_on)
    result = run_validation(paths or [Path("plans")], catalog, _jobs(jobs), keep_plans=False)
    result.findings = settings.apply(result.findings)
    _write_findings(result.findings, output_format)
    _finish(result, fail_level, text=output_format is TextOrJson.text)


PlansOption = Annotated[Path, typer.Option("--plans", help="Folder where plan ids are looked up.", file_okay=False)]


@app.command()
def audit(
    plans: Annotated[list[str], typer.Argument(help="Plan ids (looked up in --plans) or plan files.",
                                               show_default=False)],
    plans_dir: PlansOption = Path("plans"),
    output_format: FormatOption = TextOrJson.text,
    rules: RulesOption = None,
) -> None:
    """List target-like numbers in a plan's source texts that no target or skipped entry quotes."""
    from plancheck.engine import audit as run_audit
    from plancheck.engine import resolve_plan

    catalog = _catalog(rules)
    findings = []
    load_errors = False
    for arg in plans:
        result = run_audit(resolve_plan(arg, plans_dir), catalog)
        findings += result.findings
        load_errors = load_errors or result.has_load_errors
    _write_findings(findings, output_format)
    if output_format is TextOrJson.text:
        sys.stderr.write(f"plancheck: {len(findings)} unexplained sentence{'s' if len(findings) != 1 else ''}\n")
    raise typer.Exit(EXIT_ERROR if load_errors else (EXIT_FINDINGS if findings else EXIT_OK))


ReportFormatOption = Annotated[ReportFormat, typer.Option(
    "--format", "-f", help="Output format: text (terminal), json, markdown, html, sarif, junit or github.")]
LangOption = Annotated[Language, typer.Option(
    "--lang", help="Language of the human-readable formats (text, markdown, html).")]
OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write the report to this file instead of standard output.", dir_okay=False,
    show_default=False)]
SummaryOption = Annotated[Path | None, typer.Option(
    "--summary", help="Also append the Markdown report to this file, e.g. $GITHUB_STEP_SUMMARY.",
    dir_okay=False, show_default=False)]


@app.command()
def compare(
    lower: Annotated[str, typer.Argument(help="The lower plan: a jurisdiction id or a plan file.")],
    upper: Annotated[str, typer.Argument(help="The upper plan it must be at least as strict as.")],
    plans_dir: PlansOption = Path("plans"),
    output_format: ReportFormatOption = ReportFormat.text,
    lang: LangOption = Language.zh,
    output: OutputOption = None,
    summary: SummaryOption = None,
    rules: RulesOption = None,
    fail_on: FailOnOption = None,
    waivers: WaiversOption = Path("waivers.yaml"),
) -> None:
    """Compare two plans target by target: stricter, equal, weaker, missing, ..."""
    from plancheck.engine import compare as run_compare
    from plancheck.engine import resolve_plan
    from plancheck.findings import exit_code_for
    from plancheck.reporters.dispatch import render_comparison

    settings, fail_level, catalog = _setup(rules, fail_on)
    lower_path, upper_path = resolve_plan(lower, plans_dir), resolve_plan(upper, plans_dir)
    comparison, problems = run_compare(lower_path, upper_path, catalog, rules)
    if comparison is None:
        _unusable(problems)
    comparison.findings = _waive(settings.apply(comparison.findings), waivers)
    if not comparison.upper_is_ancestor:
        sys.stderr.write(f"plancheck: note: {comparison.upper.id} is not above {comparison.lower.id} in the "
                         "hierarchy (jurisdiction.parent and rules/jurisdictions.yaml); comparing as asked\n")
    inputs = lambda: _inputs([comparison.lower.header, comparison.upper.header], rules, waivers)  # noqa: E731
    tty = output is None and sys.stdout.isatty()
    _emit(render_comparison(comparison, catalog, output_format, lang, fail_level,
                            width=None if tty else 140, color=tty), output, inputs)
    if summary is not None:
        _emit(render_comparison(comparison, catalog, ReportFormat.markdown, lang, fail_level), summary, inputs,
              append=True)
    raise typer.Exit(exit_code_for(comparison.findings, fail_level))


def _inputs(headers: list, rules: Path | None, waivers: Path) -> list[Path]:
    """Files this run reads (``headers``: the plans', ``engine.PlanHeader``); a report is
    never written over one of them."""
    from plancheck.catalog import default_rules_dir

    paths = [waivers]
    rules_dir = rules if rules is not None else default_rules_dir()
    if rules_dir.is_dir():
        paths.extend(rules_dir.iterdir())
    for header in headers:
        paths.append(header.path)
        paths.extend(header.sources)
    return paths


def _emit(text, output: Path | None, inputs: Callable[[], list[Path]], append: bool = False) -> None:
    """Print ``text`` (a string or lines), or write it to ``output`` unless that is one of the
    run's ``inputs``; they are listed only when a file is written (a national run reads
    thousands of plans and sources)."""
    if output is None:
        if isinstance(text, str):
            sys.stdout.write(text)
        else:
            sys.stdout.writelines(text)
        return
    from plancheck.output import OutputError, write_report

    try:
        write_report(output, text, inputs(), append=append)
    except OutputError as exc:
        sys.stderr.write(f"plancheck: {exc}\n")
        raise typer.Exit(EXIT_ERROR) from None


def _write_findings(findings: list, output_format: TextOrJson) -> None:
    from plancheck.reporters.dispatch import render_findings

    _emit(render_findings(findings, ReportFormat(output_format.value), None), None, list)


_KEEP_UNTIL_EXIT: list[object] | None = None
"""Results held until the process ends, so that ``main`` can end it without freeing them
(a list only while ``main`` runs the command; commands called in-process hold nothing)."""


def _finish(result, fail_level, *, text: bool) -> NoReturn:
    """After a validation or check result is printed: the summary line, and the exit code docs/design.md fixes ("Exit codes")."""
    from plancheck.findings import exit_code_for

    if text:
        from plancheck.reporters.plain import render_summary

        sys.stderr.write(render_summary(result.files, result.findings, fail_level))
    if _KEEP_UNTIL_EXIT is not None:
        _KEEP_UNTIL_EXIT.append(result)
    raise typer.Exit(EXIT_ERROR if result.has_load_errors else exit_code_for(result.findings, fail_level))


BaselineOption = Annotated[Path | None, typer.Option(
    "--baseline", help="Findings recorded in this baseline are shown as existing and do not fail the run.",
    dir_okay=False, show_default=False)]
BaselineCreateOption = Annotated[Path | None, typer.Option(
    "--baseline-create", help="Record today's findings (by plan, code, indicator, year) in this file.",
    dir_okay=False, show_default=False)]


@app.command()
def check(
    paths: PathsArgument = None,
    output_format: ReportFormatOption = ReportFormat.text,
    lang: LangOption = Language.zh,
    output: OutputOption = None,
    summary: SummaryOption = None,
    rules: RulesOption = None,
    fail_on: FailOnOption = None,
    waivers: WaiversOption = Path("waivers.yaml"),
    baseline: BaselineOption = None,
    baseline_create: BaselineCreateOption = None,
    with_relatives: Annotated[bool, typer.Option(
        "--with-relatives", help="Check the whole --plans folder but report on PATHS and the plans above "
                                 "and below them (used by the pre-commit hook).")] = False,
    changed_only: Annotated[str | None, typer.Option(
        "--changed-only", help="Report on the plans changed since this git ref (and not yet committed), "
                               "with the plans above and below them.", show_default=False)] = None,
    plans_dir: PlansOption = Path("plans"),
    jobs: JobsOption = 0,
) -> None:
    """Check every plan: schema, quotes, internal consistency, and against its nearest ancestor."""
    from plancheck.engine import check as run_check
    from plancheck.engine import restrict_to_relatives
    from plancheck.reporters.dispatch import render_check

    settings, fail_level, catalog = _setup(rules, fail_on)
    focus = _focus(paths, with_relatives, changed_only, plans_dir)
    shows_pairs = output_format in (ReportFormat.markdown, ReportFormat.html) or summary is not None
    result = run_check([plans_dir] if focus is not None else (paths or [plans_dir]), catalog, rules, _jobs(jobs),
                       keep_plans=shows_pairs)
    if focus is not None:
        result = restrict_to_relatives(result, focus, rules)
    result.findings = _waive(settings.apply(result.findings), waivers)
    inputs = lambda: _inputs(result.headers, rules, waivers) + [p for p in (baseline,) if p is not None]  # noqa: E731
    if baseline_create is not None:
        from plancheck.baseline import render_baseline

        _emit(render_baseline(result.findings), baseline_create, inputs)
        sys.stderr.write(f"plancheck: {len(result.findings)} findings recorded in {baseline_create}\n")
        raise typer.Exit(EXIT_ERROR if result.has_load_errors else EXIT_OK)
    if baseline is not None:
        from plancheck.baseline import apply_baseline, load_baseline

        result.findings = apply_baseline(result.findings, _config(load_baseline, baseline))
    _emit(render_check(result, catalog, output_format, lang, fail_level), output, inputs)
    if summary is not None:
        _emit(render_check(result, catalog, ReportFormat.markdown, lang, fail_level), summary, inputs, append=True)
    _finish(result, fail_level, text=output_format is ReportFormat.text)


def _focus(paths: list[Path] | None, with_relatives: bool, changed_only: str | None,
           plans_dir: Path) -> list[Path] | None:
    """The plan files a run reports on, or None for every plan under PATHS."""
    if changed_only is not None:
        from plancheck.vcs import VcsError, changed_files

        try:
            changed = changed_files(changed_only, plans_dir)
        except VcsError as exc:
            sys.stderr.write(f"plancheck: --changed-only {changed_only}: {exc}\n")
            raise typer.Exit(EXIT_ERROR) from None
        return [p for p in changed if p.suffix in (".yaml", ".yml")]
    if with_relatives:
        if not paths:
            raise typer.BadParameter("name the plan files to report on", param_hint="--with-relatives")
        return list(paths)
    return None


@app.command()
def schema(
    output: OutputOption = None,
    rules: RulesOption = None,
) -> None:
    """Print the JSON Schema of a plan file (for editors: completion and inline errors)."""
    from plancheck.plan_schema import render_schema

    _emit(render_schema(_catalog(rules)), output, list)


@app.command()
def scaffold(
    upper: Annotated[list[str], typer.Option("--from", help="Upper plan(s) to start from: ids or files.",
                                             show_default=False)],
    level: Annotated[str, typer.Option("--level", help="Level of the new plan: city, county, district or new_area.",
                                       show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="The draft plan file to create.", dir_okay=False,
                                         show_default=False)],
    plan_id: Annotated[str, typer.Option("--id", help="Jurisdiction id of the draft.")] = "draft",
    name: Annotated[str, typer.Option("--name", help="Official name, e.g. 某某县.")] = "某地",
    parent: Annotated[str | None, typer.Option("--parent", help="Parent jurisdiction (default: the first --from).",
                                               show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")] = False,
    plans_dir: PlansOption = Path("plans"),
    rules: RulesOption = None,
) -> None:
    """Start a draft plan from every upper target that binds the given level, values left to fill in."""
    from plancheck.engine import load_plan, resolve_plan
    from plancheck.models import Level
    from plancheck.scaffold import scaffold_text

    if level not in get_args(Level):
        raise typer.BadParameter(f"unknown level {level!r} (expected one of: {', '.join(get_args(Level))})",
                                 param_hint="--level")
    catalog = _catalog(rules)
    uppers = []
    for arg in upper:
        loaded, problems = load_plan(resolve_plan(arg, plans_dir), catalog)
        if loaded is None:
            _unusable(problems)
        uppers.append(loaded)
    if output.exists() and not force:
        sys.stderr.write(f"plancheck: {output} exists; use --force to overwrite it\n")
        raise typer.Exit(EXIT_ERROR)
    text = scaffold_text(uppers, catalog, level=level, plan_id=plan_id, name=name, parent=parent or uppers[0].id)
    _emit(text, output, lambda: _inputs([u.header for u in uppers], rules, Path("waivers.yaml")))


@app.command()
def indicators(
    output_format: FormatOption = TextOrJson.text,
    rules: RulesOption = None,
) -> None:
    """List the indicator catalogue: id, names, unit, direction and binding."""
    catalog = _catalog(rules)
    if output_format is TextOrJson.json:
        from plancheck.reporters.json import dumps

        sys.stdout.write(dumps({"schema_version": 1, "indicators": [
            i.model_dump() for i in catalog.indicators.values()]}))
        return
    from plancheck.reporters.plain import sanitize

    for i in catalog.indicators.values():
        better = "higher is stricter" if i.direction == "higher" else "lower is stricter"
        sys.stdout.write(f"{i.id}\t{sanitize(i.name_zh)}\t{sanitize(i.name_en)}\t{i.unit or '-'}\t{better}\t{i.binding}\n")


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A diagnostic code such as PC012.")]) -> None:
    """Print the documentation of a diagnostic code."""
    from plancheck.codes import all_codes, lookup

    doc = lookup(code)
    if doc is None:
        known = ", ".join(sorted(all_codes()))
        raise typer.BadParameter(f"unknown code {code!r}; known codes: {known}", param_hint="CODE")
    sys.stdout.write(f"{doc.code} {doc.name} (default severity: {doc.severity.value})\n\n"
                     f"{doc.summary}\n\n{doc.doc}\n")


def _click_exception_type() -> type[Exception]:
    """The ClickException class, whether typer uses click or its vendored copy."""
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == "ClickException":
            return cls
    return Exception  # pragma: no cover


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point: turns every failure into a one-line message and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("PLANCHECK_DEBUG", "") not in ("", "0")
    click_exception = _click_exception_type()
    global _KEEP_UNTIL_EXIT
    _KEEP_UNTIL_EXIT = []
    # One run is one batch whose plans, findings and reports hold no reference cycles: the
    # cyclic collector would only rescan the millions of objects a national check holds while
    # its report is written (0.4-0.9 s measured) and free nothing. The engine pauses it the same
    # way for its own bulk work when called in-process.
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
    if _KEEP_UNTIL_EXIT:
        _exit_without_teardown(code)
    sys.exit(code)


def _exit_without_teardown(code: int) -> NoReturn:
    """End the process without freeing a run's objects one by one: after a national check that
    takes longer than writing its report (0.4 s; mypy ends the same way). Reports are complete
    and closed by now; only Python's own stdout and stderr buffers need flushing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe, or a stream already closed
            pass
    os._exit(code)
