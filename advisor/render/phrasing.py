"""Rules and conditions in words, shared by the knowledge reference (kb docs, which shows the
ids a knowledge engineer writes) and the explanations (which show names only)."""

from __future__ import annotations

from advisor.conditions import Test
from advisor.i18n import Lang, has, money, msg, t, yes_no
from advisor.knowledge import KnowledgeBase, LoadedRule
from advisor.render.view import labels


def fact_name(kb: KnowledgeBase, fact: str, lang: Lang) -> str:
    """A dimension's name, or the short name of a question or derived fact."""
    if fact in kb.dimensions:
        return t(kb.dimensions[fact].name, lang)
    return msg(f"fact.{fact}", lang) if has(f"fact.{fact}", lang) else fact


def value(kb: KnowledgeBase, fact: str, v, lang: Lang, ids: bool = False) -> str:
    """A value as read: an option's label or name, yes/no, an amount, a threshold's name."""
    if isinstance(v, bool):
        return yes_no(v, lang)
    if isinstance(v, str) and v.startswith("threshold."):
        return next(t(th.name, lang) for th in kb.thresholds.thresholds if th.id == v.removeprefix("threshold.")).lower()
    if isinstance(v, (int, float)):
        return money(v, lang) if fact == "contract_value" else str(v)
    if fact in kb.questions:
        label = labels(kb, fact, lang).get(v, v)
        return f"{label} (`{v}`)" if ids else label
    if fact in kb.dimensions:
        return next(t(o.name, lang) for o in kb.dimensions[fact].options if o.id == v)
    key = f"fact_value.{fact}.{v}"
    return f"`{v}`" if ids or not has(key, lang) else msg(key, lang)


def condition(kb: KnowledgeBase, test: Test, lang: Lang, ids: bool = False) -> str:
    q = kb.questions.get(test.fact)
    op = test.op
    if q is not None and q.type == "multi" and op in ("eq", "in"):
        op = "includes" if op == "eq" else "includes_any"
    subject = f"`{test.fact}`" if ids else fact_name(kb, test.fact, lang)
    words = msg(f"phrase.op_{op}", lang)
    if op in ("exists", "unanswered"):
        return f"{subject} {words}"
    return f"{subject} {words} {', '.join(value(kb, test.fact, v, lang, ids) for v in test.values())}"


def conclusions(kb: KnowledgeBase, r: LoadedRule, lang: Lang, ids: bool = False) -> list[str]:
    then = r.rule.then
    out = []
    for kind in ("support", "oppose", "exclude"):
        for dim, options in getattr(then, kind).items():
            names = [value(kb, dim, o, lang) for o in ([options] if isinstance(options, str) else options)]
            weight = f" ({msg('phrase.weight', lang)} {then.weight})" if kind != "exclude" else ""
            out.append(f"{msg('phrase.' + kind, lang)} {t(kb.dimensions[dim].name, lang)}: {', '.join(names)}{weight}")
    for name, v in then.derive.items():
        if ids:
            out.append(f"{msg('phrase.derive', lang)} `{name}` = `{v}`")
        else:
            out.append(f"{msg('phrase.derive', lang)} {fact_name(kb, name, lang)} = {value(kb, name, v, lang)}")
    if then.warning:
        out.append(f"{msg('phrase.warning', lang)} ({msg('report.severity.' + then.warning, lang)})")
    if then.advice:
        out.append(msg("phrase.advice", lang))
    if then.stop:
        out.append(msg("phrase.stop", lang))
    return out
