"""The words of the pages in English and French (the vocabulary carries both for facts)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {"title": "lexlux — the law as code", "explorer": "Law explorer",
           "playground": "Case playground", "questions": "Open questions", "search": "Search",
           "search_placeholder": "article, output, fact or word", "rules": "rules",
           "versions": "Versions", "in_force_from": "in force from", "until": "until",
           "amended_by": "amended by", "basis": "basis", "sources": "Sources (cited lines)",
           "parameters": "Parameters", "depends_on": "relies on", "used_by": "relied on by",
           "scenarios": "Scenarios that test it", "coverage": "Coverage",
           "notes": "Notes", "history": "Values over time", "value": "value",
           "from": "from", "no_results": "Nothing matches.", "authority": "authority",
           "reading": "reading", "outputs": "concludes", "evaluate": "Evaluate",
           "as_of": "as of", "law_as_of": "law of", "case_yaml": "Case (YAML)",
           "answers": "Answers", "whatif": "What if", "set_fact": "change a fact (NAME=VALUE)",
           "compare": "Compare", "payer": "Who pays each month", "export": "Export",
           "graph": "Dependency graph", "none": "none", "example": "Load an example",
           "condition": "when", "conclusion": "then",
           "periods": "Periods, bans and rights in time"},
    "fr": {"title": "lexlux — le droit en code", "explorer": "Explorateur du droit",
           "playground": "Bac à sable des cas", "questions": "Questions ouvertes",
           "search": "Rechercher", "search_placeholder": "article, résultat, fait ou mot",
           "rules": "règles", "versions": "Versions", "in_force_from": "en vigueur du",
           "until": "au", "amended_by": "modifié par", "basis": "fondement",
           "sources": "Sources (lignes citées)", "parameters": "Paramètres",
           "depends_on": "s’appuie sur", "used_by": "utilisé par",
           "scenarios": "Scénarios qui la testent", "coverage": "Couverture",
           "notes": "Notes", "history": "Valeurs dans le temps", "value": "valeur",
           "from": "à partir du", "no_results": "Aucun résultat.", "authority": "autorité",
           "reading": "lecture", "outputs": "conclut", "evaluate": "Évaluer",
           "as_of": "à la date du", "law_as_of": "droit du", "case_yaml": "Cas (YAML)",
           "answers": "Réponses", "whatif": "Et si", "set_fact": "changer un fait (NOM=VALEUR)",
           "compare": "Comparer", "payer": "Qui paie chaque mois", "export": "Exporter",
           "graph": "Graphe des dépendances", "none": "aucun", "example": "Charger un exemple",
           "condition": "si", "conclusion": "alors",
           "periods": "Périodes, interdictions et droits dans le temps"},
}


def labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["en"])
