"""The command line: turn options into a typed options object, call the run, exit.

Nothing here reads a file, decides what is right or wrong about a plan, or formats a
finding: ``plancheck.run`` owns each run and returns its exit code (docs/design.md,
"Module map" and "Exit codes").
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from plancheck import __version__, lookups, options, run
from plancheck.policy import EXIT_OK
from plancheck.reporters.formats import ColorChoice, Language, ReportFormat, Show, TextOrJson

app = typer.Typer(
    name="plancheck",
    help="Check that lower-level carbon-peaking plans are at least as strict as the plans above them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"plancheck {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.", envvar="PLANCHECK_DEBUG")] = False,
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
JobsOption = Annotated[int, typer.Option(
    "--jobs", "-j", help="Processes that read and compare plan files; 0 (default) uses every available core "
                         "when there are 64 files or more. The output is the same as with 1.", min=0)]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help=(
    "Neither reuse nor store results of unchanged files (the cache: .plancheck_cache/ at the project root)."))]
WaiversOption = Annotated[Path | None, typer.Option("--waivers", dir_okay=False, show_default=False, help=(
    "Waiver file; used when it exists (default: waivers.yaml at the project root)."))]
PlansOption = Annotated[Path | None, typer.Option(
    "--plans", help="Folder where plan ids are looked up (default: plans/ at the project root).", file_okay=False,
    show_default=False)]
ReportFormatOption = Annotated[ReportFormat | None, typer.Option(
    "--format", "-f", help="Output format: text (terminal), json, markdown, html, pdf, sarif, junit or github "
                           "(default: from the -o file's suffix, else text).", show_default=False)]
LangOption = Annotated[Language, typer.Option(
    "--lang", help="Language of the human-readable formats (text, markdown, html, pdf): Chinese or English "
                   "throughout.")]
ShowOption = Annotated[Show, typer.Option("--show", help=(
    "Lowest severity the text listing and GitHub annotations show (the rest is counted); all: also waived and "
    "baselined findings."))]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="List info findings too (--show info).")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary line.")]
TitleOption = Annotated[str | None, typer.Option("--title", help="Your own heading on the report.", show_default=False)]
DateOption = Annotated[str | None, typer.Option("--date", show_default=False, help=(
    "Date the report: YYYY-MM-DD or today (none unless asked, so the same inputs give the same bytes)."))]
SarifPassesOption = Annotated[bool, typer.Option("--sarif-passes", help=(
    "SARIF: also carry what passes, as kind \"pass\" (GitHub code scanning shows those as alerts too)."))]
OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write the report to this file instead of standard output.", dir_okay=False,
    show_default=False)]
CheckOutputOption = Annotated[Path | None, typer.Option("--output", "-o", show_default=False, help=(
    "Write the report to this file instead of standard output; an HTML report on many plans, or into a folder, "
    "is an index and a page per plan."))]
SummaryOption = Annotated[Path | None, typer.Option("--summary", dir_okay=False, show_default=False, help=(
    "Also append the Markdown report to this file, e.g. $GITHUB_STEP_SUMMARY."))]
ColorOption = Annotated[ColorChoice, typer.Option(
    "--color", help="Colour: auto (on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it), always or never.")]
BaselineOption = Annotated[Path | None, typer.Option("--baseline", dir_okay=False, show_default=False, help=(
    "Findings recorded in this baseline are counted as existing and do not fail the run."))]
BaselineCreateOption = Annotated[Path | None, typer.Option("--baseline-create", dir_okay=False, show_default=False,
                                                           help="Record today's findings in this file.")]


def _runs(command: Callable[..., int]) -> Callable[..., None]:
    """A command body returns the run's exit code; an option the run refuses is shown as typer
    shows a bad parameter."""
    @functools.wraps(command)
    def cli_command(*args, **kwargs) -> None:
        from plancheck.failures import UsageError

        try:
            code = command(*args, **kwargs)
        except UsageError as exc:
            raise typer.BadParameter(str(exc), param_hint=exc.param_hint) from None
        raise typer.Exit(code)
    return cli_command


@app.command()
@_runs
def validate(
    paths: PathsArgument = None,
    output_format: FormatOption = TextOrJson.text,
    rules: RulesOption = None,
    fail_on: FailOnOption = None,
    jobs: JobsOption = 0,
    lang: LangOption = Language.zh,
    show: ShowOption = Show.warning,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
    no_cache: NoCacheOption = False,
) -> int:
    """Check plan files against the schema: keys, types, references and quotes."""
    return run.validate(options.ValidateOptions(list(paths or []), ReportFormat(output_format.value), rules, fail_on,
                                            jobs, lang, options.listing(show, verbose, quiet), not no_cache))


@app.command()
@_runs
def audit(
    plans: Annotated[list[str], typer.Argument(help="Plan ids (in --plans) or plan files.", show_default=False)],
    plans_dir: PlansOption = None,
    output_format: FormatOption = TextOrJson.text,
    rules: RulesOption = None,
    fail_on: FailOnOption = None,
    lang: LangOption = Language.zh,
) -> int:
    """List target-like numbers in a plan's source texts that no target or skipped entry quotes."""
    return run.audit(options.AuditOptions(plans, plans_dir, ReportFormat(output_format.value), rules, fail_on, lang))


@app.command()
@_runs
def compare(
    lower: Annotated[str, typer.Argument(help="The lower plan: a jurisdiction id or a plan file.")],
    upper: Annotated[str, typer.Argument(help="The upper plan it must be at least as strict as.")],
    plans_dir: PlansOption = None,
    output_format: ReportFormatOption = None,
    lang: LangOption = Language.zh,
    output: OutputOption = None,
    summary: SummaryOption = None,
    rules: RulesOption = None,
    fail_on: FailOnOption = None,
    waivers: WaiversOption = None,
    color: ColorOption = ColorChoice.auto,
    title: TitleOption = None,
    date: DateOption = None,
    sarif_passes: SarifPassesOption = False,
) -> int:
    """Compare two plans target by target: stricter, equal, weaker, missing, ..."""
    report = options.report(output_format, lang, output, summary, color, header=options.Header(title, date),
                            ci=options.CiOptions(sarif_passes))
    return run.compare(options.CompareOptions(lower, upper, report, plans_dir, rules, fail_on, waivers))


@app.command()
@_runs
def check(
    paths: PathsArgument = None,
    output_format: ReportFormatOption = None,
    lang: LangOption = Language.zh,
    output: CheckOutputOption = None,
    summary: SummaryOption = None,
    rules: RulesOption = None,
    fail_on: FailOnOption = None,
    waivers: WaiversOption = None,
    baseline: BaselineOption = None,
    baseline_create: BaselineCreateOption = None,
    with_relatives: Annotated[bool, typer.Option("--with-relatives", help=(
        "Report on the plan FILES given and their family; what naming files does anyway (pre-commit hook)."))] = False,
    changed_only: Annotated[str | None, typer.Option("--changed-only", show_default=False, help=(
        "Report on the plans changed since this git ref (and not yet committed), with their family."))] = None,
    plans_dir: PlansOption = None,
    jobs: JobsOption = 0,
    no_cache: NoCacheOption = False,
    show: ShowOption = Show.warning,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
    title: TitleOption = None,
    date: DateOption = None,
    sarif_passes: SarifPassesOption = False,
) -> int:
    """Check every plan: schema, quotes, internal consistency, and against its nearest ancestor.

    Plan FILES named are checked with their family: their ancestor and their children."""
    report = options.report(output_format, lang, output, summary, ColorChoice.never,
                            options.listing(show, verbose, quiet), options.Header(title, date),
                            options.CiOptions(sarif_passes))
    return run.check(options.CheckOptions(list(paths or []), report, rules, fail_on, waivers, baseline, baseline_create,
                                          with_relatives, changed_only, plans_dir, jobs, not no_cache))


@app.command()
@_runs
def schema(output: OutputOption = None, rules: RulesOption = None) -> int:
    """Print the JSON Schema of a plan file (for editors: completion and inline errors)."""
    return lookups.schema(options.SchemaOptions(output, rules))


LevelOption = Annotated[str, typer.Option("--level", show_default=False,
                                          help="Level of the new plan: province, city, county, district or new_area.")]
DraftOption = Annotated[Path, typer.Option("--output", "-o", help="The draft plan file to create.", dir_okay=False,
                                           show_default=False)]
NameOption = Annotated[str, typer.Option("--name", help="Official name, e.g. 某某县.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists (never a plan, "
                                                           "source, rules, waiver or settings file).")]


@app.command()
@_runs
def scaffold(
    upper: Annotated[list[str], typer.Option("--from", help="Upper plan(s): ids or files.", show_default=False)],
    level: LevelOption, output: DraftOption,
    plan_id: Annotated[str, typer.Option("--id", help="Jurisdiction id of the draft.")] = "draft",
    name: NameOption = "某地",
    parent: Annotated[str | None, typer.Option("--parent", help="Parent (default: the first --from).")] = None,
    force: ForceOption = False, plans_dir: PlansOption = None, rules: RulesOption = None,
) -> int:
    """Start a draft plan from every upper target that binds the given level, values left to fill in."""
    from plancheck import drafting

    return drafting.scaffold(options.ScaffoldOptions(upper, level, output, plan_id, name, parent, force, plans_dir, rules))


@app.command()
@_runs
def extract(
    source: Annotated[Path, typer.Argument(help="The document: .txt, .docx or a PDF with a text layer.",
                                           dir_okay=False, show_default=False)],
    output: DraftOption,
    plan_id: Annotated[str, typer.Option("--id", help="Jurisdiction id of the plan.", show_default=False)],
    name: NameOption, level: LevelOption,
    parent: Annotated[str | None, typer.Option("--parent", help="The jurisdiction directly above.")] = None,
    force: ForceOption = False, rules: RulesOption = None,
) -> int:
    """Draft a transcription from a document: its text into sources/, every target with its quote."""
    from plancheck import drafting

    return drafting.extract(options.ExtractOptions(source, output, plan_id, name, level, parent, force, rules))


@app.command()
@_runs
def indicators(output_format: FormatOption = TextOrJson.text, rules: RulesOption = None) -> int:
    """List the indicator catalogue: id, names, unit, direction and binding."""
    return lookups.indicators(options.IndicatorsOptions(ReportFormat(output_format.value), rules))


@app.command()
@_runs
def explain(code: Annotated[str | None, typer.Argument(
        help="A diagnostic code such as PC012; without one, every code is listed.", show_default=False)] = None,
) -> int:
    """Print the documentation of a diagnostic code, or list every code."""
    return lookups.explain(code)


cache_app = typer.Typer(help="The result cache: what earlier runs found for unchanged files.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
@_runs
def cache_clear() -> int:
    """Remove the cache folder of this project (or $PLANCHECK_CACHE_DIR)."""
    return run.cache_clear()


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point: the command line inside the process guard of ``plancheck.process``."""
    from plancheck.process import run_process

    run_process(app, argv)
