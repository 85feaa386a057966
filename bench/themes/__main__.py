"""Theme-finding benchmark: consult's themes against two human codings, a baseline, templates, time, scale.

python -m bench.themes --json                 # the evaluation set in bench/themes/
python -m bench.themes --json --scale 10000   # and 10,000 synthetic answers of ~1,500 characters, in a child

Per question: the two codings against each other (how much two analysis teams differ); consult's
suggested themes against each coding; consult's sorting into each coder's own codebook (as
`consult themes --themes codebook.csv` does) against that coder's coding; a TF-IDF + k-means baseline
(given the coder's number of themes) against each coding, in the same run. Agreement is accuracy after
one-to-one matching (Hungarian), ARI and NMI (bench/themes/agreement.py). Template groups: precision
and recall over pairs of answers, against templates.csv.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.themes.agreement import agreement, precision_recall
from core.themes import tables, templates
from core.themes.assign import assign
from core.themes.model import NOT_PLACED, Answer, GivenTheme, QuestionThemes, Source
from core.themes.represent import Representation, SentenceModel, TfIdf
from core.themes.suggest import suggest

DATA = Path(__file__).parent
# Answers to other questions, each written and coded blind after consult's settings of the time were chosen
# (README): "heldout" measured the settings of 2026-12-03 and then helped choose the next ones; "heldout2"
# was measured once, with the settings chosen without it.
HELD_OUT = ("heldout", "heldout2")
CODERS = ("coder_a", "coder_b")
Figures = dict[str, Any]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def answers_by_question(data: Path) -> dict[str, list[Answer]]:
    found: dict[str, list[Answer]] = {}
    for row in read_csv(data / "answers.csv"):
        found.setdefault(row["question"], []).append(Answer(
            id=row["id"], question=row["question"], group=row["group"], subgroup=row.get("subgroup", ""),
            text=row["text"], may_quote=row.get("may_cite", "").strip().lower() == "yes"))
    return found


def codings(data: Path) -> dict[str, dict[str, str]]:
    """Each coder's primary theme per answer ("not placed" kept as a label)."""
    return {c: {r["id"]: r["theme"].strip() for r in read_csv(data / c / "coding.csv")}
            for c in CODERS if (data / c / "coding.csv").is_file()}


def codebooks(data: Path) -> dict[str, dict[str, list[GivenTheme]]]:
    return {c: tables.themes(data / c / "codebook.csv") for c in CODERS if (data / c / "codebook.csv").is_file()}


def labels_of(result: QuestionThemes) -> dict[str, str]:
    """Each answer's main theme, "not placed" for the others."""
    return {**dict.fromkeys(result.not_placed, NOT_PLACED), **result.primary}


def baseline(answers: list[Answer], k: int) -> dict[str, str]:
    """TF-IDF over words of whole answers, k-means with the coder's number of themes (seeded)."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(sublinear_tf=True).fit_transform([a.text for a in answers])
    found = KMeans(n_clusters=min(k, len(answers)), n_init=10, random_state=13).fit_predict(vectors)
    return {a.id: str(label) for a, label in zip(answers, found, strict=True)}


def one_question(answers: list[Answer], rep: Representation, coded: dict[str, dict[str, str]],
                 books: dict[str, dict[str, list[GivenTheme]]]) -> Figures:
    question = answers[0].question
    started = time.perf_counter()
    suggested = suggest(question, "", answers, rep)
    seconds = round(time.perf_counter() - started, 2)
    figures: Figures = {"suggested": {"themes": len(suggested.themes), "seconds": seconds,
                                      "labels": [t.label for t in suggested.themes]}}
    for coder, coding in coded.items():
        figures["suggested"][f"vs_{coder}"] = agreement(labels_of(suggested), coding)
    for coder, book in books.items():
        frame = book.get(question, book.get("*"))
        if frame and coder in coded:
            given = assign(question, "", answers, frame, rep, Source.GIVEN)
            figures.setdefault("own_codebook", {})[coder] = {
                **agreement(labels_of(given), coded[coder]), "not_placed": len(given.not_placed)}
    return figures


def evaluate(data: Path, reps: dict[str, Representation]) -> Figures:
    by_question, coded, books = answers_by_question(data), codings(data), codebooks(data)
    report: Figures = {"data": str(data), "answers": sum(map(len, by_question.values())),
                       "coders": sorted(coded), "per_question": {}}
    for question, answers in sorted(by_question.items()):
        entry: Figures = {"answers": len(answers)}
        ids = {a.id for a in answers}
        here = {coder: {i: t for i, t in coding.items() if i in ids} for coder, coding in coded.items()}
        if len(here) == 2:
            entry["coder_a_vs_coder_b"] = agreement(*here.values())
        for coder, coding in here.items():
            k = len({coding[a.id] for a in answers if a.id in coding})
            entry.setdefault("baseline_tfidf_kmeans", {})[f"vs_{coder}"] = agreement(baseline(answers, k), coding)
        entry["consult"] = {name: one_question(answers, rep, here, books) for name, rep in reps.items()}
        report["per_question"][question] = entry
    report["mean"] = means(report["per_question"])
    report["templates"] = template_figures(data, by_question)
    return report


def template_figures(data: Path, by_question: dict[str, list[Answer]]) -> Figures:
    truth: dict[str, list[str]] = {}
    for row in read_csv(data / "templates.csv"):
        truth.setdefault(row["template"], []).append(row["id"])
    found = [[answers[i].id for i in group] for answers in by_question.values()
             for group in templates.groups([a.text for a in sorted(answers, key=lambda a: a.id)])]
    return precision_recall(found, list(truth.values()))


def means(per_question: dict[str, Figures]) -> Figures:
    """The mean of every accuracy, ARI and NMI over the questions, under the same keys."""
    collected: dict[str, list[float]] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}/{key}" if path else key)
        elif path.rsplit("/", 1)[-1] in ("accuracy", "ari", "nmi") and isinstance(node, float):
            collected.setdefault(path, []).append(node)

    for entry in per_question.values():
        walk(entry, "")
    return {path: round(statistics.mean(values), 3) for path, values in sorted(collected.items())}


def synthetic(count: int, chars: int, data: Path = DATA) -> list[Answer]:
    """`count` answers of about `chars` characters: sentences of the evaluation set, re-mixed (seeded)."""
    import random

    from core.themes.passages import sentences

    rng = random.Random(13)
    source = read_csv(data / "answers.csv") if (data / "answers.csv").is_file() else []
    pool = [s for row in source for s in sentences(row["text"]) if len(s) > 40] or [
        f"Sentence {i} about enhanced cooperation and internet governance." for i in range(500)]
    made = []
    for n in range(count):
        parts: list[str] = []
        while sum(map(len, parts)) < chars:
            parts.append(rng.choice(pool[rng.randrange(4) * len(pool) // 4:]))
        thirds = len(parts) // 3 or 1
        text = "\n\n".join(" ".join(parts[i:i + thirds]) for i in range(0, len(parts), thirds))
        made.append(Answer(id=f"s{n}", question="s", group=rng.choice(["Government", "Civil society"]),
                           text=text, may_quote=rng.random() < 0.6))
    return made


def scale_child(count: int, chars: int, data: Path) -> None:
    answers = synthetic(count, chars, data)
    started = time.perf_counter()
    result = suggest("s", "", answers, TfIdf())
    print(json.dumps({"seconds_themes": round(time.perf_counter() - started, 1), "themes": len(result.themes),
                      "mean_chars": round(statistics.mean(len(a.text) for a in answers)),
                      "templates": len(result.templates)}))


def scale(count: int, chars: int, data: Path) -> Figures:
    """The themes of `count` synthetic answers, in a child process: its wall time and peak memory."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.themes", "--scale-child", str(count), "--chars", str(chars),
                           "--data", str(data)], capture_output=True, text=True, check=True)
    figures: Figures = json.loads(done.stdout)
    figures.update(answers=count, seconds_total=round(time.perf_counter() - started, 1),
                   peak_mb=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.themes", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--data", type=Path, default=DATA, help="the evaluation set's folder")
    parser.add_argument("--representation", default="both", choices=("tfidf", "e5", "both"))
    parser.add_argument("--scale", type=int, default=0, help="also theme this many synthetic answers")
    parser.add_argument("--chars", type=int, default=1500)
    parser.add_argument("--scale-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_child:
        scale_child(args.scale_child, args.chars, args.data)
        return 0
    started = time.perf_counter()
    reps = representations(args.representation)
    report = evaluate(args.data, reps)
    held_out = {name: evaluate(args.data / name, reps)
                for name in HELD_OUT if (args.data / name / "answers.csv").is_file()}
    if held_out:
        report["held_out"] = held_out
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.scale:
        report["scale"] = scale(args.scale, args.chars, args.data)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else summary(report))
    return 0


def representations(choice: str) -> dict[str, Representation]:
    reps: dict[str, Representation] = {"tfidf": TfIdf()} if choice in ("tfidf", "both") else {}
    if choice in ("e5", "both"):
        try:
            reps["e5"] = SentenceModel()
        except ValueError as error:
            if choice == "e5":
                raise
            print(f"(sentence model left out: {error})", file=sys.stderr)
    return reps


def summary(report: Figures) -> str:
    lines = []
    for name, part in [("tuning set", report), *report.get("held_out", {}).items()]:
        lines.append(f"{name}: {part['answers']} answers, coders: {', '.join(part['coders']) or 'none yet'}")
        lines += [f"  {key}: {value}" for key, value in part["mean"].items() if key.endswith("accuracy")]
        lines.append(f"  templates: {part['templates']}")
    lines.append(f"  seconds: {report['seconds']}" + (f"; scale: {report['scale']}" if "scale" in report else ""))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
