"""HTML: the report as one self-contained page (inline style sheet, no scripts, no links to
fetch), from the same view as the other formats. It opens in any browser and prints cleanly
to PDF. The template is in templates/; every text in it comes from the view or the catalogue."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from advisor.i18n import msg, today
from advisor.render.view import caveat, flag, undecided
from advisor.safe import clean, needs_cleaning
from advisor.render.markdown import fired


def _shown(value: object) -> object:
    """Every text on the page with its control characters written out, never obeyed
    (line breaks in descriptions stay line breaks). Markup the templates made themselves
    (a macro's output) passes as it is."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        if needs_cleaning(value):
            return "\n".join(clean(line) for line in value.split("\n"))
        return str(value)  # as a plain string, like the cleaned ones: Jinja escapes it as text
    return value


class _ViewEnvironment(Environment):
    """The view is made of dicts: `v.summary` looks the key up at once (Jinja tries an
    attribute first and only then the key, by way of an exception, for every `.` in a template).
    The names of dict methods keep Jinja's order, so the pages are the same either way."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_METHODS:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


_DICT_METHODS = frozenset(dir(dict))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = _ViewEnvironment(
        loader=PackageLoader("advisor.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_shown,
        auto_reload=False,  # the templates are part of the package: no stat per report
    )
    env.globals["msg"] = msg
    env.globals["flag"] = flag
    env.globals["caveat"] = caveat
    env.globals["undecided"] = undecided
    env.globals["today"] = today
    env.globals["reason"] = _reason
    return env


_REASONS: dict[tuple, Markup] = {}
REASONS_SIZE = 4096  # rendered reason blocks kept; cleared when full, so memory stays flat over a batch


def _reason(r: dict, lang: str, severity: str | None = None) -> Markup:
    """A reason's block, as the macro in _reason.html.j2 renders it. The block depends only on
    the texts the macro reads, and the same reasons come back report after report (29 blocks a
    report, most of them the same rules'), so each is rendered once."""
    key = (lang, severity, r["title"], r["text"], r["since_report"], r["check_with_lawyer"],
           tuple(f["text"] for f in r["figures"]), tuple(r["sources"]))
    block = _REASONS.get(key)
    if block is None:
        if len(_REASONS) >= REASONS_SIZE:
            _REASONS.clear()
        block = _REASONS[key] = environment().get_template("_reason.html.j2").module.reason(r, lang, severity)
    return block


def render(view: dict) -> str:
    return environment().get_template("report.html.j2").render(v=view, lang=view["language"], fired=fired(view))


def render_batch(head: list[str], rows: Iterable[list[str]], lang: str, title: str, note: str) -> Iterator[str]:
    """The comparison of a batch's scenarios as one page (summary.html), piece by piece as
    the rows come."""
    return environment().get_template("batch.html.j2").generate(head=head, rows=rows, lang=lang, title=title, note=note)
