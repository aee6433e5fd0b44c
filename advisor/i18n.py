"""The one place that picks a language, and the labels of the user interface."""

from __future__ import annotations

from typing import Literal

Lang = Literal["nl", "en"]
LANGS = ("nl", "en")

LABELS: dict[str, dict[str, str]] = {
    "advice_for": {"nl": "Advies voor", "en": "Advice for"},
    "applies_on": {"nl": "Advies geldt op", "en": "Advice applies on"},
    "reviewed": {"nl": "kennis bijgewerkt tot", "en": "knowledge reviewed up to"},
    "recommended": {"nl": "Aanbevolen", "en": "Recommended"},
    "close_call": {"nl": "nipte keuze", "en": "close call"},
    "no_advice": {"nl": "geen advies", "en": "no advice"},
    "for": {"nl": "Voor", "en": "For"},
    "against": {"nl": "Tegen", "en": "Against"},
    "excluded": {"nl": "Uitgesloten", "en": "Excluded"},
    "alternatives": {"nl": "Alternatieven", "en": "Alternatives"},
    "score": {"nl": "score", "en": "score"},
    "context": {"nl": "Ter vergelijking (2018)", "en": "For comparison (2018)"},
    "warnings": {"nl": "Waarschuwingen", "en": "Warnings"},
    "process_advice": {"nl": "Procesadvies", "en": "Process advice"},
    "missing": {"nl": "Ontbrekende antwoorden die het advies kunnen veranderen", "en": "Missing answers that could change the advice"},
    "unknown": {"nl": "Beantwoord met 'weet niet' (behandeld als onbeantwoord)", "en": "Answered 'don't know' (treated as unanswered)"},
    "affects": {"nl": "raakt", "en": "affects"},
    "rules_fired": {"nl": "Afgevuurde regels", "en": "Rules fired"},
    "sources": {"nl": "Bronnen", "en": "Sources"},
    "answers": {"nl": "Antwoorden", "en": "Answers"},
    "out_of_scope": {"nl": "Buiten de kennis van de adviseur", "en": "Outside the advisor's knowledge"},
    "undecided": {
        "nl": "Geen regel ondersteunt een optie; beantwoord de ontbrekende vragen.",
        "en": "No rule supports any option; answer the missing questions.",
    },
    "not_reached": {"nl": "Niet beoordeeld", "en": "Not assessed"},
    "disclaimer": {
        "nl": "Beslisondersteuning met bronnen, geen juridisch advies.",
        "en": "Decision support with sources, not legal advice.",
    },
    "severity.high": {"nl": "hoog", "en": "high"},
    "severity.medium": {"nl": "middel", "en": "medium"},
    "severity.low": {"nl": "laag", "en": "low"},
    "severity.info": {"nl": "info", "en": "info"},
    "lines": {"nl": "regels", "en": "lines"},
    "since_report": {"nl": "Toen en nu", "en": "Then and now"},
    "check_with_lawyer": {
        "nl": "Niet uitgemaakt of niet geverifieerd: laat dit toetsen door een jurist.",
        "en": "Unsettled or unverified: have this checked by a lawyer.",
    },
    "stage": {"nl": "Fase", "en": "Stage"},
    "decided": {"nl": "besluit", "en": "decision"},
    "assumption": {"nl": "Aanname", "en": "Assumption"},
    "assumption_intro": {
        "nl": "Deze vraag is niet beantwoord; het advies gaat uit van het antwoord waar uw gegevens op wijzen",
        "en": "This question is not answered; the advice assumes the answer your facts point to",
    },
    "because_of": {"nl": "want", "en": "because"},
    "depends_on": {"nl": "Hangt af van een ontbrekend antwoord", "en": "Depends on a missing answer"},
    "if_answer": {"nl": "Als het antwoord is", "en": "If the answer is"},
    "assumed_mark": {"nl": "aangenomen", "en": "assumed"},
    "mixed_evidence": {
        "nl": "Uw gegevens wijzen beide kanten op; het advies neemt geen antwoord aan.",
        "en": "Your facts point both ways; the advice assumes no answer.",
    },
    "below": {"nl": "onder", "en": "below"},
    "or_more": {"nl": "of meer", "en": "or more"},
    "to": {"nl": "tot", "en": "to"},
    "or": {"nl": "of", "en": "or"},
    "no_advice_yet": {"nl": "nog geen advies", "en": "no advice yet"},
    "today_in": {"nl": "vandaag in {zone}", "en": "today in {zone}"},
}


# Messages about the user's environment and session, by key (see errors.UserError).
MESSAGES: dict[str, dict[str, str]] = {
    "cannot_write": {"nl": "{path}: kan niet schrijven: {reason}", "en": "{path}: cannot write: {reason}"},
    "stdout": {"nl": "standaarduitvoer", "en": "standard output"},
    "encoding": {
        "nl": "de uitvoer kan niet in {encoding} worden geschreven ({char}); zet PYTHONIOENCODING=utf-8",
        "en": "the output cannot be written in {encoding} ({char}); set PYTHONIOENCODING=utf-8",
    },
    "save_exists": {
        "nl": "{path} bestaat al; ga verder met 'advisor ask --resume {path}' of kies een andere naam",
        "en": "{path} already exists; continue it with 'advisor ask --resume {path}' or choose another name",
    },
    "locked": {
        "nl": "{path} is al open in een andere vragenlijst (proces {pid}); sluit die eerst af",
        "en": "{path} is already open in another questionnaire (process {pid}); finish that one first",
    },
    "interrupted": {"nl": "onderbroken", "en": "interrupted"},
}


def message(key: str, lang: Lang, **values) -> str:
    return MESSAGES[key][lang].format(**values)


def t(text, lang: Lang) -> str:
    """The text in `lang`: from a Text model, a {nl, en} dict, or a label key."""
    if isinstance(text, str):
        return LABELS[text][lang]
    if isinstance(text, dict):
        return text[lang]
    return getattr(text, lang)


def today(view: dict, lang: Lang) -> str:
    """' (today in Europe/Amsterdam)' when the advice is for today's date, else ''."""
    return f" ({t('today_in', lang).format(zone=view['as_of_clock'])})" if view.get("as_of_clock") else ""


def money(amount: float, lang: Lang) -> str:
    """€ 750.000 (nl) / € 750,000 (en)."""
    whole = f"{amount:,.0f}"
    return "€ " + (whole.replace(",", ".") if lang == "nl" else whole)
