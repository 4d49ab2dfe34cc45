"""Plain-language and readability rules that need a little code: formal address, passive voice,
nominalisation, LIX, long sentences and long words.

Their word lists and thresholds are data in rules/plain.yaml and rules/readability.yaml
(``options:``); the code here only does what a list cannot: look at sentence starts, tell a verb's
s-form from a noun ending in -s with the lemma table, and count words.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from lettercheck.checks import Hit, check
from lettercheck.language.danish import present
from lettercheck.language.lix import display
from lettercheck.model.document import PLAIN_TEXT_KINDS

if TYPE_CHECKING:
    from lettercheck.language.analysis import Analysis, Tokens
    from lettercheck.model.document import Block


def _main_blocks(analysis: Analysis) -> Iterator[tuple[Block, Tokens]]:
    """Blocks of the letter's text with their tokens: the main text and text boxes (headers and
    footers hold the letterhead, not the message). Rules read the shared token lists
    (``Analysis.tokens``), never a ``Token`` object per token."""
    for position, block in enumerate(analysis.document.blocks):
        if block.kind in PLAIN_TEXT_KINDS and block.text.strip():
            yield block, analysis.tokens(position)


def _lemma(word: str) -> str:
    from lettercheck.language.danish import lemma

    return lemma(word)


def _known(form: str, lemma: str) -> bool:
    """Whether the lemma table lists ``form`` as an inflection of ``lemma``."""
    return form != lemma and _lemma(form) == lemma


@functools.lru_cache(maxsize=20_000)
def is_verb(infinitive: str) -> bool:
    """Whether ``infinitive`` is a verb, judged by the lemma table knowing a verb-only form of it:
    a present participle (-ende), a past tense (-ede, -te) or a past participle (-t). Nouns
    and adjectives ending in -e have none of these ("ydelse" has no "ydelsende"), which is what
    lets passive-voice tell "udbetales" (verb) from "ydelses" (noun, genitive)."""
    word = infinitive.lower()
    if len(word) < 2:
        return False
    if word.endswith("e"):
        base = word[:-1]
        # not base + "et": for a word in -e that is also a neuter noun's definite form
        # ("tilfældet", "mødet"), which would make "tilfældes" look like a passive
        forms = (base + "ende", base + "ede", base + "te", base + "t")
    else:  # gå, se, få, stå, dø, nå
        forms = (word + "ende", word + "ede", word + "et", word + "t", word + "de")
    return any(_known(form, word) for form in forms)


def _sentence_start(toks: Tokens, i: int) -> bool:
    """True when only punctuation, quotes or bullets stand before token ``i`` in its sentence."""
    return toks.at_sentence_start(i)


# ------------------------------------------------------------------------------------------------
# formal-address


@check("formal-address")
def formal_address(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """ "Dem" and "Deres" anywhere, and a capitalised "De" that does not start a sentence. A "De"
    at a sentence start reads the same as a plural ("De vil begge gerne møde dig") or as "those"
    ("De oplysninger, du har givet"), so it is flagged only in a letter that addresses the
    citizen formally elsewhere ("De bedes medbringe … Deres jobsøgning"), only before a verb
    ("De bedes", "De kan"), and not when a plural word follows the verb ("De har begge")."""
    suggestions = {"De": "du", "Dem": "dig", "Deres": None}
    verbs = set(options.get("verbs-after", ()))
    plural = set(options.get("plural-after", ()))
    formal = False
    at_start: list[Hit] = []
    for block, toks in _main_blocks(analysis):
        if "De" not in block.text:
            continue  # all three words contain "De": most blocks have none, so skip their tokens
        for i, text in enumerate(toks.text):
            if text not in suggestions:
                continue
            hit = Hit(block.index, toks.idx[i], toks.idx[i] + len(text), None, suggestions[text])
            if text == "De" and _sentence_start(toks, i):
                after = toks.lower[i + 1 : i + 3]
                if after and after[0] in verbs and not plural.intersection(after[1:]):
                    at_start.append(Hit(hit.block, hit.start, hit.end, None, "Du"))
                continue
            formal = True
            yield hit
    if formal:
        yield from at_start


# ------------------------------------------------------------------------------------------------
# passive-voice


def _s_passive_infinitive(toks: Tokens, i: int, options: Mapping[str, Any]) -> str | None:
    """The infinitive of an s-passive verb form ("udbetales" -> "udbetale"), or None."""
    word = toks.lower[i]
    if len(word) < 4 or not word.endswith("s") or not toks.text[i].isalpha():
        return None
    if word in options.get("not-passive", ()):
        return None
    stem = word[:-1]
    if stem[-1] not in "aeiouyæøå":
        return None  # the s-passive adds -s to an infinitive, and Danish infinitives end in a vowel
    if _lemma(word) not in (stem, _lemma(stem)) or not is_verb(stem):
        return None
    if toks.text[i][:1].isupper() and not _sentence_start(toks, i):
        return None  # a name's genitive ("Dansk Folkepartis byrådsgruppe"), not a passive
    previous = toks.lower[i - 1] if i > 0 else ""
    if previous in options.get("genitive-before", ()):
        return None  # "en ydelses størrelse": a noun's genitive after an article
    if word in options.get("reciprocal", ()) and previous in options.get("plural-subjects", ()):
        return None  # "vi ses", "vi høres ved"
    return stem


def _clause_start(toks: Tokens, i: int) -> bool:
    """A main clause starts at token ``i``: a sentence start or after "og"/"men"/"så". After a
    comma "der" is mostly relative ("brevet, der sendes"), where "vi sender" would not fit."""
    if _sentence_start(toks, i):
        return True
    return i > 0 and toks.lower[i - 1] in ("og", "men", "så", "eller")


def _to_us(toks: Tokens, i: int, options: Mapping[str, Any]) -> bool:
    """Is the passive at ``i`` an instruction to the reader to act toward us? "Spørgsmål kan
    rettes til (din sagsbehandler | undertegnede)", "Undertegnede kan kontaktes": a modal right
    before it, and the sender after "til" or as the subject. Then the citizen acts, not we; a
    passive without a modal ("Din sag sendes til Ydelseskontoret") is something we do."""
    lower = toks.lower
    if i == 0 or lower[i - 1] not in options.get("instruction-modals", ()):
        return False
    words = set(options.get("sender-words", ()))
    stems = tuple(options.get("sender-stems", ()))

    def sender(word: str) -> bool:
        return word in words or word.startswith(stems)

    if i >= 2 and sender(lower[i - 2]):
        return True  # "Undertegnede kan kontaktes"
    for k in range(i + 1, min(len(lower) - 1, i + 4)):
        if lower[k] == "til":
            after = lower[k + 1]
            if after in ("din", "dit", "jeres") and k + 2 < len(lower):
                after = lower[k + 2]  # "til din sagsbehandler"
            return sender(after)
    return False


def _agent(toks: Tokens, i: int, options: Mapping[str, Any]) -> str | None:
    """Who acts in a passive, when the sentence names them with "af" right after it: "bestilles
    af skolen" -> "skolen", "blive kontaktet af din sagsbehandler" -> "din sagsbehandler". Not
    "af hensyn til", "af og til"; at most four words, up to punctuation or a clause word."""
    lower = toks.lower
    k = i + 1
    if k < len(lower) and lower[k] in options.get("between", ()):
        k += 1
    if k >= len(lower) - 1 or lower[k] != "af":
        return None
    words: list[str] = []
    for j in range(k + 1, min(k + 5, len(lower))):
        if not toks.text[j].isalpha() or lower[j] in options.get("agent-stops", ()):
            break
        words.append(toks.text[j])
    if not words or words[0].lower() in options.get("not-agents", ()):
        return None
    return " ".join(words)


def _reader_acts(toks: Tokens, i: int, infinitive: str, options: Mapping[str, Any]) -> str | None:
    """The active of a passive that tells the reader what to do: a modal before it and a verb
    the citizen does ("Afbud skal gives" -> "du skal give afbud", "Der skal søges om" -> "du
    skal søge"), naming the sentence's subject when it opens the sentence. None otherwise."""
    lower = toks.lower
    if infinitive in options.get("citizen-only-verbs", ()):
        # "den afgørelse, der klages over", "Klagen skal indgives til Skatterådet": only the
        # citizen complains, with or without a modal.
        modal = _clause_modal(toks, i, options)
        return f"du {modal} {infinitive}" if modal else f"du {present(infinitive)}"
    if infinitive not in options.get("citizen-verbs", ()):
        return None
    if i == 0 or lower[i - 1] not in options.get("instruction-modals", ()):
        # "skal dispensationen eller en kopi af den medbringes": the modal earlier in the clause
        modal = _clause_modal(toks, i, options)
        return f"du {modal} {infinitive}" if modal else None
    active = f"du {lower[i - 1]} {infinitive}"
    if i >= 2:
        subject = i - 2
        if (
            toks.text[subject].isalpha()
            and _sentence_start(toks, subject)
            and lower[subject] not in options.get("not-subjects", ())
        ):
            active += f" {lower[subject]}"
    return active


_CLAUSE_REACH = 15  # "Klage … skal inden 3 måneder fra modtagelsen af … indgives"
_PUNCT = frozenset(".,;:!?()»«\"'–-")


def _clause_modal(toks: Tokens, i: int, options: Mapping[str, Any]) -> str | None:
    """The modal ("kan", "skal") earlier in the clause of the passive at ``i``, if any."""
    modals = options.get("instruction-modals", ())
    first = toks.sentence_of(i)
    for k in range(i - 1, max(first - 1, i - 1 - _CLAUSE_REACH), -1):
        word = toks.lower[k]
        if word in _PUNCT:
            return None
        if word in modals:
            return word
    return None


def _actor_unknown(toks: Tokens, i: int, infinitive: str, options: Mapping[str, Any]) -> bool:
    """Is the one who acts someone the letter cannot name as "vi"? A verb of law-making ("Det
    blev vedtaget" about a law: parliament did it) or a passive in what another source says
    ("speciallægeerklæringen, hvoraf det fremgår, at De vurderes …": the specialist judged)."""
    if infinitive in options.get("unknown-actor-verbs", ()):
        return True
    reported = options.get("reported-words", ())
    return any(w in reported for w in toks.lower[toks.sentence_of(i) : i])


def _passive_message(words: str, active: str | None) -> str:
    """The advice: with an example of who acts when we can tell, else only the question."""
    if active is None:
        return f"»{words}« er passiv; skriv, hvem der gør det."
    return f"»{words}« er passiv; skriv, hvem der gør det, fx »{active}«."


def _participle(toks: Tokens, i: int, options: Mapping[str, Any]) -> bool:
    """A past participle such as "udbetalt", "bevilget", "sendt", "givet", "skrevet"."""
    word = toks.lower[i]
    if not toks.text[i].isalpha() or word in options.get("not-participles", ()):
        return False
    lemma = _lemma(word)
    if lemma == word:
        return False
    if any(word.endswith(end) for end in options.get("irregular-participles", ())):
        return is_verb(lemma)
    base = lemma[:-1] if lemma.endswith("e") else lemma
    regular = {base + "t", base + "et", lemma + "t", lemma + "et"}
    return word in regular and is_verb(lemma)


@check("passive-voice")
def passive_voice(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """s-passive ("udbetales", "Der sendes") and "blive" + participle ("blev bevilget").

    Only the "der/det + s-passive" form gets a suggestion ("Der sendes" -> "Vi sender"), because
    only there the active sentence is a drop-in replacement; elsewhere the sentence needs
    rewriting around who acts, which the message says."""
    skip_between = set(options.get("between", ()))
    for block, toks in _main_blocks(analysis):
        lowers, lemmas, idx = toks.lower, toks.lemma, toks.idx
        taken_until = -1
        for i, word in enumerate(lowers):
            if i <= taken_until:
                continue
            # _s_passive_infinitive's first test, here: most tokens fail it, and a call per
            # token was a good part of this rule's time.
            infinitive = (
                _s_passive_infinitive(toks, i, options)
                if len(word) >= 4 and word[-1] == "s"
                else None
            )
            if infinitive is not None:
                start = idx[i]
                suggestion = None
                # Who acts: the one named with "af"; the reader, when the sentence tells them
                # what to do ("Spørgsmål kan rettes til undertegnede", "Afbud skal gives");
                # else we, the authority.
                agent = _agent(toks, i, options)
                reader = _reader_acts(toks, i, infinitive, options)
                active: str | None = f"vi {present(infinitive)}"
                if agent is not None:
                    active = f"{agent} {present(infinitive)}"
                elif _to_us(toks, i, options):
                    active = f"du {lowers[i - 1]} {infinitive}"  # "du kan rette"
                elif reader is not None:
                    active = reader
                elif _actor_unknown(toks, i, infinitive, options):
                    active = None  # advice without an actor: we cannot tell who it is
                if i > 0 and lowers[i - 1] in ("der", "det") and _clause_start(toks, i - 1):
                    start = idx[i - 1]
                    # A drop-in replacement only when we act: an agent or the reader must be
                    # moved into the sentence, which is a rewrite (advice in the message).
                    suggestion = active if active and active.startswith("vi ") else None
                    if suggestion is not None and toks.text[i - 1][:1].isupper():
                        suggestion = suggestion.capitalize()
                end = toks.end(i)
                yield Hit(
                    block.index,
                    start,
                    end,
                    _passive_message(block.text[start:end], active),
                    suggestion,
                )
                continue
            if lemmas[i] != "blive":
                continue
            for follower in range(i + 1, min(i + 4, len(lowers))):
                if _participle(toks, follower, options):
                    # "blive indkaldt" -> "vi indkalder", when the lemma table knows the verb
                    verb = lemmas[follower]
                    agent = _agent(toks, follower, options)
                    who = agent or "vi"
                    if word in ("blev", "blevet"):
                        # "blev bevilget", "er blevet godkendt": done, so "vi har bevilget"
                        active = f"{who} har {lowers[follower]}"
                    else:
                        active = f"{who} {present(verb)}" if verb.endswith("e") else f"{who} har …"
                    if agent is None and _actor_unknown(toks, follower, verb, options):
                        active = None  # "Det blev vedtaget" (a law): not we
                    yield Hit(
                        block.index,
                        idx[i],
                        toks.end(follower),
                        _passive_message(block.text[idx[i] : toks.end(follower)], active),
                        None,
                    )
                    taken_until = follower
                    break
                if lowers[follower] not in skip_between:
                    break


# ------------------------------------------------------------------------------------------------
# nominalization


def _verb_for(noun: str, options: Mapping[str, Any], derive: bool = True) -> str | None:
    """The verb a nominalisation hides: from the rule's list, or (``derive``) by taking the suffix
    off and checking with the lemma table that the result is a verb ("justering" -> "justere")."""
    known = options.get("nouns", {})
    if noun in known:
        return known[noun]
    if not derive or noun in options.get("not-nouns", ()):
        return None
    for suffix, replacement in options.get("derive", {}).items():
        if noun.endswith(suffix) and len(noun) > len(suffix) + 2:
            candidate = noun[: -len(suffix)] + replacement
            if is_verb(candidate):
                return candidate
    return None


@check("nominalization")
def nominalization(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """A light verb + a noun in -else/-ing/-tion/-hed (or a noun the rule lists, "afslag") where
    the noun's verb would do: "foretage en justering af" -> "justere", "give dig tilladelse til"
    -> "tillade dig". The verb is advice, not a replacement, after an ``advice-verbs`` verb ("der
    kan ske modregning": the active needs an actor), when a skipped filler carries meaning
    (``advice-fillers``: "giver helt eller delvist afslag på"), and when the listed verb is a
    choice or a rewrite ("sige fra eller protestere", "afslå …")."""
    light = set(options.get("light-verbs", ()))
    known_only = set(options.get("known-only-verbs", ()))
    light |= known_only
    fillers = set(options.get("fillers", ()))
    objects = set(options.get("objects", ()))
    drop_after = set(options.get("drop-after", ()))
    advice_after = set(options.get("advice-after", ()))
    advice_verbs = set(options.get("advice-verbs", ()))
    advice_fillers = set(options.get("advice-fillers", ()))
    known_nouns = options.get("nouns", {})
    verb_forms = options.get("verb-forms", {})
    suffixes = tuple(options.get("suffixes", ()))
    for block, toks in _main_blocks(analysis):
        lowers, lemmas, texts = toks.lower, toks.lemma, toks.text
        n = len(lowers)
        for i, token_lemma in enumerate(lemmas):
            # the lemma table reads some forms of a light verb as another word ("gør" -> "gø")
            light_lemma = verb_forms.get(lowers[i], token_lemma)
            if light_lemma not in light:
                continue
            kept: list[str] = []
            meaningful_filler = False
            for follower in range(i + 1, min(i + 5, n)):
                noun = _lemma(lowers[follower])
                if texts[follower].isalpha() and (noun.endswith(suffixes) or noun in known_nouns):
                    verb = _verb_for(noun, options, derive=light_lemma not in known_only)
                    if verb is None:
                        break
                    end_token = follower
                    if follower + 1 < n and lowers[follower + 1] in drop_after:
                        end_token = follower + 1
                    form: str | None = verb  # the light verb's infinitive: the same form
                    if lowers[i] != light_lemma:
                        # Present tense ("foretager") we can form; another form ("har truffet
                        # afgørelse", "foretog") would need one we cannot, so the verb is named
                        # as advice and nothing replaces the words.
                        in_present = lowers[i].endswith("r") and " " not in verb
                        form = present(verb) if in_present else None
                    if end_token != follower and lowers[end_token] in advice_after:
                        # "træffe afgørelse om ophør" -> "afgøre ophør" is not Danish: without
                        # its preposition the object needs a rewrite ("afgøre, om …"): advice.
                        form = None
                    if (
                        meaningful_filler
                        or light_lemma in advice_verbs
                        or "…" in verb
                        or " eller " in verb
                    ):
                        form = None
                    if form is not None and texts[i][:1].isupper():
                        form = form[:1].upper() + form[1:]
                    advice = " ".join([form or verb, *kept])
                    start, end = toks.idx[i], toks.end(end_token)
                    yield Hit(
                        block.index,
                        start,
                        end,
                        f"»{block.text[start:end]}« er navneordsstil; "
                        f"brug udsagnsordet, fx »{advice}«.",
                        advice if form is not None else None,
                    )
                    break
                if lowers[follower] in objects:
                    kept.append(texts[follower])
                elif lowers[follower] not in fillers:
                    break
                elif lowers[follower] in advice_fillers:
                    meaningful_filler = True


# ------------------------------------------------------------------------------------------------
# lix-too-high, long-sentence, long-word


@check("lix-too-high")
def lix_too_high(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """The whole letter's LIX (README's definition) above the limit."""
    readability = analysis.readability
    limit = float(options.get("limit", 40))
    if readability is None or readability.words == 0 or readability.lix <= limit:
        return
    lix = display(readability.lix)
    yield Hit(
        message=f"Brevets LIX er {lix} ({readability.band}); det er over grænsen på "
        f"{limit:g}. Skriv kortere sætninger og færre lange ord."
    )


@check("long-sentence")
def long_sentence(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """Sentences with more than ``max-words`` words, counted as LIX counts them."""
    from lettercheck.language.lix import count_words

    limit = int(options.get("max-words", 25))
    for position, block in enumerate(analysis.document.blocks):
        if block.kind not in PLAIN_TEXT_KINDS or not block.text.strip():
            continue  # the blocks of _main_blocks, with their position for sentence_bounds
        spans = [(p.start, p.end) for p in block.placeholders]
        if len(block.text) + len(spans) <= limit:
            # Every word has at least one character and a merge field counts once, so no
            # sentence of this block can have more than ``limit`` words (most headings, list
            # items and short paragraphs): skip making its sentences.
            continue
        for first, last, start_char, end_char in analysis.sentence_bounds(position):
            if end_char - start_char + len(spans) <= limit:
                continue  # too short to hold more than ``limit`` words (see above)
            text = block.text[start_char:end_char]
            local = [
                (s - start_char, e - start_char) for s, e in spans if start_char <= s < end_char
            ]
            count = count_words(text, local)
            if count <= limit:
                continue
            toks = analysis.tokens(position)
            words = [k for k in range(first, last) if not _punct_or_space(toks.text[k])]
            if not words:
                continue
            start, end = toks.idx[words[0]], toks.end(words[-1])
            yield Hit(
                block.index,
                start,
                end,
                f"Sætningen har {count} ord; skriv højst {limit} ord i en sætning. Del den op.",
                None,
            )


def _punct_or_space(text: str) -> bool:
    """spaCy's ``is_punct or is_space`` for a token's text (spacy.lang.lex_attrs: every
    character of Unicode category P*; ``str.isspace``)."""
    return text.isspace() or all(unicodedata.category(ch).startswith("P") for ch in text)


def _official_term(word: str, terms: tuple[str, ...]) -> bool:
    """``word`` is one of ``terms`` with at most an ending ("rehabiliteringsteamets")."""
    return any(word.startswith(term) and len(word) - len(term) <= 4 for term in terms)


@check("long-word")
def long_word(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """Words with more than ``max-letters`` letters (per hyphen-joined part, since a hyphen already
    breaks a compound up). Addresses, numbers and merge fields are not words to shorten."""
    limit = int(options.get("max-letters", 20))
    law_words = set(options.get("law-words", ()))
    official = tuple(options.get("official-terms", ()))
    for position, block in enumerate(analysis.document.blocks):
        if block.kind not in PLAIN_TEXT_KINDS or not block.text.strip():
            continue  # the blocks of _main_blocks, with their position for the Doc
        if max(map(len, block.text.split()), default=0) <= limit:
            # A token never spans white space, and a white-space token has no letters, so no
            # token of this block is long: skip making them.
            continue
        skip = [(p.start, p.end) for p in block.placeholders] + [
            (k.start, k.end) for k in block.links
        ]
        toks = analysis.tokens(position)
        for i, text in enumerate(toks.text):
            if len(text) <= limit:
                continue
            token = analysis.docs[position][i]  # a long token (a few per letter): its lexeme
            if token.like_url or token.like_email:
                continue
            if any(ch.isdigit() or ch in "@/._\\:«»" for ch in text):
                continue
            start = toks.idx[i]
            if any(s < start + len(text) and start < e for s, e in skip):
                continue
            if text[:1].isupper() and not _sentence_start(toks, i):
                continue  # a name ("Sygedagpengeafdelingen"): the writer cannot shorten it
            if _official_term(toks.lower[i], official):
                continue
            before = set(toks.lower[max(0, i - 5) : i])
            if before & law_words:
                continue  # part of a law's title ("lov om en aktiv beskæftigelsesindsats")
            longest = max(
                sum(ch.isalpha() for ch in part) for part in text.replace("‐", "-").split("-")
            )
            if longest > limit:
                yield Hit(
                    block.index,
                    start,
                    start + len(text),
                    f"»{text}« er et langt ord ({longest} bogstaver); del det op eller omskriv.",
                    None,
                )
