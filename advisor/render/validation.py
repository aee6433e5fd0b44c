"""`advisor validate` on the terminal: the agreement per dimension of the cases, each
difference with the rules that decided it, then the same for the segments of the portfolios,
each difference with the portfolio's explanation. User text is escaped."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from advisor.i18n import Lang, msg, t
from advisor.knowledge import KnowledgeBase
from advisor.safe import markup as escape
from advisor.validation import CaseResult, PortfolioResult, portfolio_agreement, summarise


def text(kb: KnowledgeBase, cases: list[CaseResult], portfolios: list[PortfolioResult], lang: Lang, console: Console) -> None:
    if cases:
        _cases(kb, cases, lang, console)
    if portfolios:
        if cases:
            console.print()
        _portfolios(kb, portfolios, lang, console)


def _name(kb: KnowledgeBase, dim: str, lang: Lang) -> str:
    return t(kb.dimensions[dim].name, lang) if dim in kb.dimensions else msg("validate.status", lang)


def _agreement(kb: KnowledgeBase, agreement: dict[str, tuple[int, int]], lang: Lang, console: Console) -> None:
    for dim, (agree, n) in agreement.items():
        console.print(f"  {escape(_name(kb, dim, lang))}: {agree}/{n}" + (f" ({100 * agree / n:.0f}%)" if n else ""))


def _differs(line: str, lang: Lang, console: Console) -> None:
    console.print(f"  [yellow]{msg('validate.differs_mark', lang)}[/yellow] {escape(line)}", soft_wrap=True)


def _cases(kb: KnowledgeBase, results: list[CaseResult], lang: Lang, console: Console) -> None:
    summary = summarise(results)
    console.print(msg("validate.summary", lang, cases=msg("validate.cases", lang, n=summary.cases),
                      out_of_scope=summary.out_of_scope, invalid=summary.invalid))
    _agreement(kb, summary.agreement, lang, console)
    for r in results:
        for o in r.outcomes if r.in_scope else []:
            if not o.agrees:
                _differs(msg("validate.differs", lang, case=Path(r.path).name, dimension=_name(kb, o.dimension, lang),
                             decided=o.expected, advised=o.got or "—", rules=", ".join(o.deciding) or msg("validate.no_rule", lang)), lang, console)


def _portfolios(kb: KnowledgeBase, portfolios: list[PortfolioResult], lang: Lang, console: Console) -> None:
    segments = [s for p in portfolios for s in p.segments]
    console.print(msg("validate.portfolio_summary", lang, portfolios=msg("validate.portfolios", lang, n=len(portfolios)),
                      segments=msg("validate.segments", lang, n=len(segments)), compared=sum(1 for s in segments if s.outcomes),
                      invalid=sum(1 for p in portfolios if p.problems)))
    _agreement(kb, portfolio_agreement(portfolios), lang, console)
    for p in portfolios:
        for s in p.segments:
            for o in s.outcomes:
                if o.agrees:
                    continue
                _differs(msg("validate.segment_differs", lang, portfolio=Path(p.path).name, segment=s.name,
                             dimension=_name(kb, o.dimension, lang), chose=o.expected, advised=o.got or "—",
                             rules=", ".join(o.deciding) or msg("validate.no_rule", lang)), lang, console)
                note = msg("validate.explained", lang, note=" ".join(o.note.split())) if o.note else msg("validate.unexplained", lang)
                console.print(f"    [dim]{escape(note)}[/dim]", soft_wrap=True)
