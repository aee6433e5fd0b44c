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

from advisor.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, AdvisorError, InputError

app = typer.Typer(
    name="advisor",
    help="Advice on contracting Wmo 2015 support and youth care (Jeugdwet) for Dutch municipalities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


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


@contextmanager
def handled():
    """The one place errors become messages and exit codes; no tracebacks for users."""
    try:
        yield
    except typer.Exit:
        raise
    except InputError as error:
        for problem in error.problems:
            err.print(f"[red]error:[/red] {problem}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(error.exit_code) from None
    except AdvisorError as error:
        err.print(f"[red]error:[/red] {error}", soft_wrap=True)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None
    except Exception as error:  # noqa: BLE001 - a bug: say so briefly, keep the traceback on request
        if os.environ.get("ADVISOR_DEBUG"):
            raise
        err.print(f"[red]internal error:[/red] {type(error).__name__}: {error} (set ADVISOR_DEBUG=1 for a traceback)")
        raise typer.Exit(EXIT_INTERNAL) from None


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        err.print(f"[red]error:[/red] --as-of: '{value}' is not a date; write YYYY-MM-DD")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _write(path: Path, content: str) -> None:
    """Write atomically: a temporary file beside the target, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)


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

    with handled():
        kb = load_knowledge(knowledge)
        advice = advise_file(kb, file, _date(as_of))
        if output:
            _write(output, render.to_string(advice, kb, format.value, lang.value))
        else:
            render.show(advice, kb, format.value, lang.value, out)


@app.command()
def schema(knowledge: KnowledgeOption = None) -> None:
    """Print the JSON Schema of scenario files, for validation in an editor."""
    from advisor.knowledge import load_knowledge
    from advisor.schema import scenario_schema

    with handled():
        out.out(json.dumps(scenario_schema(load_knowledge(knowledge)), ensure_ascii=False, indent=2), highlight=False)


def main() -> None:  # pragma: no cover - entry point for `python cli.py`
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
