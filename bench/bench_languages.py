"""Languages: what answering in Thai, Chinese, Japanese or Spanish costs over answering in English.

The labelled set's English questions are answered in each language (`Answerer.answer(query, lang)`, the text of
every sentence from that language's catalogue, numbers and dates through babel) and rendered as the Discord
embeds a user sees (`render_embeds`), each `--repeats` times. The baseline, in the same run, is the same questions
answered and rendered in English. The questions asked in each language (the labelled set's foreign ones) are
parsed against the English questions they translate, for what reading another language costs.

    .venv/bin/python bench/bench_languages.py [--write]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import percentile, timed  # noqa: E402
from bench.report import publish  # noqa: E402
from bot.chat.embeds import render_embeds  # noqa: E402
from bot.core.i18n import DEFAULT, LANGUAGES  # noqa: E402
from bot.core.questions import parse_question  # noqa: E402
from tests.labelled import labelled_answerer, load  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()

    items = load()
    english = [i for i in items if i.language is None]
    with tempfile.TemporaryDirectory() as tmp:
        answerer = labelled_answerer(Path(tmp) / "bench.db")
        lexicon = answerer.lexicon
        queries = []
        for item in english:
            query = parse_question(item.question, lexicon)
            queries.append(replace(query, board=query.board or item.board))
        for query in queries:  # the first ask builds what later asks reuse (lists, change sets): not a language's
            answerer.answer(query)
        answer_ms: dict[str, list[float]] = {lang: [] for lang in LANGUAGES}
        embed_ms: dict[str, list[float]] = {lang: [] for lang in LANGUAGES}
        for query in queries:  # every language in turn on each question, so a drift of the machine hits all alike
            for lang in LANGUAGES:
                answer_ms[lang] += timed(lambda q=query, lang=lang: answerer.answer(q, lang), args.repeats)
                made = answerer.answer(query, lang)
                embed_ms[lang] += timed(lambda a=made: render_embeds(a), args.repeats)

        def parsing(questions: list[str]) -> list[float]:
            return [ms for q in questions for ms in timed(lambda q=q: parse_question(q, lexicon), args.repeats)]

        # For English, the questions the foreign ones translate: the same intents and names, as the labels say.
        translated = {(i.board, i.expected) for i in items if i.language is not None}
        originals = [i.question for i in english if (i.board, i.expected) in translated]
        parse_ms = {lang: parsing([i.question for i in items if i.language == lang]) for lang in LANGUAGES}
        parse_ms[DEFAULT] = parsing(originals)
        answerer.store.close()

    base_answer, base_embed = percentile(answer_ms[DEFAULT], 0.5), percentile(embed_ms[DEFAULT], 0.5)
    lines = [
        f"{len(english)} English labelled questions answered in each language and rendered as embeds,"
        f" {args.repeats} times each (warm: lists and change sets already built). English is the baseline.",
        "",
        "| language | answer p50 | answer p99 | × English (p50) | embeds p50 | embeds p99 | × English (p50)"
        " | questions asked in it | parse p50 | parse p99 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for lang in LANGUAGES:
        a, e, p = answer_ms[lang], embed_ms[lang], parse_ms[lang]
        count = len(originals) if lang == DEFAULT else len(p) // args.repeats
        lines.append(
            f"| {lang}{' (baseline)' if lang == DEFAULT else ''} | {percentile(a, 0.5):.3f} ms |"
            f" {percentile(a, 0.99):.3f} ms | {percentile(a, 0.5) / base_answer:.2f} | {percentile(e, 0.5):.3f} ms |"
            f" {percentile(e, 0.99):.3f} ms | {percentile(e, 0.5) / base_embed:.2f} | {count} |"
            f" {percentile(p, 0.5):.3f} ms | {percentile(p, 0.99):.3f} ms |"
        )
    lines += [
        "",
        "For English the parse columns are the English questions the foreign ones translate (same intents, same"
        " names), so the two can be read side by side.",
        f"Aim (questions issue): answers p99 under 5 ms. System load (1-minute average) when the run ended:"
        f" {os.getloadavg()[0]:.2f}.",
    ]
    body = "\n".join(lines)
    publish(
        "Languages: answering in Thai, Chinese, Japanese and Spanish",
        body,
        command=".venv/bin/python bench/bench_languages.py --write",
        write=args.write,
    )


if __name__ == "__main__":
    main()
