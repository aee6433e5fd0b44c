"""The `advisor` command: parse arguments, call the library, render, return an exit code."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from advisor import clock
from advisor.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERNAL, AdvisorError, InputError, UserError
from advisor.files import write_atomic
from advisor.i18n import message
from advisor.safe import json_text, markup

app = typer.Typer(
    name="advisor",
    help="Advice on contracting Wmo 2015 support and youth care (Jeugdwet) for Dutch municipalities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _console(**options) -> Console:
    console = Console(highlight=False, **options)
    if console.width < 20:  # COLUMNS=0 (or a tiny terminal): rich would print nothing at all
        console.width = 80
    return console


out = _console()
err = _console(stderr=True)


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Lang(str, Enum):
    nl = "nl"
    en = "en"


LangOption = Annotated[Lang, typer.Option("--lang", "-l", help="Language of the output: nl or en.")]
AsOfOption = Annotated[
    Optional[str],
    typer.Option("--as-of", help="Date the advice applies to (YYYY-MM-DD); default: the scenario's as_of, else today."),
]
KnowledgeOption = Annotated[
    Optional[Path],
    typer.Option("--knowledge", help="Folder with knowledge/ and rules/ (default: the bundled knowledge).", hidden=True),
]


def error(text: object) -> None:
    """One error line on standard error; the text is shown as written, never as markup."""
    err.print(f"[red]error:[/red] {markup(text)}", highlight=False, soft_wrap=True)


@contextmanager
def handled(lang: str = "nl"):
    """The one place errors become messages and exit codes; no tracebacks for users."""
    try:
        yield
    except typer.Exit:
        raise
    except InputError as problem:
        for each in problem.problems:
            error(each)
        raise typer.Exit(problem.exit_code) from None
    except UserError as problem:
        error(problem.text(lang))
        raise typer.Exit(problem.exit_code) from None
    except AdvisorError as problem:
        error(problem)
        raise typer.Exit(problem.exit_code) from None
    except KeyboardInterrupt:
        err.print(message("interrupted", lang))
        raise typer.Exit(130) from None
    except UnicodeEncodeError as problem:  # PYTHONIOENCODING=latin-1 and a euro sign
        _drop_output()
        error(message("encoding", lang, encoding=problem.encoding, char=repr(problem.object[problem.start:problem.end])))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except OSError as problem:  # standard output on a full disk, or closed
        _drop_output()
        error(f"{problem.filename or message('stdout', lang)}: {problem.strerror or problem}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except Exception as problem:  # noqa: BLE001 - a bug: say so briefly, keep the traceback on request
        if os.environ.get("ADVISOR_DEBUG"):
            raise
        err.print(f"[red]internal error:[/red] {markup(type(problem).__name__)}: {markup(problem)} (set ADVISOR_DEBUG=1 for a traceback)")
        raise typer.Exit(EXIT_INTERNAL) from None


def _drop_output() -> None:
    """After standard output failed, send what is still buffered nowhere, so that Python's
    own flush at exit does not fail a second time with a traceback."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError, UnicodeEncodeError):
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        error(f"--as-of: '{value}' is not a date; write YYYY-MM-DD")
        raise typer.Exit(EXIT_BAD_INPUT) from None


@app.command()
def advise(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    format: Annotated[Format, typer.Option("--format", "-f", help="text, json or markdown.")] = Format.text,
    lang: LangOption = Lang.nl,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of the screen.")] = None,
    as_of: AsOfOption = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Advise on one scenario: instrument, procedure, funding, contract form, providers, segment."""
    from advisor import render
    from advisor.advise import advise_file
    from advisor.knowledge import load_knowledge

    with handled(lang.value):
        kb = load_knowledge(knowledge)
        advice = advise_file(kb, file, _date(as_of))
        if output:
            write_atomic(output, render.to_string(advice, kb, format.value, lang.value))
        else:
            render.show(advice, kb, format.value, lang.value, out)


class BatchFormat(str, Enum):
    table = "table"
    csv = "csv"
    jsonl = "jsonl"


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Scenario files, folders, globs, or CSV files (a row per scenario).")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write reports and summary.csv/json here.")] = None,
    format: Annotated[BatchFormat, typer.Option("--format", "-f", help="table, csv or jsonl on standard output.")] = BatchFormat.table,
    lang: LangOption = Lang.nl,
    as_of: AsOfOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="Stop at the first scenario that fails.")] = False,
    knowledge: KnowledgeOption = None,
) -> None:
    """Advise on many scenarios at once; a bad one is reported and the run goes on."""
    from advisor import batch as batches
    from advisor.knowledge import load_knowledge

    with handled(lang.value):
        kb = load_knowledge(knowledge)  # a broken knowledge base stops the run before any scenario
        found, problems = batches.collect(inputs, output)
        for problem in problems:
            error(problem)
        if problems and fail_fast:
            raise typer.Exit(EXIT_FAILED)
        with _progress(len(found)) as advance:
            results = batches.run(
                found, root=str(knowledge) if knowledge else None, as_of=_date(as_of), lang=lang.value,
                output=output, processes=jobs, fail_fast=fail_fast, progress=advance,
            )
        if output:
            batches.write_summary(output, results)
        for r in results:
            for problem in r.problems:
                error(problem)
        if format == BatchFormat.csv:
            out.out(batches.csv_text(results), end="", highlight=False)
        elif format == BatchFormat.jsonl:
            out.out(batches.jsonl_text(results), end="", highlight=False)
        else:
            from advisor.render.batch import show

            show(results, kb, lang.value, out)
        if problems or any(r.failed for r in results):
            raise typer.Exit(EXIT_FAILED)


@contextmanager
def _progress(total: int):
    """A progress bar on a terminal for runs of some size; silent otherwise."""
    if not err.is_terminal or total < 50:
        yield lambda _result: None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("advising", total=total)
        yield lambda _result: bar.advance(task)


class StrategyFormat(str, Enum):
    markdown = "markdown"
    html = "html"


@app.command()
def strategy(
    file: Annotated[Path, typer.Argument(help="Portfolio file (YAML): the segments of a whole Wmo and youth portfolio.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Folder for the Markdown, HTML and picture files.")] = None,
    format: Annotated[StrategyFormat, typer.Option("--format", "-f", help="Without --output: markdown or html on standard output.")] = StrategyFormat.markdown,
    lang: LangOption = Lang.nl,
    as_of: AsOfOption = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """A procurement strategy for a whole portfolio: routes per segment, Kraljic matrix, checks, planning, documents."""
    from advisor.files import write_atomic
    from advisor.knowledge import load_knowledge
    from advisor.render.strategy import outputs
    from advisor.render.words import clean
    from advisor.strategy import strategy_file
    from advisor.strategy_knowledge import load_strategy_knowledge

    with handled():
        kb = load_knowledge(knowledge)
        sk = load_strategy_knowledge(kb)
        result = strategy_file(kb, sk, file, _date(as_of))
        files = outputs(result, kb, sk, lang.value, file.stem, pictures=output is not None)
        if output:
            for name, data in files.items():
                write_atomic(output / name, data)
                out.print(clean(str(output / name)), markup=False, highlight=False)
        else:
            suffix = ".md" if format == StrategyFormat.markdown else ".html"
            out.out(files[file.stem + suffix].decode("utf-8"), end="", highlight=False)


class CompareFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"


@app.command()
def compare(
    files: Annotated[list[Path], typer.Argument(help="Two or more scenario or portfolio files: the variants.")],
    format: Annotated[CompareFormat, typer.Option("--format", "-f", help="text, markdown, html or json.")] = CompareFormat.text,
    lang: LangOption = Lang.nl,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file.")] = None,
    as_of: AsOfOption = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Set whole variants side by side: recommendations, what a board weighs, and the warnings unique to each."""
    from advisor.compare import compare_files
    from advisor.knowledge import load_knowledge
    from advisor.render import compare as view
    from advisor.strategy_knowledge import load_strategy_knowledge

    with handled():
        kb = load_knowledge(knowledge)
        sk = load_strategy_knowledge(kb)
        v = view.build(compare_files(kb, sk, files, _date(as_of)), kb, sk, lang.value)
        if format == CompareFormat.text and not output:
            view.text(v, out)
            return
        render = {"text": view.markdown, "markdown": view.markdown, "html": view.html, "json": view.as_json}[format.value]
        if output:
            write_atomic(output, render(v))
        else:
            out.out(render(v), end="", highlight=False)


@app.command()
def ask(
    resume: Annotated[Optional[Path], typer.Option("--resume", help="Continue a questionnaire saved in this file.")] = None,
    answers: Annotated[Optional[Path], typer.Option("--answers", help="Start from the answers in this scenario file.")] = None,
    save: Annotated[Optional[Path], typer.Option("--save", help="Where to save the answers (default: a new file here).")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="A short name for this procurement.")] = None,
    lang: LangOption = Lang.nl,
    as_of: AsOfOption = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Answer questions one at a time and get the advice; every answer is saved at once."""
    from advisor.interview import Interview, session
    from advisor.knowledge import load_knowledge
    from advisor.scenario import load_scenario

    with handled(lang.value):
        kb = load_knowledge(knowledge)
        start, title, stored_date = {}, name, _date(as_of)
        if resume or answers:
            loaded = load_scenario(kb, resume or answers)
            start, title = loaded.answers, name or loaded.scenario.scenario
            stored_date = stored_date or loaded.scenario.as_of
        path = resume or save or _new_file(lang.value)
        title = title or ("Vragenlijst " if lang == Lang.nl else "Questionnaire ") + clock.today().isoformat()
        interview = Interview(kb, out, _read, path, title, lang.value, stored_date or clock.today(), start, stored_date)
        with session(path, new=resume is None):
            if interview.run() is None:
                raise typer.Exit(0)


def _read(prompt: str) -> str | None:
    """One line from the user; None at the end of the input."""
    try:
        return out.input(prompt)
    except EOFError:
        return None


def _new_file(lang: str) -> Path:
    stem = f"{'antwoorden' if lang == 'nl' else 'answers'}-{clock.today().isoformat()}"
    path, n = Path(f"{stem}.yaml"), 1
    while path.exists():
        n += 1
        path = Path(f"{stem}-{n}.yaml")
    return path


class ExplainFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    mermaid = "mermaid"


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    step: Annotated[bool, typer.Option("--step", help="Pause after each firing and show the rules eligible next.")] = False,
    why_not: Annotated[Optional[str], typer.Option("--why-not", help="An option of any dimension, e.g. open_house.")] = None,
    format: Annotated[ExplainFormat, typer.Option("--format", "-f", help="text, markdown, json or mermaid.")] = ExplainFormat.text,
    lang: LangOption = Lang.nl,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file.")] = None,
    as_of: AsOfOption = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Show the reasoning step by step, how each recommendation was derived, and why not another option."""
    from advisor.advise import advise_file
    from advisor.explain import why_not as find_why_not
    from advisor.knowledge import load_knowledge
    from advisor.render import explanation as ex

    with handled(lang.value):
        kb = load_knowledge(knowledge)
        advice = advise_file(kb, file, _date(as_of))
        view = ex.trace_view(kb, advice, lang.value, eligible=step)
        if why_not:
            view["why_not"] = ex.why_not_view(kb, find_why_not(kb, advice, why_not), lang.value)
        if format == ExplainFormat.text and not output:
            _explain_text(view, lang.value, step)
            return
        text = ex.to_string(view, format.value)
        if output:
            write_atomic(output, text)
        else:
            out.out(text, end="", highlight=False)


def _explain_text(view: dict, lang: str, step: bool) -> None:
    from advisor.render import explanation as ex

    if not step:
        ex.trace_text(view, out)
    else:
        out.print(f"[bold]{ex.w('trace', lang)}: {markup(view['scenario'])}[/bold] [dim](Enter)[/dim]")
        for stage in view["stages"]:
            out.rule(f"{ex.w('stage', lang)}: {stage['stage']}", align="left")
            for item in stage["steps"]:
                ex.step_text(item, lang, out)
                if _read("") is None:
                    return
        view = {**view, "stages": []}
        ex.trace_text(view, out)
    if "why_not" in view:
        ex.why_not_text(view["why_not"], lang, out)


@app.command()
def whatif(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    set_: Annotated[list[str], typer.Option("--set", help="QUESTION=VALUE; repeat for more (lists: a,b).")],
    format: Annotated[ExplainFormat, typer.Option("--format", "-f", help="text, markdown or json.")] = ExplainFormat.text,
    lang: LangOption = Lang.nl,
    as_of: AsOfOption = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Run the scenario with changed answers and show what changes in the advice, and which rules made the difference."""
    from advisor.advise import advise_file
    from advisor.knowledge import load_knowledge
    from advisor.render import explanation as ex
    from advisor.whatif import compare, parse_settings

    with handled(lang.value):
        kb = load_knowledge(knowledge)
        before = advise_file(kb, file, _date(as_of))
        view = ex.whatif_view(kb, compare(kb, before, parse_settings(kb, set_)), lang.value)
        if format == ExplainFormat.json:
            out.out(ex.as_json(view), end="", highlight=False)
        elif format == ExplainFormat.markdown:
            out.out(ex.whatif_markdown(view), end="", highlight=False)
        else:
            ex.whatif_text(view, out)


class ValidateFormat(str, Enum):
    text = "text"
    markdown = "markdown"


@app.command()
def validate(
    folder: Annotated[Optional[Path], typer.Argument(help="Folder of validation cases (default: validation/cases).")] = None,
    format: Annotated[ValidateFormat, typer.Option("--format", "-f", help="text or markdown.")] = ValidateFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Run the documented municipal decisions and report how often the advisor agrees, and where not."""
    from advisor import validation
    from advisor.knowledge import load_knowledge

    with handled():
        kb = load_knowledge(knowledge)
        folder = folder or kb.root / "validation" / "cases"
        results = validation.run_cases(kb, folder)
        if format == ValidateFormat.markdown or output:
            changes = folder.parent / "changes.md"
            text = validation.markdown(results, changes=changes.read_text(encoding="utf-8") if changes.exists() else "")
            if output:
                write_atomic(output, text)
            else:
                out.out(text, end="", highlight=False)
        else:
            summary = validation.summarise(results)
            out.print(f"{summary.cases} cases: {summary.out_of_scope} outside the advisor's knowledge, {summary.invalid} invalid")
            for dim, (agree, n) in summary.agreement.items():
                out.print(f"  {dim}: {agree}/{n}" + (f" ({100 * agree / n:.0f}%)" if n else ""))
            for r in results:
                for problem in r.problems:
                    error(problem)
                for o in r.outcomes:
                    if not o.agrees and r.in_scope:
                        out.print(f"  [yellow]differs[/yellow] {markup(Path(r.path).name)} {o.dimension}: decided {o.expected}, "
                                  f"advised {o.got or '—'} ({', '.join(o.deciding) or 'no rule'})", soft_wrap=True)
        if any(r.problems for r in results):
            raise typer.Exit(EXIT_FAILED)


@app.command()
def schema(knowledge: KnowledgeOption = None) -> None:
    """Print the JSON Schema of scenario files, for validation in an editor."""
    from advisor.knowledge import load_knowledge
    from advisor.schema import scenario_schema

    with handled():
        out.out(json.dumps(scenario_schema(load_knowledge(knowledge)), ensure_ascii=False, indent=2), highlight=False)


kb_app = typer.Typer(help="Knowledge engineering: check, test, coverage and docs of the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


@kb_app.command("check")
def kb_check(
    knowledge: KnowledgeOption = None,
    seeds: Annotated[Optional[Path], typer.Option("--seeds", help="Folder holding seeds/ (default: ../shared).")] = None,
) -> None:
    """Validate every knowledge file and every cross-reference; non-zero exit on errors."""
    from advisor.kb.check import check

    with handled():
        findings = check(knowledge, seeds)
        for finding in findings:
            style = "red" if finding.severity == "error" else "yellow"
            out.print(f"[{style}]{finding.severity}[/{style}] {markup(finding.problem)}", soft_wrap=True)
        errors = sum(f.severity == "error" for f in findings)
        out.print(f"{errors} errors, {len(findings) - errors} warnings")
        if errors:
            raise typer.Exit(EXIT_FAILED)


@kb_app.command("test")
def kb_test(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Case files or folders (default: tests/rules).")] = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Run the knowledge test cases (answers in, expected decisions and firings out)."""
    from advisor.kb.cases import run_file
    from advisor.knowledge import load_knowledge
    from advisor.scenario import scenario_files

    with handled():
        kb = load_knowledge(knowledge)
        files = scenario_files(paths or [kb.root / "tests" / "rules"])
        passed = failed = 0
        for path in files:
            for outcome in run_file(kb, path):
                if outcome.passed:
                    passed += 1
                    continue
                failed += 1
                out.print(f"[red]FAIL[/red] {markup(outcome.file)}:{outcome.line} {markup(outcome.name)}", soft_wrap=True)
                for line in outcome.failures:
                    out.print(f"     {markup(line)}", soft_wrap=True)
        out.print(f"{passed} passed, {failed} failed")
        if failed:
            raise typer.Exit(EXIT_FAILED)


@kb_app.command("coverage")
def kb_coverage(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files or folders.")],
    format: Annotated[Format, typer.Option("--format", "-f", help="text or json.")] = Format.text,
    as_of: AsOfOption = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Which rules fired over a set of scenarios, and which never did, per rule file."""
    from advisor.kb.coverage import coverage
    from advisor.knowledge import load_knowledge
    from advisor.scenario import scenario_files

    with handled():
        kb = load_knowledge(knowledge)
        result = coverage(kb, scenario_files(paths), _date(as_of))
        for problem in result.problems:
            error(problem)
        by_file, by_dimension = result.by_file(kb), result.by_dimension(kb)
        if format == Format.json:
            data = {
                "scenarios": result.scenarios,
                "files": {f: dict(rules) for f, rules in by_file.items()},
                "options": {d: dict(options) for d, options in by_dimension.items()},
            }
            out.out(json_text(data, indent=2), highlight=False)
        else:
            for dim, options in by_dimension.items():
                reached = sum(1 for _, n in options if n)
                never = ", ".join(o for o, n in options if not n)
                out.print(f"[bold]{markup(dim)}[/bold]: {reached}/{len(options)} options recommended"
                          + (f"; never: {markup(never)}" if never else ""), soft_wrap=True)
            for file, rules in by_file.items():
                fired = sum(1 for _, n in rules if n)
                out.print(f"[bold]{markup(file)}[/bold]: {fired}/{len(rules)} rules fired", soft_wrap=True)
                for rule_id, n in rules:
                    if not n:
                        out.print(f"  never fired: {rule_id}")
            total = sum(len(r) for r in by_file.values())
            fired = sum(1 for r in by_file.values() for _, n in r if n)
            out.print(f"{result.scenarios} scenarios; {fired} of {total} rules fired")
        if result.problems:
            raise typer.Exit(EXIT_BAD_INPUT)


@kb_app.command("docs")
def kb_docs(
    lang: LangOption = Lang.nl,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file.")] = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """A Markdown reference of the whole knowledge base, with a timeline of the law."""
    from advisor.kb.docs import reference
    from advisor.knowledge import load_knowledge

    with handled(lang.value):
        text = reference(load_knowledge(knowledge), lang.value)
        if output:
            write_atomic(output, text)
        else:
            out.out(text, highlight=False, end="")


def main() -> None:  # pragma: no cover - entry point for `python cli.py`
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
