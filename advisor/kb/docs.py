"""`advisor kb docs`: the whole knowledge base as a Markdown reference, for domain experts
to review and trainers to hand out: a timeline of the law, the questions, every rule with
its conditions in words, the vocabulary, the strategy knowledge (strategy, planning and
board criteria) and the glossary."""

from __future__ import annotations

from advisor.conditions import Test
from advisor.i18n import Lang, money, msg, t
from advisor.knowledge import KnowledgeBase, LoadedRule
from advisor.render import phrasing
from advisor.render.view import source

def h(key: str, lang: Lang) -> str:
    return msg(f"kb.{key}", lang)


def reference(kb: KnowledgeBase, lang: Lang) -> str:
    intro = msg("kb.intro", lang, reviewed=kb.sources.reviewed, rules=len(kb.rules), questions=len(kb.questions))
    parts = [f"# {h('title', lang)}", "", intro, ""]
    parts += timeline(kb, lang) + questions(kb, lang) + rules(kb, lang) + vocabulary(kb, lang)
    parts += strategy_knowledge(kb, lang) + glossary(kb, lang)
    return "\n".join(parts) + "\n"


def strategy_knowledge(kb: KnowledgeBase, lang: Lang) -> list[str]:
    """knowledge/strategy.yaml, planning.yaml and board.yaml in words (advisor/kb/strategy_docs.py)."""
    from advisor.kb import strategy_docs  # imported here: it imports h and condition from this module
    from advisor.strategy_knowledge import load_strategy_knowledge

    sk = load_strategy_knowledge(kb)
    return strategy_docs.strategy(kb, sk, lang) + strategy_docs.planning(kb, sk, lang) + strategy_docs.board(kb, sk, lang)


def timeline(kb: KnowledgeBase, lang: Lang) -> list[str]:
    events = []
    for r in kb.rules:
        if r.rule.valid_from.year > 2015 or r.rule.valid_from.month > 1:
            events.append((r.rule.valid_from, f"{h('from', lang)}: {t(r.rule.title, lang)} (`{r.id}`)"))
        if r.rule.valid_until:
            events.append((r.rule.valid_until, f"{h('until', lang)}: {t(r.rule.title, lang)} (`{r.id}`)"))
    for th in kb.thresholds.thresholds:
        for p in th.periods:
            events.append((p.valid_from, f"{t(th.name, lang)}: {money(p.amount, lang)}"))
    lines = [f"## {h('timeline', lang)}", ""]
    lines += [f"- **{day.isoformat()}** {text}" for day, text in sorted(events, key=lambda e: (e[0], e[1]))]
    return lines + [""]


def questions(kb: KnowledgeBase, lang: Lang) -> list[str]:
    lines = [f"## {h('questions', lang)}", ""]
    for q in kb.questions.values():
        lines += [f"### `{q.id}` — {t(q.text, lang)}", "", f"*{q.type}*. {t(q.help, lang)}", ""]
        if q.options:
            lines += [f"- `{c.id}`: {t(c.label, lang)}" for c in q.options] + [""]
    return lines


def rules(kb: KnowledgeBase, lang: Lang) -> list[str]:
    lines = [f"## {h('rules', lang)}", ""]
    current = None
    for r in kb.rules:
        if r.file != current:
            current = r.file
            lines += [f"### {current.rsplit('/', 1)[-1]}", ""]
        lines += rule(kb, r, lang)
    return lines


def rule(kb: KnowledgeBase, r: LoadedRule, lang: Lang) -> list[str]:
    rule_ = r.rule
    period = f"{rule_.valid_from}" + (f" – {rule_.valid_until}" if rule_.valid_until else " –")
    meta = f"{h('stage', lang)} {r.stage}; {h('period', lang).lower()} {period}; {h('confidence', lang)} {rule_.confidence}"
    lines = [f"#### {t(rule_.title, lang)} (`{r.id}`)", "", f"*{meta}*", ""]
    whens = [" ∧ ".join(condition(kb, test, lang) for test in conj) or h("always", lang) for conj in r.alternatives]
    lines.append(f"- **{h('when', lang)}** " + f" **{h('or', lang)}** ".join(whens))
    lines.append(f"- **{h('then', lang)}** " + "; ".join(conclusions(kb, r, lang)))
    lines.append(f"- **{h('why', lang)}** {t(rule_.because, lang)}")
    if rule_.since_report:
        lines.append(f"- *{msg('report.since_report', lang)}:* {t(rule_.since_report, lang)}")
    lines.append(f"- *{msg('report.sources', lang)}:* " + "; ".join(source(s, kb, lang) for s in rule_.sources))
    return lines + [""]


def condition(kb: KnowledgeBase, test: Test, lang: Lang) -> str:
    return phrasing.condition(kb, test, lang, ids=True)


def conclusions(kb: KnowledgeBase, r: LoadedRule, lang: Lang) -> list[str]:
    return phrasing.conclusions(kb, r, lang, ids=True)


def vocabulary(kb: KnowledgeBase, lang: Lang) -> list[str]:
    lines = [f"## {h('vocabulary', lang)}", ""]
    for d in kb.dimensions.values():
        lines += [f"### {t(d.name, lang)} (`{d.id}`)", "", t(d.description, lang), ""]
        for o in d.options:
            also = f" *{h('synonyms', lang)}: {', '.join(o.synonyms)}*" if o.synonyms else ""
            lines.append(f"- **{t(o.name, lang)}** (`{o.id}`): {t(o.definition, lang)}{also}")
        lines.append("")
    lines += [f"### {h('care_forms', lang)}", ""]
    for c in kb.care_forms.care_forms:
        scope = "" if c.in_scope else f" — *{h('out_of_scope', lang)}*"
        lines.append(f"- **{t(c.name, lang)}** (`{c.id}`, {c.law}){scope}: {t(c.description, lang)}")
    return lines + [""]


def glossary(kb: KnowledgeBase, lang: Lang) -> list[str]:
    lines = [f"## {h('glossary', lang)}", ""]
    for term in sorted(kb.glossary.terms, key=lambda x: x.term.lower()):
        also = f" *{h('synonyms', lang)}: {', '.join(term.synonyms)}*" if term.synonyms else ""
        lines.append(f"- **{term.term}**: {t(term.definition, lang)}{also}")
    return lines + [""]
