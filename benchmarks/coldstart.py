"""How much the Danish analysis costs: cold start and per letter.

Run: ``python benchmarks/coldstart.py [--runs N]``. Prints

* cold start, each in a fresh interpreter (min and median wall time of N runs, and CPU time):
  the baseline ``import spacy; spacy.blank("da")``; lettercheck's ``analyse()`` of a one-page
  letter (which adds the segmenter, the memory-mapped lemma table and the LIX count); the same
  with an empty cache directory (the once-per-machine build of the lemma table); spaCy's own
  lookup ``lemmatizer`` for comparison; and the whole CLI on a corpus letter when corpus/ exists.
  The target is analyse() ≤ 0.4 s above the baseline.
* warm, in one process: ``analyse()`` of the letter, and tokenization alone / + our segmenter /
  + spaCy's rule-based ``sentencizer`` / + our segmenter and lemmas, per letter.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: A one-page letter from a jobcenter: 40 blocks, about 300 words.
LETTER_BLOCKS = [
    "Jobcenter Nordby",
    "Rådhuspladsen 1, 9999 Nordby",
    "Dato: 12.03.2026",
    "Sagsnr. 2026-1234",
    "Indkaldelse til samtale om din sygemelding",
    "Kære Jens Hansen",
    "Du modtager dette brev, fordi vi gerne vil tale med dig om din sygemelding.",
    "Vi har afsat tid til en samtale mandag d. 23. marts kl. 10.00 i jobcentret.",
    "Mødet holdes på Torvet 3. Formålet er at lægge en plan for din tilbagevenden til arbejdet.",
    "Samtalen tager ca. 45 minutter.",
    "Hvad skal du tage med?",
    "dit sygesikringskort",
    "en liste over dine medicin og behandlinger",
    "oplysninger fra din læge, hvis du har dem",
    "Du kan bl.a. tage en bisidder med, f.eks. et familiemedlem.",
    "Hvad sker der på mødet?",
    "Vi taler om, hvordan du har det, og hvad du selv tror, der skal til.",
    "Sammen laver vi en plan med mål og delmål. Målet er, at du kommer tilbage i job.",
    "Du får udbetalt sygedagpenge, mens du er syg. Pengene kommer som hidtil.",
    "Hvis du ikke kan komme",
    "Ring til mig på tlf. 72 10 60 12, hvis du er forhindret. Du kan også sende en sms.",
    "Du kan også skrive til mig på jens.hansen@nordby.dk eller via borger.dk.",
    "Hvis du udebliver uden en rimelig grund, kan det få betydning for dine sygedagpenge.",
    "Med venlig hilsen",
    "Mette Jensen",
    "Sagsbehandler",
    "Direkte telefon 72 10 60 12",
    "E-mail: mette.jensen@nordby.dk",
    "Regler",
    "Vi indkalder dig efter sygedagpengelovens § 13, stk. 1, nr. 2.",
    "Du har pligt til at medvirke, jf. § 7, stk. 2.",
    "Reglerne står i lov om sygedagpenge.",
    "Klagevejledning",
    "Du kan ikke klage over en indkaldelse til samtale.",
    "Hvis du har spørgsmål, er du velkommen til at kontakte mig.",
    "Bilag",
    "Bilag 1: Skema om din helbredssituation",
    "Bilag 2: Pjece om sygedagpenge",
    "Side 1 af 1",
    "www.nordby.dk",
]

_LETTER_SETUP = f"""
from pathlib import Path
from lettercheck.model.document import Block, BlockKind, Document
TEXTS = {LETTER_BLOCKS!r}
doc = Document(path=Path("brev.docx"), format="docx", blocks=[
    Block(index=i, kind=BlockKind.PARAGRAPH, text=t, story="word/document.xml", paragraph=i)
    for i, t in enumerate(TEXTS)])
"""

COLD = {
    "baseline: import spacy; spacy.blank('da')": "import spacy; spacy.blank('da')",
    "lettercheck analyse() of one letter": _LETTER_SETUP
    + "from lettercheck.language.analysis import analyse; analyse(doc)",
    "spaCy lookup lemmatizer (for comparison)": (
        "import spacy; nlp = spacy.blank('da');"
        " nlp.add_pipe('lemmatizer', config={'mode': 'lookup'}); nlp.initialize();"
        " nlp('Borgerne modtog ydelserne')"
    ),
}


def _run(code: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one child process (exit 1 is fine: the CLI's "findings")."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(code, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{code[:3]} failed with exit code {done.returncode}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _report(name: str, samples: list[tuple[float, float]], base: float | None) -> float:
    walls = [w for w, _ in samples]
    cpus = [c for _, c in samples]
    line = (
        f"  {name:<46} wall min {min(walls):6.3f} s  median {statistics.median(walls):6.3f} s"
        f"  cpu min {min(cpus):6.3f} s"
    )
    if base is not None:
        line += f"  (+{min(cpus) - base:6.3f} s cpu over baseline)"
    print(line)
    return min(cpus)


def cold(runs: int) -> None:
    print(f"Cold start, fresh interpreter, {runs} runs each (lemma cache warm unless noted):")
    py = sys.executable
    # One run first, so the lemma table is in the cache and the files are in the page cache.
    subprocess.run([py, "-c", COLD["lettercheck analyse() of one letter"]], check=True, cwd=ROOT)
    base = None
    for name, code in COLD.items():
        samples = [_run([py, "-c", code]) for _ in range(runs)]
        cpu = _report(name, samples, base)
        if base is None:
            base = cpu
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=tmp, LETTERCHECK_CACHE_DIR="")
        code = _LETTER_SETUP + "from lettercheck.language.analysis import analyse; analyse(doc)"
        _report("analyse() with an empty cache (first run)", [_run([py, "-c", code], env)], base)
    letters = sorted((ROOT / "corpus").glob("*.docx"))
    if letters:
        samples = [_run([py, "-m", "lettercheck", str(letters[0])]) for _ in range(runs)]
        _report(f"CLI: lettercheck {letters[0].name[:20]}…", samples, base)


def warm(repeat: int) -> None:
    sys.path.insert(0, str(ROOT))
    import spacy

    from lettercheck.language.analysis import analyse
    from lettercheck.language.danish import LEMMAS_PIPE, get_nlp, segment

    namespace: dict = {}
    exec(_LETTER_SETUP, namespace)
    doc = namespace["doc"]
    texts = [b.text for b in doc.blocks]
    words = sum(len(t.split()) for t in texts)
    nlp = get_nlp()
    plain = spacy.blank("da")
    plain.add_pipe("sentencizer")
    sentencizer = plain.get_pipe("sentencizer")
    tokenizer = nlp.tokenizer
    set_lemmas = nlp.get_pipe(LEMMAS_PIPE)

    def per_letter(fn) -> float:
        """Best of 5 batches of ``repeat`` calls: on a shared machine the minimum is what the
        code costs, the rest is other processes."""
        fn()  # warm-up
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(repeat):
                fn()
            best = min(best, (time.perf_counter() - start) / repeat)
        return best * 1000

    def tokens_only() -> None:
        for _ in tokenizer.pipe(texts):
            pass

    def tokens_sentencizer() -> None:
        for d in tokenizer.pipe(texts):
            sentencizer(d)

    def tokens_segment() -> None:
        for d in tokenizer.pipe(texts):
            segment(d)

    def tokens_segment_lemmas() -> None:
        for d in tokenizer.pipe(texts):
            set_lemmas(segment(d))

    print(f"\nWarm, best of 5 × {repeat} calls (letter: {len(texts)} blocks, {words} words):")
    for name, fn in [
        ("analyse(document)", lambda: analyse(doc)),
        ("tokenization only", tokens_only),
        ("tokenization + spaCy sentencizer", tokens_sentencizer),
        ("tokenization + lettercheck segmenter", tokens_segment),
        ("tokenization + segmenter + lemmas", tokens_segment_lemmas),
    ]:
        print(f"  {name:<46} {per_letter(fn):7.2f} ms per letter")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per cold case")
    parser.add_argument("--repeat", type=int, default=200, help="repetitions per warm case")
    args = parser.parse_args()
    cold(args.runs)
    warm(args.repeat)


if __name__ == "__main__":
    main()
