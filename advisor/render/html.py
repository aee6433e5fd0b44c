"""HTML: the report as one self-contained page (inline style sheet, no scripts, no links to
fetch), from the same view as the other formats. It opens in any browser and prints cleanly
to PDF. The template is in templates/; every text in it comes from the view or the catalogue."""

from __future__ import annotations

from collections import OrderedDict
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
    env.globals["decision"] = _decision
    env.globals["steps"] = _steps
    return env


class _Blocks:
    """Blocks a macro renders, each once per key and then reused: a key holds every value the
    block shows, so equal keys give equal blocks. At most `size` are kept, the least recently
    used going first, so memory stays flat over a batch."""

    def __init__(self, template: str, macro: str, size: int):
        self.template, self.macro, self.size = template, macro, size
        self.blocks: OrderedDict[tuple, Markup] = OrderedDict()

    def get(self, key: tuple, *args) -> Markup:
        block = self.blocks.get(key)
        if block is None:
            render = getattr(environment().get_template(self.template).module, self.macro)
            block = self.blocks[key] = render(*args)
            if len(self.blocks) > self.size:
                self.blocks.popitem(last=False)
        else:
            self.blocks.move_to_end(key)
        return block


# A report has about 29 reason blocks, most of them the same rules' as in the reports before.
_REASONS = _Blocks("_reason.html.j2", "reason", 4096)
# A report has 11 decision sections; most come back in later reports (the instrument's seldom,
# hence the least recently used go first rather than all at once).
_DECISIONS = _Blocks("_decision.html.j2", "decision", 1024)
# A report lists about 40 rule firings, out of some hundreds a knowledge base can show.
_STEPS = _Blocks("_step.html.j2", "step", 4096)


def _reason_key(r: dict) -> tuple:
    """The texts the block of a reason shows."""
    return (r["title"], r["text"], r["since_report"], r["check_with_lawyer"],
            tuple([f["text"] for f in r["figures"]]), tuple(r["sources"]))


def _reason(r: dict, lang: str, severity: str | None = None) -> Markup:
    """A reason's block, as the macro in _reason.html.j2 renders it."""
    return _REASONS.get((lang, severity, *_reason_key(r)), r, lang, severity)


def _decision(d: dict, lang: str) -> Markup:
    """A decision's section, as the macro in _decision.html.j2 renders it. Its key holds what
    the section shows: each option's reasons by their texts, its score as the text shown (1 and
    1.0 are equal keys but differ on the page), the deciding questions only where the section
    names them (no advice)."""
    key = (
        lang, d["dimension"], d["name"], d["recommended"], d["recommended_name"], d["definition"],
        d["provisional"], d["assumed"], d["close_call"], tuple(d["missing_text"]) if d["recommended"] is None else (),
        tuple([(o["option"], o["name"], str(o["score"]), o["excluded"],
                tuple(map(_reason_key, o["for"])), tuple(map(_reason_key, o["against"]))) for o in d["options"]]),
        tuple([(tuple(g["options"]), g["reason"]["title"]) for g in d["excluded"]]),
        tuple([(f["text"], f["source"]) for f in d["context"]]),
    )
    return _DECISIONS.get(key, d, lang)


def _steps(steps: list[dict]) -> Markup:
    """The items of the trace's list, each as the macro in _step.html.j2 renders it."""
    return Markup().join(_STEPS.get((s["title"], s["stage_name"], s["rule"]), s) for s in steps)


def render(view: dict) -> str:
    return environment().get_template("report.html.j2").render(v=view, lang=view["language"], fired=fired(view))


def render_batch(head: list[str], rows: Iterable[list[str]], lang: str, title: str, note: str) -> Iterator[str]:
    """The comparison of a batch's scenarios as one page (summary.html), piece by piece as
    the rows come."""
    return environment().get_template("batch.html.j2").generate(head=head, rows=rows, lang=lang, title=title, note=note)
