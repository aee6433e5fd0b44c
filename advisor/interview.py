"""The interactive questionnaire: one question at a time, help and WHY on request, back,
don't know, stop, and a review before the advice. Every answer is saved at once, so an
interruption loses nothing. Input comes from a `read` function (None at end of input)
and output goes to the console passed in, so a terminal, a pipe and a test all work.

A new questionnaire can show its first question before the knowledge is loaded (from what
advisor/opening.py kept); the knowledge, and the modules that reason with it, are loaded
while the user reads it, when the first answer comes in."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from rich.console import Console

from advisor import i18n, opening
from advisor.answers import UNKNOWN, UNKNOWN_WORDS, YES, NO, AnswerError, normalise
from advisor.clock import LAW_START
from advisor.errors import UserError
from advisor.files import locked
from advisor.i18n import Lang, msg, t
from advisor.safe import markup as escape
from advisor.scenario import save_scenario

if TYPE_CHECKING:
    from advisor.advise import Advice
    from advisor.knowledge import KnowledgeBase
    from advisor.models import Question

Read = Callable[[str], "str | None"]

BACK = {"terug", "back", "b", "vorige", "previous"}
WHY = {"waarom", "why", "w"}
WHY_MORE = {"waarom meer", "why more", "w+"}
HELP = {"?", "help", "hulp", "uitleg"}
STOP = {"stop", "quit", "exit", "q"}
NONE = {"geen", "none", "-"}


@contextmanager
def session(path: Path, new: bool):
    """The questionnaire's hold on its file: a new one must not exist yet (it would be
    overwritten), and one questionnaire at a time may write it."""
    if new and Path(path).exists():
        raise UserError("save_exists", path=path)
    with locked(Path(path)):
        yield


class Stopped(Exception):
    """The user stopped, or the input ended; the answers are saved."""


class Interview:
    def __init__(
        self,
        kb: KnowledgeBase | Callable[[], KnowledgeBase],
        console: Console,
        read: Read,
        path: Path,
        name: str | None,
        lang: Lang,
        on: dt.date,
        answers: dict[str, Any] | None = None,
        as_of: dt.date | None = None,
        first: opening.Opening | None = None,
    ):
        """`kb`: the knowledge, or a function that loads it when it is first needed. `first`: the
        first question of a new questionnaire, to show before that (advisor/opening.py)."""
        self._kb, self.console, self.read, self.path = kb, console, read, Path(path)
        self.name, self.lang, self.on, self.as_of = name, lang, on, as_of
        self.answers: dict[str, Any] = dict(answers or {})
        self.history: list[str] = [q for q in self.kb.questions if q in self.answers] if self.answers else []  # resumed answers come first
        self.current: str | None = None  # the question being asked, for scripts and tests
        self.first = first if not self.answers else None

    @property
    def kb(self) -> KnowledgeBase:
        if callable(self._kb):
            self._kb = self._kb()
        return self._kb

    def run(self) -> Advice | None:
        """Ask until nothing left matters, review, and return the advice (None if stopped)."""
        with i18n.using(self.lang):
            return self._run()

    def _run(self) -> Advice | None:
        try:
            if self.name is None:
                self.ask_name()
            self.save()
            if (self.as_of or self.on) < LAW_START:  # nothing to ask: the law the advice rests on did not exist yet
                raise Stopped(msg("ask.before_law", self.lang, date=(self.as_of or self.on).isoformat()))
            while True:
                self.ask_open_questions()
                if not self.review():
                    break
            from advisor import render
            from advisor.advise import advise_file

            advice = advise_file(self.kb, self.path, self.as_of or self.on)
            render.show(advice, self.kb, "text", self.lang, self.console)
            self.offer_report(advice)
            self.say(self.text("saved", path=self.path))
            return advice
        except Stopped as stop:
            self.say(stop.args[0])
            self.goodbye()
            return None
        except KeyboardInterrupt:
            self.console.print()
            self.goodbye()
            raise

    def ask_name(self) -> None:
        """A name for the procurement: the scenario's name and the report's title."""
        self.current = "name"
        default = self.text("default_name", date=self.on.isoformat())
        line = self.read(f"{self.text('name', default=default)}> ")
        if line is None:
            raise Stopped(self.text("ended"))
        self.name = line.strip() or default

    def goodbye(self) -> None:
        self.say(self.text("saved", path=self.path))
        self.say(self.text("resume", path=self.path))

    # --- the questions -------------------------------------------------------
    def ask_open_questions(self) -> None:
        pending: str | None = None
        while True:
            line = None
            if self.first is not None:
                question, line = self.open_with(self.first)
            else:
                from advisor.questionnaire import next_question

                question = self.kb.questions[pending] if pending else next_question(self.kb, self.answers, self.on)
                if question is not None and not self.answers and not self.history and not pending:
                    self.keep_first(question)
            if question is None:
                return
            result = self.ask(question, line)
            if result is BACK_SIGNAL:
                if not self.history:
                    self.say(self.text("first"))
                    pending = question.id
                    continue
                pending = self.history.pop()
                continue
            self.answers[question.id] = result
            self.history.append(question.id)
            pending = None
            self.save()

    def opening_of(self, question: Question) -> opening.Opening:
        """What the question shows as the first of a new questionnaire, in both languages."""
        from advisor.questionnaire import open_questions
        from advisor.render.view import labels

        listed = question.type in ("choice", "multi")
        return opening.Opening(
            question.id, question.type, question.unknown_allowed, {lang: t(question.text, lang) for lang in i18n.LANGS},
            {lang: [labels(self.kb, question.id, lang)[c] for c in self.kb.choices(question)] if listed else [] for lang in i18n.LANGS},
            len(open_questions(self.kb, {question.id: None}, self.on)),
        )

    def keep_first(self, question: Question) -> None:
        """Keep the first question of a new questionnaire, for the next one (advisor/opening.py)."""
        opening.write(self.kb.root, opening.knowledge_dates(self.kb), self.on, self.opening_of(question))

    def open_with(self, first: opening.Opening) -> tuple[Question | None, str | None]:
        """Show the kept first question and read its answer; then load the knowledge and check
        the question is still the first. (The question and the answer read; or, when it is not,
        the real first question and None: it is shown and asked before any answer is taken.)"""
        self.first = None
        self.current = first.question
        self.show(1, first.left, first.text[self.lang], first.labels[self.lang], None, first.unknown_allowed)
        line = self.read(f"{self.hint(first.type)}> ")
        if line is None:
            raise Stopped(self.text("ended"))
        from advisor.questionnaire import next_question

        question = next_question(self.kb, self.answers, self.on)
        if question is None or self.opening_of(question) != first:
            if question is not None:
                self.keep_first(question)
            return question, None
        return question, line

    def show(self, n: int, left: int, text: str, labels: list[str], current: str | None, unknown_allowed: bool) -> None:
        """A question on the screen: where it is in the questionnaire, the question, its options."""
        progress = self.text("progress", n=n, left=left) if left else self.text("progress_last", n=n)
        self.console.print(f"\n[dim]{progress}[/dim]")
        self.console.print(f"[bold]{escape(text)}[/bold]")
        for i, label in enumerate(labels, 1):
            self.console.print(f"  {i:>2}. {escape(label)}")
        if current is not None:
            self.console.print(f"[dim]{self.text('current', value=escape(current))}[/dim]")
        self.console.print(f"[dim]{self.text('commands' if unknown_allowed else 'commands_no_unknown')}[/dim]")

    def ask(self, question: Question, line: str | None = None) -> Any:
        """Ask one question until it gets a valid answer; BACK_SIGNAL to go back. `line`: its
        answer, read already with the question shown (see open_with)."""
        from advisor.questionnaire import open_questions

        self.current = question.id
        choices = self.kb.choices(question)
        labels = self.labels(question)
        current = self.answers.get(question.id)
        if line is None:
            n = (self.history.index(question.id) if question.id in self.history else len(self.history)) + 1
            left = len(open_questions(self.kb, {**self.answers, question.id: None}, self.on))
            listed = [labels[choice] for choice in choices] if question.type in ("choice", "multi") else []
            self.show(n, left, t(question.text, self.lang), listed, None if current is None else self.shown(question, current),
                      question.unknown_allowed)
        while True:
            if line is None:
                line = self.read(f"{self.hint(question.type)}> ")
                if line is None:
                    raise Stopped(self.text("ended"))
            typed, line = line, None
            word = typed.strip().lower()
            if word in STOP:
                raise Stopped(self.text("stopped"))
            if word in BACK:
                return BACK_SIGNAL
            if word in HELP:
                self.help(question)
                continue
            if word in WHY or word in WHY_MORE:
                self.explain(question, detail=word in WHY_MORE)
                continue
            if not word and current is not None:
                return current
            if not word:
                self.console.print(f"[dim]{escape(self.text('empty'))}[/dim]")
                continue
            try:
                return self.parse(question, typed.strip(), choices, labels)
            except AnswerError as err:
                self.console.print(f"[red]{escape(self.text('invalid', error=str(err)))}[/red]")

    def parse(self, question: Question, text: str, choices: list[str], labels: dict[str, str]) -> Any:
        if text.lower() in UNKNOWN_WORDS - {"?"}:
            if not question.unknown_allowed:
                raise AnswerError(self.text("no_unknown"))
            return UNKNOWN
        if question.type == "choice":
            return self.checked(question, [_choice(text, choices, labels, self.synonyms(question))], choices)
        if question.type == "multi":
            if text.lower() in NONE and "none" in choices:
                return ["none"]
            parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
            synonyms = self.synonyms(question)
            return self.checked(question, [_choice(p.strip(), choices, labels, synonyms) for p in parts], choices)
        if question.type == "yes_no":
            text = {"1": "ja", "2": "nee"}.get(text, text)
            if text.lower() not in YES | NO:
                raise AnswerError(f"{self.text('yes_no_hint')} ({self.text('yes_no_options')})")
        return normalise(question, text, choices)

    def checked(self, question: Question, values: list[str], choices: list[str]) -> Any:
        """The typed answer; a choice that does not exist is refused with the nearest option's name."""
        wrong = next((v for v in values if v not in choices), None)
        if wrong is not None:
            labels = self.labels(question)
            names = {**{c: labels[c] for c in choices}, **{labels[c].lower(): labels[c] for c in choices}}
            close = difflib.get_close_matches(wrong.lower(), list(names), n=1, cutoff=0.6)
            hint = msg("error.did_you_mean", word=names[close[0]]) if close else ""
            raise AnswerError(self.text("not_a_choice", value=wrong, last=len(choices)) + hint)
        return normalise(question, values if question.type == "multi" else values[0], choices)

    # --- help and WHY --------------------------------------------------------
    def help(self, question: Question) -> None:
        self.console.print(escape(t(question.help, self.lang)))
        terms = self.related_terms(question)
        if terms:
            self.console.print(f"[bold]{self.text('glossary')}[/bold]")
            for term in terms:
                also = f" ({', '.join(term.synonyms)})" if term.synonyms else ""
                self.console.print(f"  • [bold]{escape(term.term)}[/bold]{escape(also)}: {escape(t(term.definition, self.lang))}")

    def related_terms(self, question: Question) -> list:
        """Glossary terms named in the question, its help or its options."""
        text = " ".join([t(question.text, self.lang), t(question.help, self.lang), *self.labels(question).values()]).lower()
        options = set(self.kb.choices(question))
        return [
            term
            for term in self.kb.glossary.terms
            if term.option in options or any(w.lower() in text for w in [term.term, *term.synonyms] if len(w) > 3)
        ][:6]

    def explain(self, question: Question, detail: bool = False) -> None:
        """The classic WHY, short: what the advice is now, and what each answer would change
        (answers with the same effect together). With `detail`, the rules each answer sets off."""
        from rich.table import Table

        from advisor.advise import advise
        from advisor.questionnaire import why
        from advisor.render.explanation import w

        names = {d: t(self.kb.dimensions[d].name, self.lang) for d in self.kb.dimensions}
        now = advise(self.kb, self.answers, self.on, explore=False).recommended()
        route = " · ".join(f"{names[d]}: {self.option_name(d, now.get(d))}" for d in ("instrument", "regime", "procedure") if d in now)
        self.console.print(f"[bold]{self.text('why_head')}[/bold]")
        self.console.print(f"  [dim]{escape(w('why_head', self.lang, route=route or msg('report.no_advice_yet', self.lang)))}[/dim]")
        groups: dict[tuple, list] = {}
        for effect in why(self.kb, question, self.answers, self.on):
            if effect.out_of_scope:
                what = w("why_out_of_scope", self.lang)
            elif effect.decisions:
                what = "; ".join(f"{names[d]}: {self.option_name(d, after)}" for d, _b, after in effect.decisions)
            else:
                what = w("why_rules", self.lang) if effect.rules else w("why_same", self.lang)
            groups.setdefault((what,), []).append(effect)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for (what,), effects in groups.items():
            shown = [self.shown(question, e.value) for e in effects]
            answers = ", ".join(shown[:3]) + (f" {w('why_others', self.lang, n=len(shown) - 3)}" if len(shown) > 3 else "")
            grid.add_row("  •", f"{escape(answers)} → {escape(what)}")
            if detail:
                rules = dict.fromkeys(r for e in effects for r in e.rules)
                for rule_id in list(rules)[:5]:
                    grid.add_row("", f"[dim]– {escape(t(self.kb.rule[rule_id].rule.title, self.lang))}[/dim]")
        self.console.print(grid)
        if not detail:
            self.console.print(f"  [dim]{escape(w('why_more', self.lang))}[/dim]")

    # --- review, report, saving ----------------------------------------------
    def review(self) -> bool:
        """Show every answer, in the order of asking, and the questions skipped; return True when
        the user changed or added one (more questions may follow)."""
        self.current = "review"
        self.console.print(f"\n[bold]{self.text('review')}[/bold]")
        order = [q for q in self.kb.questions if q in self.answers]
        for i, qid in enumerate(order, 1):
            q = self.kb.questions[qid]
            self.console.print(f"  {i:>2}. {escape(t(q.text, self.lang))} [bold]{escape(self.shown(q, self.answers[qid]))}[/bold]")
        skipped = self.skipped()
        if skipped:
            self.console.print(f"[bold]{self.text('review_skipped')}[/bold]")
            for i, q in enumerate(skipped, len(order) + 1):
                self.console.print(f"  {i:>2}. {escape(t(q.text, self.lang))}")
        listed = [self.kb.questions[q] for q in order] + skipped
        while True:
            line = self.read(f"{self.text('review_prompt')}> ")
            if line is None or not line.strip():
                return False
            word = line.strip().lower()
            if word in STOP:
                raise Stopped(self.text("stopped"))
            if not (word.isdigit() and 1 <= int(word) <= len(listed)):
                self.console.print(f"[red]{escape(self.text('review_invalid', text=line.strip(), last=len(listed)))}[/red]")
                continue
            question = listed[int(word) - 1]
            result = self.ask(question)
            if result is not BACK_SIGNAL:
                self.answers[question.id] = result
                self.answers = {q: self.answers[q] for q in self.kb.questions if q in self.answers}
                self.save()
            return True

    def skipped(self) -> list[Question]:
        """Questions not answered that apply to this case (in asking order)."""
        from advisor.questionnaire import applies, ordered

        return [q for q in ordered(self.kb) if q.id not in self.answers and applies(self.kb, q, self.answers, self.on)]

    def offer_report(self, advice: Advice) -> None:
        self.current = "report"
        line = self.read(f"{self.text('report')}> ")
        if line and line.strip():
            path = Path(line.strip())
            if not path.suffix:
                path = path.with_suffix(".md")
            from advisor import render
            from advisor.files import write_atomic

            write_atomic(path, render.to_string(advice, self.kb, "markdown", self.lang))
            self.say(self.text("report_saved", path=path))

    def save(self) -> None:
        save_scenario(self.path, self.name, self.answers, self.as_of)

    # --- words -----------------------------------------------------------------
    def text(self, key: str, **values) -> str:
        return msg(f"ask.{key}", self.lang, **values)

    def say(self, message: str) -> None:
        self.console.print(escape(message), soft_wrap=True)

    def hint(self, kind: str) -> str:
        """What the prompt says of the answer a question of this type takes."""
        return {
            "multi": self.text("multi_hint") + " ",
            "yes_no": f"({self.text('yes_no_hint')}) ",
            "amount": f"({self.text('amount_hint')}) ",
            "number": f"({self.text('number_hint')}) ",
        }.get(kind, "")

    def labels(self, question: Question) -> dict[str, str]:
        from advisor.render.view import labels

        return labels(self.kb, question.id, self.lang)

    def synonyms(self, question: Question) -> dict[str, str]:
        if question.options_from != "care_forms":
            return {}
        return {s.lower(): c.id for c in self.kb.care_forms.care_forms for s in c.synonyms}

    def shown(self, question: Question, value: Any) -> str:
        from advisor.render.view import shown

        return shown(self.kb, question.id, value, self.lang)

    def option_name(self, dimension: str, option: str | None) -> str:
        if option is None:
            return msg("report.no_advice", self.lang)
        return next(t(o.name, self.lang) for o in self.kb.dimensions[dimension].options if o.id == option)


BACK_SIGNAL = object()


def _choice(text: str, choices: list[str], labels: dict[str, str], synonyms: dict[str, str]) -> str:
    """A choice by number, id, synonym, or the unique label that starts with the text."""
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1]
    low = text.lower()
    if low in choices:
        return low
    if low in synonyms:
        return synonyms[low]
    starts = [c for c in choices if labels[c].lower().startswith(low)]
    return starts[0] if len(starts) == 1 else text
