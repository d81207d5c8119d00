"""The command line: parse options, call the engine, pick a reporter, exit.

Nothing here decides what is right or wrong about a plan, and nothing here
formats a finding; both live elsewhere so the CLI stays a thin shell.
Exit codes (docs/design.md, "Exit codes"): 0 clean, 1 findings at or above the fail
level, 2 usage, configuration or load errors.
"""

from __future__ import annotations

import functools
import gc
import os
import re
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
    help="Plan files or folders (default: plans/ at the project root).", show_default=False)]
FormatOption = Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")]
RulesOption = Annotated[Path | None, typer.Option(
    "--rules", help="Folder with the indicator catalogue (default: rules/ at the project root if present, "
                    "else the bundled one).", file_okay=False)]
FailOnOption = Annotated[str | None, typer.Option(
    "--fail-on", help="Exit 1 when a finding is at or above this severity: info, warning or error; "
                      "never: report only (default: from settings, else error).", show_default=False)]


def _guarded(command: Callable[..., None]) -> Callable[..., None]:
    """Every command runs inside this one guard: a configuration file that cannot be used
    (settings, rules, registry, waivers, baseline; read wherever the run needs it) or a run
    that cannot finish (a worker process died) is its located lines on stderr and exit 2."""
    @functools.wraps(command)
    def run(*args, **kwargs) -> None:
        from plancheck.failures import ConfigError, RunFailure

        try:
            command(*args, **kwargs)
        except ConfigError as exc:
            _unusable(exc.findings)
        except RunFailure as exc:
            if _debug():
                raise
            sys.stderr.write(f"plancheck: error: {exc}\n")
            raise typer.Exit(EXIT_ERROR) from None
        except OSError as exc:  # the file system refused a path the user gave (too long, a loop)
            if _debug() or exc.filename is None:
                raise
            sys.stderr.write(f"plancheck: error: {exc.filename}: {exc.strerror or exc}\n")
            raise typer.Exit(EXIT_ERROR) from None
    return run


def _debug() -> bool:
    return "--debug" in sys.argv or os.environ.get("PLANCHECK_DEBUG", "") not in ("", "0")


def _config(load, *args):
    """Run a configuration loader; its errors become located lines on stderr and exit 2."""
    from plancheck.failures import ConfigError

    try:
        return load(*args)
    except ConfigError as exc:
        _unusable(exc.findings)


def _unusable(problems: list) -> NoReturn:
    """Input that cannot be used at all: its located problems on stderr, exit 2."""
    from plancheck.reporters.plain import render_findings

    sys.stderr.write(render_findings(problems))
    raise typer.Exit(EXIT_ERROR)


def _project():  # -> Project
    """The project root this run works in (found once; docs/design.md, "Project root")."""
    global _PROJECT
    try:
        here = os.getcwd()
    except OSError as exc:  # the working folder was removed under the shell
        sys.stderr.write(f"plancheck: error: the working folder cannot be used ({exc.strerror or exc}); "
                         "cd into the plan repository\n")
        raise typer.Exit(EXIT_ERROR) from None
    if _PROJECT is None or _PROJECT[0] != here:
        from plancheck.project import Project

        _PROJECT = (here, Project.discover(Path(here)))
    return _PROJECT[1]


_PROJECT: tuple[str, object] | None = None
"""The working folder and its project, found once per command (commands run in-process, as
tests do, may each start in another folder)."""


def _rules_dir(rules: Path | None) -> Path:
    """``--rules``, else the project's ``rules/`` when it has a catalogue, else the bundled one."""
    from plancheck.catalog import default_rules_dir

    return rules if rules is not None else default_rules_dir(_project().rules)


def _plans_dir(plans_dir: Path | None) -> Path:
    return plans_dir if plans_dir is not None else _project().plans


def _settings(rules: Path | None):  # -> Settings
    from plancheck.config import load_settings

    return _config(load_settings, _rules_dir(rules), _project().path("."))


JobsOption = Annotated[int, typer.Option(
    "--jobs", "-j", help="Processes that read and compare plan files; 0 (default) uses every available core "
                         "when there are 64 files or more. The output is the same as with 1.", min=0)]


def _jobs(jobs: int) -> int:
    from plancheck.engine import default_jobs

    return jobs or default_jobs()


WaiversOption = Annotated[Path | None, typer.Option(
    "--waivers", help="Waiver file; used when it exists (default: waivers.yaml at the project root).",
    dir_okay=False, show_default=False)]


def _waivers_file(waivers: Path | None) -> Path:
    return waivers if waivers is not None else _project().waivers


def _waive(findings: list, path: Path, judged: set[str] | None) -> list:
    from plancheck.waivers import apply_waivers, load_waivers, today

    return apply_waivers(findings, _config(load_waivers, path), today(), judged)


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

    return _config(load_catalog, _rules_dir(rules))


@app.command()
@_guarded
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
    result = run_validation(paths or [_plans_dir(None)], catalog, _jobs(jobs), keep_plans=False)
    result.findings = settings.apply(result.findings)
    _write_findings(result.findings, output_format)
    _finish(result, fail_level, text=output_format is TextOrJson.text)


PlansOption = Annotated[Path | None, typer.Option(
    "--plans", help="Folder where plan ids are looked up (default: plans/ at the project root).", file_okay=False,
    show_default=False)]


@app.command()
@_guarded
def audit(
    plans: Annotated[list[str], typer.Argument(help="Plan ids (looked up in --plans) or plan files.",
                                               show_default=False)],
    plans_dir: PlansOption = None,
    output_format: FormatOption = TextOrJson.text,
    rules: RulesOption = None,
    fail_on: FailOnOption = None,
) -> None:
    """List target-like numbers in a plan's source texts that no target or skipped entry quotes."""
    from plancheck.engine import audit as run_audit
    from plancheck.engine import resolve_plan
    from plancheck.findings import exit_code_for

    settings, fail_level, catalog = _setup(rules, fail_on)
    findings = []
    load_errors = False
    for arg in plans:
        result = run_audit(resolve_plan(arg, _plans_dir(plans_dir)), catalog)
        findings += settings.apply(result.findings)
        load_errors = load_errors or result.has_load_errors
    _write_findings(findings, output_format)
    if output_format is TextOrJson.text:
        unexplained = sum(1 for f in findings if f.code == "PC103")
        sys.stderr.write(f"plancheck: {unexplained} unexplained sentence{'s' if unexplained != 1 else ''}\n")
    raise typer.Exit(EXIT_ERROR if load_errors else exit_code_for(findings, fail_level))


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


class ColorChoice(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


ColorOption = Annotated[ColorChoice, typer.Option(
    "--color", help="Colour: auto (on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it), always or never.")]


@app.command()
@_guarded
def compare(
    lower: Annotated[str, typer.Argument(help="The lower plan: a jurisdiction id or a plan file.")],
    upper: Annotated[str, typer.Argument(help="The upper plan it must be at least as strict as.")],
    plans_dir: PlansOption = None,
    output_format: ReportFormatOption = ReportFormat.text,
    lang: LangOption = Language.zh,
    output: OutputOption = None,
    summary: SummaryOption = None,
    rules: RulesOption = None,
    fail_on: FailOnOption = None,
    waivers: WaiversOption = None,
    color: ColorOption = ColorChoice.auto,
) -> None:
    """Compare two plans target by target: stricter, equal, weaker, missing, ..."""
    from plancheck.engine import compare as run_compare
    from plancheck.engine import resolve_plan
    from plancheck.findings import exit_code_for
    from plancheck.reporters.dispatch import render_comparison, render_findings

    use_color = _use_color(color, output)
    _distinct(output=output, summary=summary)
    settings, fail_level, catalog = _setup(rules, fail_on)
    plans = _plans_dir(plans_dir)
    lower_path, upper_path = resolve_plan(lower, plans), resolve_plan(upper, plans)
    waivers_file = _waivers_file(waivers)
    protected = lambda: _protected([lower_path, upper_path], [plans], rules, [waivers_file])  # noqa: E731
    comparison, problems = run_compare(lower_path, upper_path, catalog, _rules_dir(rules))
    if comparison is None:
        sys.stderr.write(_plain(problems))
        if output_format in _MACHINE_FORMATS:  # a machine reads the load errors where it reads the report
            if output_format is ReportFormat.json:
                from plancheck.reporters.comparison import unloaded_dict
                from plancheck.reporters.json import dumps

                document = dumps(unloaded_dict(problems))
            else:
                document = render_findings(problems, output_format, fail_level, [])
            _emit(document, output, protected)
        raise typer.Exit(EXIT_ERROR)
    # compare sees one pair, so it judges no waiver unused; an expired one it applies is reported
    findings = _waive(settings.apply(comparison.findings), waivers_file, judged=set())
    comparison.findings = [f for f in findings if "row" in f.extra]
    comparison.notes = [f for f in findings if "row" not in f.extra]
    if not comparison.upper_is_ancestor:
        sys.stderr.write(f"plancheck: note: {comparison.upper.id} is not above {comparison.lower.id} in the "
                         "hierarchy (jurisdiction.parent and rules/jurisdictions.yaml); comparing as asked\n")
    tty = output is None and sys.stdout.isatty()
    _emit(render_comparison(comparison, catalog, output_format, lang, fail_level,
                            width=None if tty else 140, color=use_color), output, protected)
    if summary is not None:
        _emit(render_comparison(comparison, catalog, ReportFormat.markdown, lang, fail_level), summary, protected,
              append=True)
    raise typer.Exit(exit_code_for(comparison.findings + comparison.notes, fail_level))


_MACHINE_FORMATS = (ReportFormat.json, ReportFormat.sarif, ReportFormat.junit, ReportFormat.github)


def _plain(problems: list) -> str:
    from plancheck.reporters.plain import render_findings

    return render_findings(problems)


def _distinct(**outputs: Path | None) -> None:
    """Two writers of one run naming one file (by name, link or inode) would lose one report."""
    named = [(option, path) for option, path in outputs.items() if path is not None]
    for i, (first, a) in enumerate(named):
        for second, b in named[i + 1:]:
            if os.path.realpath(a) == os.path.realpath(b) or _same_file(a, b):
                raise typer.BadParameter(f"--{first.replace('_', '-')} and --{second.replace('_', '-')} name the "
                                         "same file", param_hint=f"--{second.replace('_', '-')}")


def _use_color(choice: ColorChoice, output: Path | None) -> bool:
    """``--color``; with ``auto``, NO_COLOR (no-color.org) turns colour off, FORCE_COLOR on,
    and otherwise a terminal on standard output decides. A file never gets colour unless asked."""
    if choice is not ColorChoice.auto:
        return choice is ColorChoice.always
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return output is None and sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _protected(plan_files: list[Path], plan_folders: list[Path], rules: Path | None, files: list[Path]):
    """What no report of this run may be written over (plancheck.output.Protected): the plans
    it was pointed at and every plan in its folders, their sources, rules, waivers, baseline
    and settings; and the same of every project those plans sit in (a run pointed at another
    folder, or started outside the repository, protects the repository's files all the same).
    Built only when a file is written."""
    from plancheck.output import Protected

    guard = Protected(plans=plan_files, files=list(files), plan_folders=list(plan_folders),
                      folders=[_rules_dir(rules)])
    _add_projects(guard, [_project().root, *plan_folders, *(p.parent for p in plan_files)])
    return guard


def _add_projects(guard, places: list[Path]) -> None:
    """Protect the project each of ``places`` lies in: its plans and their sources, its rules,
    waivers and settings (the target's own project too, so a report aimed at another copy of
    the repository is refused there as it would be here)."""
    from plancheck.project import Project, find_root

    for place in places:
        root = find_root(place)
        if root is None:
            continue
        project = Project(root)
        reserved = [*project.settings_files, project.waivers]
        guard.files.extend(reserved)
        guard.reserved.extend(reserved)
        guard.plan_folders.append(project.plans)
        guard.folders.append(project.rules)


def _emit(text, output: Path | None, protected: Callable[[], object] | None = None, append: bool = False) -> None:
    """Print ``text`` (a string or lines), or write it to ``output`` by the one rule every
    report writer follows (plancheck.output)."""
    if output is None:
        if isinstance(text, str):
            sys.stdout.write(text)
        else:
            sys.stdout.writelines(text)
        return
    from plancheck.output import OutputError, write_report

    try:
        guard = protected() if protected is not None else _protected([], [], None, [])
        _add_projects(guard, [Path(os.path.realpath(os.path.dirname(os.fspath(output)) or "."))])
        write_report(output, text, guard, append=append)
    except OutputError as exc:
        sys.stderr.write(f"plancheck: {exc}\n")
        raise typer.Exit(EXIT_ERROR) from None


def _write_findings(findings: list, output_format: TextOrJson) -> None:
    from plancheck.reporters.dispatch import render_findings

    _emit(render_findings(findings, ReportFormat(output_format.value), None), None)


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
@_guarded
def check(
    paths: PathsArgument = None,
    output_format: ReportFormatOption = ReportFormat.text,
    lang: LangOption = Language.zh,
    output: OutputOption = None,
    summary: SummaryOption = None,
    rules: RulesOption = None,
    fail_on: FailOnOption = None,
    waivers: WaiversOption = None,
    baseline: BaselineOption = None,
    baseline_create: BaselineCreateOption = None,
    with_relatives: Annotated[bool, typer.Option(
        "--with-relatives", help="Report on the plan FILES given and the plans above and below them; what "
                                 "naming files does anyway (kept for the pre-commit hook).")] = False,
    changed_only: Annotated[str | None, typer.Option(
        "--changed-only", help="Report on the plans changed since this git ref (and not yet committed), "
                               "with the plans above and below them.", show_default=False)] = None,
    plans_dir: PlansOption = None,
    jobs: JobsOption = 0,
) -> None:
    """Check every plan: schema, quotes, internal consistency, and against its nearest ancestor.

    Plan FILES named on the command line are checked with everything they need: the plans
    folder is read too, so each file is compared with its ancestor and its children with it,
    and the report covers that family."""
    from plancheck.engine import check as run_check
    from plancheck.engine import restrict_to_relatives
    from plancheck.reporters.dispatch import render_check

    _distinct(output=output, summary=summary, baseline_create=baseline_create)
    settings, fail_level, catalog = _setup(rules, fail_on)
    plans = _plans_dir(plans_dir)
    rules_dir = _rules_dir(rules)
    given = list(paths or [])
    focus = _focus(given, with_relatives, changed_only, plans)
    inputs = given or [plans]
    if focus is not None and plans.is_dir():
        inputs = [plans, *given]
    shows_pairs = output_format in (ReportFormat.markdown, ReportFormat.html) or summary is not None
    result = run_check(inputs, catalog, rules_dir, _jobs(jobs), keep_plans=shows_pairs)
    if focus is not None:
        result = restrict_to_relatives(result, focus, rules_dir)
    waivers_file = _waivers_file(waivers)
    # A full check judges every waiver (one for a plan that no longer exists matches nothing);
    # a check of a family judges the waivers of that family only.
    judged = {h.id for h in result.headers} if focus is not None else None
    result.findings = _waive(settings.apply(result.findings), waivers_file, judged)
    protected = lambda: _protected([p for p in inputs if not p.is_dir()],  # noqa: E731
                                   [plans, *(p for p in inputs if p.is_dir())], rules,
                                   [waivers_file, *(p for p in (baseline,) if p is not None)])
    if baseline_create is not None:
        from plancheck.baseline import render_baseline

        _emit(render_baseline(result.findings), baseline_create, _refreshing(baseline_create, protected))
        sys.stderr.write(f"plancheck: {len(result.findings)} findings recorded in {baseline_create}\n")
        raise typer.Exit(EXIT_ERROR if result.has_load_errors else EXIT_OK)
    if baseline is not None:
        from plancheck.baseline import apply_baseline, load_baseline

        result.findings = apply_baseline(result.findings, _config(load_baseline, baseline))
    _emit(render_check(result, catalog, output_format, lang, fail_level), output, protected)
    if summary is not None:
        _emit(render_check(result, catalog, ReportFormat.markdown, lang, fail_level), summary, protected,
              append=True)
    _finish(result, fail_level, text=output_format is ReportFormat.text)


def _refreshing(baseline: Path, protected: Callable[[], object]) -> Callable[[], object]:
    """``--baseline-create`` may replace the ``--baseline`` file it names (that is how a
    baseline is refreshed) when that file is a baseline; it replaces nothing else a run reads."""
    def build():
        from plancheck.baseline import load_baseline
        from plancheck.failures import ConfigError

        guard = protected()
        try:
            load_baseline(baseline)
        except ConfigError:
            return guard
        guard.files = [f for f in guard.files if not _same_file(f, baseline)]  # type: ignore[attr-defined]
        return guard
    return build


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _focus(paths: list[Path], with_relatives: bool, changed_only: str | None,
           plans_dir: Path) -> list[Path] | None:
    """The plan files a run reports on (with their family), or None for every plan under PATHS."""
    if changed_only is not None:
        from plancheck.vcs import VcsError, changed_files

        try:
            changed = changed_files(changed_only, plans_dir)
        except VcsError as exc:
            sys.stderr.write(f"plancheck: --changed-only {changed_only}: {exc}\n")
            raise typer.Exit(EXIT_ERROR) from None
        named = [p for p in paths if not p.is_dir()]  # files named beside --changed-only are reported on too
        return [p for p in changed if p.suffix in (".yaml", ".yml")] + named
    files = [p for p in paths if not p.is_dir()]
    if with_relatives and not files:
        raise typer.BadParameter("name the plan files to report on", param_hint="--with-relatives")
    return files or None


@app.command()
@_guarded
def schema(
    output: OutputOption = None,
    rules: RulesOption = None,
) -> None:
    """Print the JSON Schema of a plan file (for editors: completion and inline errors)."""
    from plancheck.plan_schema import render_schema

    _emit(render_schema(_catalog(rules)), output, lambda: _protected([], [_plans_dir(None)], rules,
                                                                     [_waivers_file(None)]))


@app.command()
@_guarded
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
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists (never a plan, "
                                                        "source, rules, waiver or settings file).")] = False,
    plans_dir: PlansOption = None,
    rules: RulesOption = None,
) -> None:
    """Start a draft plan from every upper target that binds the given level, values left to fill in."""
    from plancheck.engine import load_plan, resolve_plan
    from plancheck.models import Level
    from plancheck.scaffold import scaffold_text

    if level not in get_args(Level):
        raise typer.BadParameter(f"unknown level {level!r} (expected one of: {', '.join(get_args(Level))})",
                                 param_hint="--level")
    for hint, value in (("--id", plan_id), ("--parent", parent)):
        if value is not None and not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", value):
            raise typer.BadParameter(f"{value!r} is not a jurisdiction id (lower-case ASCII letters, digits and "
                                     "underscores, starting with a letter)", param_hint=hint)
    if not name.strip() or any(c in name for c in "\r\n\0"):
        raise typer.BadParameter(f"{name!r} is not a name: one line of text", param_hint="--name")
    catalog = _catalog(rules)
    uppers = []
    for arg in upper:
        loaded, problems = load_plan(resolve_plan(arg, _plans_dir(plans_dir)), catalog)
        if loaded is None:
            _unusable(problems)
        uppers.append(loaded)
    if output.exists() and not force:
        sys.stderr.write(f"plancheck: {output} exists; use --force to overwrite it\n")
        raise typer.Exit(EXIT_ERROR)
    text = scaffold_text(uppers, catalog, level=level, plan_id=plan_id, name=name, parent=parent or uppers[0].id)
    _emit(text, output, lambda: _protected([u.path for u in uppers], [_plans_dir(plans_dir)], rules,
                                           [_waivers_file(None)]))


@app.command()
@_guarded
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
@_guarded
def explain(code: Annotated[str | None, typer.Argument(
        help="A diagnostic code such as PC012; without one, every code is listed.", show_default=False)] = None,
) -> None:
    """Print the documentation of a diagnostic code, or list every code."""
    from plancheck.codes import all_codes, lookup

    if code is None:
        for doc in all_codes().values():
            sys.stdout.write(f"{doc.code}\t{doc.name}\t{doc.severity.value}\t{doc.summary}\n")
        return
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
    for stream in (sys.stdout, sys.stderr):
        # A file name that is not UTF-8 (kept by Python as surrogate escapes) is shown as \udcNN
        # instead of ending the run with an encoding error.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    from plancheck.failures import Interrupted, signal_name

    debug = "--debug" in args or _debug()
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
