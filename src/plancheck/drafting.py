"""The runs that write a draft plan: ``scaffold`` (from the plans above) and ``extract`` (from
the document itself). Each is one function taking its options and returning the exit code,
inside the same guard as every run (``run.owned``); neither replaces a file unasked.
"""

from __future__ import annotations

import os
import sys

from plancheck.failures import Refused
from plancheck.options import ExtractOptions, ScaffoldOptions
from plancheck.policy import EXIT_OK
from plancheck.project import resolve_plan
from plancheck.run import owned, project, setup_of, unusable


@owned
def scaffold(options: ScaffoldOptions) -> int:
    from plancheck.output import Writer
    from plancheck.pipeline import load_plan
    from plancheck.scaffold import check_options, scaffold_text

    check_options(options.level, options.plan_id, options.parent, options.name)
    here = project()
    setup = setup_of(here, options.rules, None, settings=False)
    plans_dir = options.plans_dir or here.plans
    uppers = []
    for arg in options.upper:
        loaded, problems = load_plan(resolve_plan(arg, plans_dir), setup.catalog)
        if loaded is None:
            return unusable(problems)
        uppers.append(loaded)
    if options.output.exists() and not options.force:
        raise Refused(f"{options.output} exists; use --force to overwrite it")
    text = scaffold_text(uppers, setup.catalog, level=options.level, plan_id=options.plan_id, name=options.name,
                         parent=options.parent or uppers[0].id)
    Writer(here, plan_files=[u.path for u in uppers], plan_folders=[plans_dir], rules=setup.rules_dir,
           files=[here.waivers]).emit(text, options.output)
    return EXIT_OK


@owned
def extract(options: ExtractOptions) -> int:
    """The document's text goes into ``sources/`` beside the plans folder the draft is written
    to (the quotes are verified against it), then the draft; neither replaces a file unasked,
    and a plan or a source a plan names is never replaced: both are checked before either is
    written. A source that already holds the same text is used as it is."""
    from plancheck.documents import read_document
    from plancheck.extraction import extract_draft
    from plancheck.output import Writer
    from plancheck.scaffold import check_options, extract_text

    check_options(options.level, options.plan_id, options.parent, options.name)
    here = project()
    setup = setup_of(here, options.rules, None, settings=False)
    text = read_document(options.source)
    folder = options.output.absolute().parent
    if not folder.is_dir():  # said before the source text is written, so nothing is left behind
        raise Refused(f"{options.output}: the folder {folder} does not exist")
    source = folder.parent / "sources" / f"{options.source.stem}.txt"
    same = source.is_file() and source.read_bytes() == text.encode("utf-8")
    writer = Writer(here, plan_folders=[here.plans, folder], rules=setup.rules_dir, files=[here.waivers])
    guard = writer.protected()
    for path in ([options.output] if same else [options.output, source]):
        if not path.exists():
            continue
        if not options.force:
            raise Refused(f"{path} exists; use --force to overwrite it")
        st = path.stat()
        if guard.holds(path, (st.st_dev, st.st_ino)):
            raise Refused(f"{path}: refusing to write over a plan or a source text a plan names")
    draft = extract_draft(text, setup.catalog)
    if not same:
        source.parent.mkdir(parents=True, exist_ok=True)
        writer.emit(text, source)
    writer.emit(extract_text(draft, setup.catalog, plan_id=options.plan_id, name=options.name, level=options.level,
                             parent=options.parent, source=os.path.relpath(source, folder),
                             document_file=options.source.name), options.output)
    sys.stderr.write(f"plancheck: {len(draft.targets)} targets and {len(draft.skipped)} numbers set aside, from "
                     f"{options.source.name} into {options.output}; review the '# review:' lines\n")
    return EXIT_OK
