"""The bot beside a plain baseline on a labelled file: character 1–3-gram TF-IDF nearest neighbour over the
knowledge base's own phrasings (scikit-learn, a dev dependency), answering with the nearest entry's answer.

Run: .venv/bin/python bench/tfidf_baseline.py [../shared/eval/real_dev.jsonl]   (prints figures; asserts nothing)
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.neighbors import NearestNeighbors  # noqa: E402

from bot.app import build_services  # noqa: E402
from bot.cli import _ask_one  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.evaluate import Report, evaluate, load_items  # noqa: E402
from intents import IntentId, Reply  # noqa: E402
from intents.normalize import normalize  # noqa: E402
from knowledge import load_knowledge  # noqa: E402


def baseline(file: Path, labour_laws: set[str]) -> Report:
    """Nearest phrasing by cosine over char 1–3-gram TF-IDF; always answers (it has no notion of doubt)."""
    kb = load_knowledge()
    texts = [normalize(p) for entry in kb.entries for p in entry.phrasings]
    owners = [entry for entry in kb.entries for _ in entry.phrasings]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    index = NearestNeighbors(n_neighbors=1, metric="cosine").fit(matrix)

    def ask(text: str) -> Reply:
        distance, position = index.kneighbors(vectorizer.transform([normalize(text)]))
        entry = owners[int(position[0][0])]
        return Reply(entry.answer, IntentId(entry.intent), float(1 - distance[0][0]))

    return evaluate(load_items(file), ask, labour_laws)


def bot(file: Path) -> tuple[Report, set[str]]:
    """The shipped bot through the whole pipeline, each question from a new user, on a throw-away database."""
    with tempfile.TemporaryDirectory(prefix="unionbot-bench-") as folder:
        settings = load_settings(REPO / "config.toml", database_url=f"sqlite:///{folder}/bench.db")
        services = build_services(settings)
        labour_laws = {name for law in services.kb.laws if law.intent == "labor_law" for name in law.names}
        report = evaluate(
            load_items(file), lambda text: _ask_one(services, f"b-{uuid.uuid4().hex[:12]}", text), labour_laws
        )
        services.engine.dispose()
    return report, labour_laws


def main() -> None:
    file = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "eval" / "real_dev.jsonl"
    ours, labour_laws = bot(file)
    theirs = baseline(file, labour_laws)
    rows = [
        ("answered directly", "answered"),
        ("menu", "menu"),
        ("not understood", "not_understood"),
        ("intent accuracy", "intent_accuracy"),
        ("key fact stated", "key_fact"),
        ("answered as labour law", "answered_as_labour"),
    ]
    print(f"{file.name}: bot vs TF-IDF char 1-3-gram nearest neighbour")
    for group in ours.groups:
        mine, base = ours.groups[group].as_dict(group), theirs.groups[group].as_dict(group)
        print(f"  {group} ({mine['total']} items)")
        for label, key in rows:
            if key in mine:
                print(f"    {label:<24} {mine[key]:7.1%}   {base[key]:7.1%}")


if __name__ == "__main__":
    main()
