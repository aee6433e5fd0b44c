"""The `advisor` command: parse arguments, call the library, render, return an exit code."""

import datetime as dt
import os
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from typer.core import TyperGroup

try:  # typer carries its own copy of click in newer versions
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer on click
    import click.exceptions as click_errors

from advisor import i18n
from advisor.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERNAL, AdvisorError, InputError, UserError
from advisor.i18n import message, msg
from advisor.safe import json_text, markup

def _console(**options) -> Console:
    console = Console(highlight=False, **options)
    if console.width < 20:  # COLUMNS=0 (or a tiny terminal): rich would print nothing at all
        console.width = 80
    return console


out = _console()
err = _console(stderr=True)


class Commands(TyperGroup):
    """The command group: the help and a mistake on the command line are in the language asked for."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = list(sys.argv[1:] if args is None else args)
        _plain_values_first(self)
        with i18n.using(_lang_in(args)):
            if "-h" in args or "--help" in args or len(args) < 2:  # only the help shows these texts (also a bare group)
                _help_in_language(self)
            try:
                code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except click_errors.UsageError as error:
                _usage_error(error)
                code = error.exit_code
            except typer.Abort:
                err.print(msg("error.interrupted"))
                code = 130
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _plain_values_first(command) -> None:
    """Typer (from 0.26) turns each value into its type with a pydantic TypeAdapter, which
    imports all of pydantic (a third of the time to the first question of `ask`) to read a
    name or a language. The values that need no checking are taken here as they are: a value
    not given, a text, a language or format spelled as its option, the path of a file that
    does not exist yet. Any other value goes to typer's own conversion, so its checks and
    messages stay typer's. Typer without that conversion is left alone."""
    if getattr(command, "plain_values_first", False):  # once per command, however often it runs
        return
    command.plain_values_first = True
    for param in command.params:
        _plain_first(param)
    made = command.get_help_option  # the help option is made when a command runs

    def help_option(ctx, made=made):
        option = made(ctx)
        if option is not None:
            _plain_first(option)
        return option

    command.get_help_option = help_option
    for sub in getattr(command, "commands", {}).values():
        _plain_values_first(sub)


def _plain_first(param) -> None:
    if hasattr(param, "get_runtime_param") and hasattr(param, "type_descriptor") and not isinstance(param.get_runtime_param, _PlainFirst):
        param.get_runtime_param = _PlainFirst(param, param.get_runtime_param)


class _PlainFirst:
    """Stands in for typer's runtime parameter: plain values here, the rest to typer's."""

    def __init__(self, param, typers):
        self.param, self.typers = param, typers

    def __call__(self):  # param.get_runtime_param()
        return self

    def coerce(self, value, *args, **kwargs):  # (value, param, ctx), passed on as typer gave them
        plain = _plain(self.param, value, kwargs.get("ctx", args[1] if len(args) > 1 else None))
        return self.typers().coerce(value, *args, **kwargs) if plain is _NOT_PLAIN else plain


_NOT_PLAIN = object()


def _plain(param, value, ctx):
    """The value as typer would convert it, when that takes no checking; else _NOT_PLAIN."""
    info = getattr(param.type_descriptor, "parameter_info", None)
    kind = getattr(param.type_descriptor, "annotation", None)
    if info is None or getattr(param.type_descriptor, "file_annotation", True) is not None or info.parser is not None:
        return _NOT_PLAIN
    if value is None:
        return () if param.multiple or param.nargs == -1 else None
    if param.multiple or param.nargs != 1:
        return _NOT_PLAIN
    if isinstance(kind, type) and issubclass(kind, Enum) and isinstance(value, kind):  # a default
        return value
    if type(value) is not str:
        return _NOT_PLAIN
    try:
        value.encode("utf-8")  # not a name with undecodable bytes (surrogates): typer refuses those
    except UnicodeEncodeError:
        return _NOT_PLAIN
    if kind is str:
        return value
    if isinstance(kind, type) and issubclass(kind, Enum):
        if info.case_sensitive and getattr(ctx, "token_normalize_func", None) is None:
            return next((choice for choice in kind if choice.value == value), _NOT_PLAIN)
        return _NOT_PLAIN
    if kind is Path and not (info.path_type or info.resolve_path or info.allow_dash or info.exists):
        try:
            os.stat(value)
        except OSError:
            return Path(value)  # nothing there to check
        except ValueError:
            return _NOT_PLAIN
    return _NOT_PLAIN


def _help_in_language(root) -> None:
    """The help of every command and option from the catalogue of the run's language
    (`help.<command>.<option>`, else `help.option.<option>` for the shared ones)."""
    texts = i18n.catalogue(i18n.current())

    def apply(command, key: str) -> None:
        command.help = texts.get(f"help.{key}", command.help)
        shown = command.get_help_option

        def help_option(ctx, shown=shown):
            option = shown(ctx)
            if option is not None:
                option.help = texts["help_panels.help"]
            return option

        command.get_help_option = help_option
        for param in command.params:
            if getattr(param, "help", None) is not None:
                param.help = texts.get(f"help.{key}.{param.name}", texts.get(f"help.option.{param.name}", param.help))
        for name, sub in getattr(command, "commands", {}).items():
            apply(sub, name if key == "_root" else f"{key}_{name}")

    apply(root, "_root")
    rich_utils = _rich_help()  # the panel titles and markers of the rich help

    rich_utils.OPTIONS_PANEL_TITLE = texts["help_panels.options"]
    rich_utils.ARGUMENTS_PANEL_TITLE = texts["help_panels.arguments"]
    rich_utils.COMMANDS_PANEL_TITLE = texts["help_panels.commands"]
    rich_utils.DEFAULT_STRING = texts["help_panels.default"]
    rich_utils.REQUIRED_LONG_STRING = texts["help_panels.required"]


def _rich_help():
    """typer's rich help, imported without rich.markdown (markdown-it) and rich.traceback
    (pygments): together half the time `--help` takes. Our help texts are rich markup, never
    Markdown, and typer shows a rich traceback only with pretty exceptions, which are off; so
    stand-ins take the classes' places while typer imports, and hand over to the real classes
    if they are ever used."""
    if "typer.rich_utils" not in sys.modules:
        import types

        stand_ins = {module: name for module, name in (("rich.markdown", "Markdown"), ("rich.traceback", "Traceback"))
                     if module not in sys.modules}
        for module, name in stand_ins.items():
            sys.modules[module] = stand_in = types.ModuleType(module)
            setattr(stand_in, name, _stand_in(module, name))
        try:
            import typer.rich_utils  # noqa: F401
        finally:
            for module in stand_ins:
                del sys.modules[module]
    from typer import rich_utils

    return rich_utils


def _stand_in(module: str, name: str) -> type:
    """A class that makes, and looks things up on, the class `name` of `module`, imported when first used."""

    def real():
        import importlib

        return getattr(importlib.import_module(module), name)

    class Forward(type):
        def __getattr__(cls, attr):
            return getattr(real(), attr)

    class StandIn(metaclass=Forward):
        def __new__(cls, *args, **kwargs):
            return real()(*args, **kwargs)

    StandIn.__name__ = StandIn.__qualname__ = name
    return StandIn


def _lang_in(args: list[str]) -> str:
    """The --lang given on the command line (nl when none or an unknown one is given)."""
    for i, arg in enumerate(args):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else args[i + 1] if arg in ("--lang", "-l") and i + 1 < len(args) else None
        if value in i18n.LANGS:
            return value
    return "nl"


def _usage_error(error: click_errors.UsageError) -> None:
    if getattr(error, "ctx", None) is not None:
        usage = error.ctx.get_usage().removeprefix("Usage:").strip()
        err.print(markup(f"{msg('cli.usage')}: {usage}"), soft_wrap=True)
    err.print(f"[red]{msg('error.prefix')}:[/red] {markup(_usage_message(error))}", soft_wrap=True)
    command = error.ctx.command_path if getattr(error, "ctx", None) else "advisor"
    err.print(msg("cli.try_help", command=command), soft_wrap=True)


def _usage_message(error: click_errors.UsageError) -> str:
    """Click's message in the user's language, for the errors a user meets."""
    import re

    if isinstance(error, OptionValueError):
        return error.message
    if isinstance(error, click_errors.NoSuchOption):
        hint = msg("error.did_you_mean", word=error.possibilities[0]) if error.possibilities else ""
        return msg("cli.no_such_option", name=error.option_name) + hint
    if isinstance(error, click_errors.MissingParameter) and error.param is not None:
        return msg("cli.missing", name=_param_name(error.param))
    if isinstance(error, click_errors.BadParameter) and error.param is not None:
        choice = re.search(r"'(.*?)' is not one of (.+?)\.?$", error.message)
        if choice:
            choices = choice.group(2).replace("'", "")
            return msg("cli.bad_choice", name=_param_name(error.param), value=choice.group(1), choices=choices)
        whole = "integer" in error.message
        return msg("cli.not_whole" if whole else "cli.bad_value", name=_param_name(error.param))
    needs = re.match(r"Option '(.+?)' requires an argument", error.message)
    if needs:
        return msg("cli.needs_value", name=needs.group(1))
    command = re.match(r"No such command '(.+?)'", error.message)
    if command:
        return msg("cli.no_such_command", name=command.group(1))
    extra = re.match(r"Got unexpected extra arguments? \((.+)\)", error.message)
    if extra:
        return msg("cli.extra_argument", value=extra.group(1))
    return error.format_message()


def _param_name(param) -> str:
    opts = getattr(param, "opts", None)
    return opts[0] if opts and getattr(param, "param_type_name", "") == "option" else (param.name or '').upper()


class OptionValueError(click_errors.BadParameter):
    """A value that an option's own check refuses, with its message already in the user's
    language: a mistake on the command line like any other (exit code 2, with the usage)."""


app = typer.Typer(
    name="advisor",
    cls=Commands,
    help="Advice on contracting Wmo 2015 support and youth care (Jeugdwet) for Dutch municipalities.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"advisor {version('advisor')}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Advice on contracting Wmo 2015 support and youth care (Jeugdwet) for Dutch municipalities."""


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


class KbFormat(str, Enum):
    text = "text"
    json = "json"


class Lang(str, Enum):
    nl = "nl"
    en = "en"


LangOption = Annotated[Lang, typer.Option("--lang", "-l", help="Language of the run: nl or en.")]
AsOfOption = Annotated[
    Optional[str],
    typer.Option("--as-of", help="Date the advice applies to (YYYY-MM-DD); default: the scenario's as_of, else today."),
]
KnowledgeOption = Annotated[
    Optional[Path],
    typer.Option("--knowledge", help="Folder with knowledge/ and rules/ (default: the bundled knowledge).", hidden=True),
]


@contextmanager
def handled(lang: "Lang | None" = None):
    """The one place errors become messages and exit codes; no tracebacks for users.
    It also sets the language of the run, so every message below is in that language."""
    if lang is not None:
        i18n.use(lang.value)
    try:
        yield
    except typer.Exit:
        raise
    except InputError as error:
        for problem in error.problems:
            _error(str(problem))
        raise typer.Exit(error.exit_code) from None
    except UserError as error:
        _error(error.text(i18n.current()))
        raise typer.Exit(error.exit_code) from None
    except AdvisorError as error:
        _error(str(error))
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        err.print(msg("error.interrupted"))
        raise typer.Exit(130) from None
    except UnicodeEncodeError as problem:  # PYTHONIOENCODING=latin-1 and a euro sign
        _drop_output()
        _error(message("encoding", i18n.current(), encoding=problem.encoding, char=repr(problem.object[problem.start:problem.end])))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except OSError as problem:  # standard output on a full disk, or closed
        _drop_output()
        _error(f"{problem.filename or message('stdout', i18n.current())}: {problem.strerror or problem}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except Exception as problem:  # noqa: BLE001 - a bug: say so briefly, keep the traceback on request
        if os.environ.get("ADVISOR_DEBUG"):
            raise
        err.print(f"[red]{markup(msg('error.internal', error=f'{type(problem).__name__}: {problem}'))}[/red]", soft_wrap=True)
        raise typer.Exit(EXIT_INTERNAL) from None


def _error(text: object) -> None:
    """One error line on standard error; the text is shown as written, never as markup or control characters."""
    err.print(f"[red]{msg('error.prefix')}:[/red] {markup(text)}", soft_wrap=True)


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


def write_atomic(path: Path, data) -> None:
    """advisor.files.write_atomic, imported by the commands that write (tempfile and its
    imports are not needed for the help)."""
    from advisor.files import write_atomic as write

    write(path, data)


def _date(value: str | None, option: str = "--as-of") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _error(f"{option}: {msg('error.not_a_date', value=value)}")
        raise typer.Exit(EXIT_BAD_INPUT) from None


@app.command()
def advise(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    format: Annotated[Format, typer.Option("--format", "-f", help="text, json, markdown or html (a self-contained page that prints to PDF).")] = Format.text,
    lang: LangOption = Lang.nl,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of the screen.")] = None,
    as_of: AsOfOption = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Advise on one scenario: instrument, procedure, funding, contract form, providers, segment."""
    from advisor import render
    from advisor.advise import advise_file
    from advisor.loader import load_knowledge

    with handled(lang):
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


REPORTS = ("json", "markdown", "html")  # advisor.render.REPORTS, named here so that the help imports no renderer
NO_REPORTS = "none"


def _reports(param: typer.CallbackParam, values: Optional[list[str]]) -> list[str]:
    """--reports: the reports asked for, in the order of REPORTS. Names are separated by
    commas, the option may be repeated, and case and spaces around a name do not matter;
    `none` (alone) asks for none."""
    given = [name.strip() for value in values or () for name in value.split(",") if name.strip()]
    if not given:
        raise OptionValueError(msg("cli.needs_value", name=_param_name(param)))
    names = {name.casefold() for name in given}
    for name in given:
        if name.casefold() not in (*REPORTS, NO_REPORTS):
            raise OptionValueError(msg("cli.bad_choice", name=_param_name(param), value=name, choices=", ".join((*REPORTS, NO_REPORTS))))
    if NO_REPORTS in names and names != {NO_REPORTS}:
        raise OptionValueError(msg("cli.alone", name=_param_name(param), value=NO_REPORTS))
    return [report for report in REPORTS if report in names]


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Scenario files, folders, globs, or CSV files (a row per scenario).")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write a report per scenario (JSON, Markdown and HTML; see --reports) and summary.csv/json/md/html here.")] = None,
    reports: Annotated[list[str], typer.Option("--reports", callback=_reports, help="With --output: the reports to write per scenario, comma-separated or with the option repeated: json, markdown, html, or none for the summaries only.")] = list(REPORTS),
    format: Annotated[BatchFormat, typer.Option("--format", "-f", help="table, csv or jsonl on standard output.")] = BatchFormat.table,
    lang: LangOption = Lang.nl,
    as_of: AsOfOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="Stop at the first scenario that fails.")] = False,
    knowledge: KnowledgeOption = None,
) -> None:
    """Advise on many scenarios at once; a bad one is reported and the run goes on."""
    from advisor import batch as batches
    from advisor.loader import load_knowledge

    with handled(lang):
        kb = load_knowledge(knowledge)  # a broken knowledge base stops the run before any scenario
        found, problems = batches.collect(inputs, output)
        for problem in problems:
            _error(str(problem))
        if not found:
            _error(msg("error.no_scenarios", inputs=", ".join(inputs)))
            raise typer.Exit(EXIT_BAD_INPUT)
        if problems and fail_fast:
            raise typer.Exit(EXIT_FAILED)
        with _progress(len(found)) as advance:
            results = batches.run(
                found, root=str(knowledge) if knowledge else None, as_of=_date(as_of), lang=lang.value,
                output=output, reports=reports, processes=jobs, fail_fast=fail_fast, progress=advance,
            )
        if output:
            from advisor.render import batch as batch_view

            batches.write_summary(output, results)
            write_atomic(output / "summary.md", batch_view.summary_markdown(results, kb, lang.value))
            write_atomic(output / "summary.html", batch_view.summary_html(results, kb, lang.value))
        for r in results:
            for problem in r.problems:
                _error(str(problem))
        if format in (BatchFormat.csv, BatchFormat.jsonl):
            pieces = batches.csv_pieces if format == BatchFormat.csv else batches.jsonl_pieces
            for piece in pieces(results):
                out.out(piece, end="", highlight=False)
        else:
            from advisor.render.batch import show

            show(results, kb, lang.value, out)
        if output:  # on standard error, after the table: standard output stays the table, CSV or JSON lines
            said = msg("batch.written", folder=output, reports=", ".join(reports)) if reports else msg("batch.written_none", folder=output)
            err.print(markup(said), soft_wrap=True)
        elif reports != list(REPORTS):
            err.print(markup(msg("batch.reports_unused")), soft_wrap=True)
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
        task = bar.add_task(msg("cli.progress"), total=total)
        yield lambda _result: bar.advance(task)


class StrategyFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"


@app.command()
def strategy(
    file: Annotated[Path, typer.Argument(help="Portfolio file (YAML): the segments of a whole Wmo and youth portfolio.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Folder for the Markdown, HTML and picture files.")] = None,
    format: Annotated[StrategyFormat, typer.Option("--format", "-f", help="Without --output: text (for the terminal), markdown or html on standard output.")] = StrategyFormat.text,
    lang: LangOption = Lang.nl,
    as_of: AsOfOption = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """A procurement strategy for a whole portfolio: routes per segment, Kraljic matrix, checks, planning, documents."""
    from advisor.loader import load_knowledge
    from advisor.render import strategy_text
    from advisor.render.strategy import build, outputs
    from advisor.safe import one_line
    from advisor.strategy import strategy_file
    from advisor.strategy_knowledge import load_strategy_knowledge

    with handled(lang):
        kb = load_knowledge(knowledge)
        sk = load_strategy_knowledge(kb)
        result = strategy_file(kb, sk, file, _date(as_of))
        if format == StrategyFormat.text and not output:
            strategy_text.render(build(result, kb, sk, lang.value), out)
            return
        files = outputs(result, kb, sk, lang.value, file.stem, pictures=output is not None)
        if output:
            for name, data in files.items():
                write_atomic(output / name, data)
                out.print(one_line(str(output / name)), markup=False, highlight=False)
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
    from advisor.loader import load_knowledge
    from advisor.render import compare as view
    from advisor.strategy_knowledge import load_strategy_knowledge

    with handled(lang):
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
    from advisor import clock, opening
    from advisor.interview import Interview, session

    with handled(lang):
        start, title, stored_date, first = {}, name, _date(as_of), None
        if resume or answers:
            from advisor.scenario import load_scenario

            kb = _knowledge(knowledge)
            loaded = load_scenario(kb, resume or answers)
            start, title = loaded.answers, name or loaded.scenario.scenario
            stored_date = stored_date or loaded.scenario.as_of
        else:  # a new questionnaire: its first question can be shown before the knowledge is loaded
            first = opening.read(knowledge, stored_date or clock.today())
            kb = (lambda: _knowledge(knowledge)) if first else _knowledge(knowledge)
        path = resume or save or _new_file(lang.value)
        interview = Interview(kb, out, _read, path, title, lang.value, stored_date or clock.today(), start, stored_date, first)
        with session(path, new=resume is None):
            if interview.run() is None:
                raise typer.Exit(0)


def _knowledge(root):
    from advisor.loader import load_knowledge

    return load_knowledge(root)


def _read(prompt: str) -> str | None:
    """One line from the user; None at the end of the input. Answers piped in are echoed
    (written out safely), so the transcript shows what was answered."""
    try:
        line = out.input(prompt)
    except EOFError:
        return None
    if not sys.stdin.isatty():
        out.print(markup(line), highlight=False)
    return line


def _new_file(lang: str) -> Path:
    from advisor import clock

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
    step: Annotated[bool, typer.Option("--step", help="Pause after each firing (Enter: next, c: rest of the stage, q: quit) and show the rules eligible next.")] = False,
    why_not: Annotated[Optional[str], typer.Option("--why-not", help="An option of any dimension, e.g. open_house: why it was not recommended.")] = None,
    format: Annotated[ExplainFormat, typer.Option("--format", "-f", help="text, markdown, json or mermaid.")] = ExplainFormat.text,
    lang: LangOption = Lang.nl,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file.")] = None,
    as_of: AsOfOption = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Show the reasoning step by step, how each recommendation was derived, and why not another option."""
    from advisor.advise import advise_file
    from advisor.explain import why_not as find_why_not
    from advisor.loader import load_knowledge
    from advisor.render import explanation as ex

    with handled(lang):
        kb = load_knowledge(knowledge)
        advice = advise_file(kb, file, _date(as_of))
        view = ex.trace_view(kb, advice, lang.value, eligible=step)
        if why_not:
            view["why_not"] = ex.why_not_view(kb, find_why_not(kb, advice, why_not), lang.value)
        if format == ExplainFormat.text and not output:
            if why_not:
                ex.why_not_text(view, out)
            elif step:
                ex.step_through(view, out, _read)
            else:
                ex.trace_text(view, out)
            return
        text = ex.to_string(view, format.value)
        if output:
            write_atomic(output, text)
        else:
            out.out(text, end="", highlight=False)


class WhatifFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    mermaid = "mermaid"


@app.command()
def whatif(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    set_: Annotated[Optional[list[str]], typer.Option("--set", help="QUESTION=VALUE, e.g. contract_value=2000000; repeat for more (lists: a,b).")] = None,
    then: Annotated[Optional[str], typer.Option("--then", help="The date of the second run (YYYY-MM-DD): the same answers under the law of that date.")] = None,
    format: Annotated[WhatifFormat, typer.Option("--format", "-f", help="text, markdown (a table), json or mermaid (answers -> decisions).")] = WhatifFormat.text,
    lang: LangOption = Lang.nl,
    as_of: AsOfOption = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Run the scenario with changed answers and show what changes in the advice, and which rules made the difference."""
    from advisor.advise import advise_file
    from advisor.loader import load_knowledge
    from advisor.render import explanation as ex
    from advisor.whatif import compare, parse_settings

    with handled(lang):
        kb = load_knowledge(knowledge)
        if not set_ and then is None:
            _error(msg("error.whatif_nothing"))
            raise typer.Exit(EXIT_BAD_INPUT)
        before = advise_file(kb, file, _date(as_of))
        settings = parse_settings(kb, set_ or [])
        view = ex.whatif_view(kb, compare(kb, before, settings, _date(then, "--then")), settings, lang.value)
        if format == WhatifFormat.json:
            out.out(ex.as_json(view), end="", highlight=False)
        elif format == WhatifFormat.markdown:
            out.out(ex.whatif_markdown(view), end="", highlight=False)
        elif format == WhatifFormat.mermaid:
            out.out(ex.whatif_mermaid(view), end="", highlight=False)
        else:
            ex.whatif_text(view, out)


class ValidateFormat(str, Enum):
    text = "text"
    markdown = "markdown"


@app.command()
def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Validation cases and portfolios, files or folders (default: validation/cases and examples/portfolios).")] = None,
    format: Annotated[ValidateFormat, typer.Option("--format", "-f", help="text or markdown (the report, in English like its analyses).")] = ValidateFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    lang: LangOption = Lang.nl,
    knowledge: KnowledgeOption = None,
) -> None:
    """Run the documented municipal decisions and the portfolios, and report how often the advisor agrees, and where not."""
    from advisor import validation
    from advisor.loader import load_knowledge
    from advisor.render.validation import text

    with handled(lang):
        kb = load_knowledge(knowledge)
        paths = paths or validation.default_paths(kb.root)
        cases, portfolios = validation.run(kb, paths)
        ran = not all(r.problems for r in [*cases, *portfolios])  # else the errors alone
        if ran and (format == ValidateFormat.markdown or output):
            changes = validation.changes(paths)
            report = validation.markdown(cases, changes=changes, portfolios=portfolios)
            if output:
                write_atomic(output, report)
            else:
                out.out(report, end="", highlight=False)
        elif ran:
            text(kb, cases, portfolios, lang.value, out)
        for problem in [p for r in [*cases, *portfolios] for p in r.problems]:
            _error(str(problem))
        if any(r.problems for r in [*cases, *portfolios]):
            raise typer.Exit(EXIT_FAILED)


@app.command()
def schema(knowledge: KnowledgeOption = None) -> None:
    """Print the JSON Schema of scenario files, for validation in an editor."""
    from advisor.loader import load_knowledge
    from advisor.schema import scenario_schema

    with handled():
        import json

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

    with handled(Lang.en):  # reports on the knowledge files, in English like their keys
        findings = check(knowledge, seeds)
        for finding in findings:
            style = "red" if finding.severity == "error" else "yellow"
            out.print(f"[{style}]{msg('knowledge.' + finding.severity)}[/{style}] {markup(str(finding.problem))}", soft_wrap=True)
        errors = sum(f.severity == "error" for f in findings)
        out.print(msg("knowledge.findings", errors=errors, warnings=len(findings) - errors))
        if errors:
            raise typer.Exit(EXIT_FAILED)


@kb_app.command("test")
def kb_test(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Case files or folders (default: tests/rules).")] = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Run the knowledge test cases (answers in, expected decisions and firings out)."""
    from advisor.kb.cases import run_file
    from advisor.loader import load_knowledge
    from advisor.scenario import scenario_files

    with handled(Lang.en):  # reports on the knowledge files, in English like their keys
        kb = load_knowledge(knowledge)
        files = scenario_files(paths or [kb.root / "tests" / "rules"])
        passed = failed = 0
        for path in files:
            for outcome in run_file(kb, path):
                if outcome.passed:
                    passed += 1
                    continue
                failed += 1
                out.print(f"[red]{msg('knowledge.fail')}[/red] {markup(f'{outcome.file}:{outcome.line} {outcome.name}')}", soft_wrap=True)
                for line in outcome.failures:
                    out.print(f"     {line}", soft_wrap=True, markup=False)
        out.print(msg("knowledge.cases", passed=passed, failed=failed))
        if failed:
            raise typer.Exit(EXIT_FAILED)


@kb_app.command("coverage")
def kb_coverage(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files or folders.")],
    format: Annotated[KbFormat, typer.Option("--format", "-f", help="text or json.")] = KbFormat.text,
    as_of: AsOfOption = None,
    knowledge: KnowledgeOption = None,
) -> None:
    """Which rules fired over a set of scenarios, and which never did, per rule file."""
    from advisor.kb.coverage import coverage
    from advisor.loader import load_knowledge
    from advisor.scenario import scenario_files

    with handled(Lang.en):  # reports on the knowledge files, in English like their keys
        kb = load_knowledge(knowledge)
        result = coverage(kb, scenario_files(paths), _date(as_of))
        for problem in result.problems:
            _error(str(problem))
        by_file, by_dimension = result.by_file(kb), result.by_dimension(kb)
        if format == KbFormat.json:
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
                out.print(f"[bold]{markup(file)}[/bold]: " + msg("knowledge.file_fired", fired=fired, rules=len(rules)), soft_wrap=True)
                for rule_id, n in rules:
                    if not n:
                        out.print("  " + msg("knowledge.never_fired", rule=rule_id))
            total = sum(len(r) for r in by_file.values())
            fired = sum(1 for r in by_file.values() for _, n in r if n)
            out.print(msg("knowledge.coverage", scenarios=msg("batch.scenarios", n=result.scenarios), fired=fired, total=total))
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
    from advisor.loader import load_knowledge

    with handled(lang):
        text = reference(load_knowledge(knowledge), lang.value)
        if output:
            write_atomic(output, text)
        else:
            out.out(text, highlight=False, end="")


def main() -> None:  # pragma: no cover - entry point for `python cli.py`
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
