"""The part of `advisor kb docs` on the strategy knowledge (knowledge/strategy.yaml,
planning.yaml and board.yaml), for a domain expert to review: how a segment's figures become
answers, the checks across segments, the goals that conflict, the process advice given once,
the phases of each route with their durations and sources, the document checklist and what
a board weighs in `compare`."""

from __future__ import annotations

from advisor.i18n import Lang, msg, t
from advisor.kb.docs import condition, h
from advisor.knowledge import KnowledgeBase
from advisor.render import phrasing
from advisor.render.view import source
from advisor.strategy_knowledge import Dated, StrategyKnowledge


def strategy(kb: KnowledgeBase, sk: StrategyKnowledge, lang: Lang) -> list[str]:
    lines = [f"## {h('strategy', lang)}", "", h("strategy_intro", lang), ""]
    return lines + derivations(kb, sk, lang) + checks(kb, sk, lang) + conflicts(kb, sk, lang) + once(kb, sk, lang)


def planning(kb: KnowledgeBase, sk: StrategyKnowledge, lang: Lang) -> list[str]:
    lines = [f"## {h('planning', lang)}", "", h("planning_intro", lang), "", f"### {h('phases', lang)}", ""]
    lines += [f"{i}. **{t(p.name, lang)}** (`{p.id}`)" for i, p in enumerate(sk.planning.phases, 1)] + [""]
    for loaded in sk.routes:
        lines += route(kb, sk, loaded, lang)
    return lines + checklist(kb, sk, lang)


def _sources(refs, kb: KnowledgeBase, lang: Lang) -> str:
    return f"*{msg('report.sources', lang)}:* " + "; ".join(source(s, kb, lang) for s in refs)


def _period(item: Dated, lang: Lang) -> str:
    """' (from 2016-07-01)' where an item is not in force from the start of the law."""
    parts = [f"{h('from', lang)} {item.valid_from}"] if item.valid_from > Dated().valid_from else []
    parts += [f"{h('until', lang)} {item.valid_until}"] if item.valid_until else []
    return f" ({', '.join(parts)})" if parts else ""


def _when(kb: KnowledgeBase, alternatives, lang: Lang) -> str:
    whens = [" ∧ ".join(condition(kb, test, lang) for test in conj) or h("always", lang) for conj in alternatives]
    return f" **{h('or', lang)}** ".join(whens) or h("always", lang)


def derivations(kb: KnowledgeBase, sk: StrategyKnowledge, lang: Lang) -> list[str]:
    lines = [f"### {h('derivations', lang)}", ""]
    for d in sk.strategy.derivations:
        question = t(kb.questions[d.question].text, lang)
        bands = [(h("band_below", lang).format(limit=_limit(d.measure, b.below)) if b.below is not None else h("band_rest", lang))
                 + f": {phrasing.value(kb, d.question, b.value, lang, ids=True)}" for b in d.bands]
        lines += [
            f"#### `{d.question}` — {question}",
            "",
            f"- **{h('measure', lang)}** {h('measure.' + d.measure, lang)}",
            f"- **{h('bands', lang)}** " + "; ".join(bands),
            f"- **{h('why', lang)}** {t(d.because, lang)}",
            f"- *{h('confidence', lang)}:* {d.confidence}",
            f"- {_sources(d.sources, kb, lang)}",
            "",
        ]
    return lines


def _limit(measure: str, below: float) -> str:
    """A band's limit as read: a share as a percentage, a ratio as a multiple of the average."""
    return f"{below:.0%}" if measure.endswith("_share") else f"{below:g}×"


def checks(kb: KnowledgeBase, sk: StrategyKnowledge, lang: Lang) -> list[str]:
    lines = [f"### {h('checks', lang)}", "", h("checks_intro", lang), ""]
    for c in sk.strategy.checks:
        meta = f"{h('severity', lang)} {c.severity}; {h('confidence', lang)} {c.confidence}{_period(c, lang)}"
        lines += [f"#### {t(c.title, lang)} (`{c.id}`)", "", f"*`{c.kind}`; {meta}*", "", t(c.text, lang), "", f"- {_sources(c.sources, kb, lang)}", ""]
    return lines


def conflicts(kb: KnowledgeBase, sk: StrategyKnowledge, lang: Lang) -> list[str]:
    lines = [f"### {h('goal_conflicts', lang)}", ""]
    for g in sk.strategy.goal_conflicts:
        a, b = (condition_value(kb, m, lang) for m in g.motives)
        lines += [f"- **{a}** ↔ **{b}**{_period(g, lang)}: {t(g.text, lang)}", f"  - {_sources(g.sources, kb, lang)}"]
    return lines + [""]


def condition_value(kb: KnowledgeBase, motive: str, lang: Lang) -> str:
    label = next((t(c.label, lang) for c in kb.questions["motives"].options if c.id == motive), motive)
    return f"{label} (`{motive}`)"


def once(kb: KnowledgeBase, sk: StrategyKnowledge, lang: Lang) -> list[str]:
    lines = [f"### {h('once', lang)}", "", h("once_intro", lang), ""]
    lines += [f"- {t(kb.rule[r].rule.title, lang)} (`{r}`)" for r in sk.strategy.once] + [""]
    for a in sk.strategy.advice:
        lines += [f"#### {t(a.title, lang)} (`{a.id}`){_period(a, lang)}", "", t(a.text, lang), "", f"- {_sources(a.sources, kb, lang)}", ""]
    return lines


def route(kb: KnowledgeBase, sk: StrategyKnowledge, loaded, lang: Lang) -> list[str]:
    r = loaded.route
    phases = sk.phases
    total = sum(s.weeks for s in r.steps)
    lines = [f"### {t(r.name, lang)} (`{r.id}`)", "", f"- **{h('when', lang)}** {_when(kb, loaded.alternatives, lang)}",
             f"- {h('total_weeks', lang).format(weeks=total)}", ""]
    lines += [f"| {h('phase', lang)} | {h('weeks', lang)} | {h('basis', lang)} | {h('confidence', lang).capitalize()} | {msg('report.sources', lang)} |",
              "|---|---|---|---|---|"]
    for s in r.steps:
        name = t(phases[s.phase].name, lang) + (f" — {t(s.note, lang)}" if s.note else "") + _period(s, lang)
        sources = "; ".join(source(x, kb, lang) for x in s.sources)
        lines.append(f"| {_cell(name)} | {s.weeks} | {msg('strategy.basis.' + s.basis, lang)} | {s.confidence} | {_cell(sources)} |")
    return lines + [""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def checklist(kb: KnowledgeBase, sk: StrategyKnowledge, lang: Lang) -> list[str]:
    lines = [f"### {h('checklist', lang)}", "", h("checklist_intro", lang), ""]
    for loaded in sk.checklist:
        item = loaded.item
        lines += [
            f"#### {t(item.name, lang)} (`{item.id}`){_period(item, lang)}",
            "",
            t(item.purpose, lang),
            "",
            f"- **{h('when', lang)}** {_when(kb, loaded.alternatives, lang)}",
            f"- *{h('confidence', lang)}:* {item.confidence}",
            f"- {_sources(item.sources, kb, lang)}",
            "",
        ]
    return lines


def board(kb: KnowledgeBase, sk: StrategyKnowledge, lang: Lang) -> list[str]:
    lines = [f"## {h('board', lang)}", "", h("board_intro", lang), ""]
    for c in sk.board.criteria:
        lines += [f"### {t(c.name, lang)} (`{c.id}`)", "", f"*{t(c.question, lang)}*", ""]
        for s in c.scores:
            lines.append(f"- **{s.points:+d}** {_score_basis(kb, s, lang)}: {t(s.because, lang)}")
            lines.append(f"  - {_sources(s.sources, kb, lang)}")
        lines.append("")
    return lines


def _score_basis(kb: KnowledgeBase, score, lang: Lang) -> str:
    if score.rule:
        return h("rule_fires", lang).format(rule=f"{t(kb.rule[score.rule].rule.title, lang)} (`{score.rule}`)")
    return "; ".join(f"{t(kb.dimensions[d].name, lang)} = {_option(kb, d, o, lang)} (`{o}`)" for d, o in score.option.items())


def _option(kb: KnowledgeBase, dim: str, option: str, lang: Lang) -> str:
    return next(t(o.name, lang) for o in kb.dimensions[dim].options if o.id == option)
