"""Plain-language and readability rules that need a little code: formal address, passive voice,
nominalisation, LIX, long sentences and long words.

Their word lists and thresholds are data in rules/plain.yaml and rules/readability.yaml
(``options:``); the code here only does what a list cannot: look at sentence starts, tell a verb's
s-form from a noun ending in -s with the lemma table, and count words.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from lettercheck.checks import Hit, check
from lettercheck.language.danish import present
from lettercheck.language.lix import display
from lettercheck.model.document import PLAIN_TEXT_KINDS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from lettercheck.language.analysis import Analysis
    from lettercheck.model.document import Block


def _main_blocks(analysis: Analysis) -> Iterator[tuple[Block, Doc]]:
    """Blocks of the letter's text with their Doc: the main text and text boxes (headers and
    footers hold the letterhead, not the message)."""
    for block, doc in zip(analysis.document.blocks, analysis.docs, strict=True):
        if block.kind in PLAIN_TEXT_KINDS and block.text.strip():
            yield block, doc


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


def _sentence_start(token: Token) -> bool:
    """True when only punctuation, quotes or bullets stand before ``token`` in its sentence."""
    if token.is_sent_start or token.i == 0:
        return True
    sent_start = token.sent.start
    return all(not t.is_alpha and not t.is_digit for t in token.doc[sent_start : token.i])


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
    for block, doc in _main_blocks(analysis):
        if "De" not in block.text:
            continue  # all three words contain "De": most blocks have none, so skip their tokens
        for token in doc:
            text = token.text
            if text not in suggestions:
                continue
            hit = Hit(block.index, token.idx, token.idx + len(text), None, suggestions[text])
            if text == "De" and _sentence_start(token):
                after = [t.lower_ for t in doc[token.i + 1 : token.i + 3]]
                if after and after[0] in verbs and not plural.intersection(after[1:]):
                    at_start.append(Hit(hit.block, hit.start, hit.end, None, "Du"))
                continue
            formal = True
            yield hit
    if formal:
        yield from at_start


# ------------------------------------------------------------------------------------------------
# passive-voice


def _s_passive_infinitive(token: Token, options: Mapping[str, Any]) -> str | None:
    """The infinitive of an s-passive verb form ("udbetales" -> "udbetale"), or None."""
    word = token.lower_
    if len(word) < 4 or not word.endswith("s") or not token.is_alpha:
        return None
    if word in options.get("not-passive", ()):
        return None
    stem = word[:-1]
    if stem[-1] not in "aeiouyæøå":
        return None  # the s-passive adds -s to an infinitive, and Danish infinitives end in a vowel
    if _lemma(word) not in (stem, _lemma(stem)) or not is_verb(stem):
        return None
    if token.text[:1].isupper() and not _sentence_start(token):
        return None  # a name's genitive ("Dansk Folkepartis byrådsgruppe"), not a passive
    previous = token.nbor(-1).lower_ if token.i > 0 else ""
    if previous in options.get("genitive-before", ()):
        return None  # "en ydelses størrelse": a noun's genitive after an article
    if word in options.get("reciprocal", ()) and previous in options.get("plural-subjects", ()):
        return None  # "vi ses", "vi høres ved"
    return stem


def _clause_start(token: Token) -> bool:
    """A main clause starts at ``token``: a sentence start or after "og"/"men"/"så". After a comma
    "der" is mostly relative ("brevet, der sendes"), where "vi sender" would not fit."""
    if _sentence_start(token):
        return True
    return token.i > 0 and token.nbor(-1).lower_ in ("og", "men", "så", "eller")


def _to_us(doc: Doc, i: int, options: Mapping[str, Any]) -> bool:
    """Is the passive at ``i`` an instruction to the reader to act toward us? "Spørgsmål kan
    rettes til (din sagsbehandler | undertegnede)", "Undertegnede kan kontaktes": a modal right
    before it, and the sender after "til" or as the subject. Then the citizen acts, not we; a
    passive without a modal ("Din sag sendes til Ydelseskontoret") is something we do."""
    if i == 0 or doc[i - 1].lower_ not in options.get("instruction-modals", ()):
        return False
    words = set(options.get("sender-words", ()))
    stems = tuple(options.get("sender-stems", ()))

    def sender(word: str) -> bool:
        return word in words or word.startswith(stems)

    if i >= 2 and sender(doc[i - 2].lower_):
        return True  # "Undertegnede kan kontaktes"
    for k in range(i + 1, min(len(doc) - 1, i + 4)):
        if doc[k].lower_ == "til":
            after = doc[k + 1].lower_
            if after in ("din", "dit", "jeres") and k + 2 < len(doc):
                after = doc[k + 2].lower_  # "til din sagsbehandler"
            return sender(after)
    return False


def _agent(doc: Doc, i: int, options: Mapping[str, Any]) -> str | None:
    """Who acts in a passive, when the sentence names them with "af" right after it: "bestilles
    af skolen" -> "skolen", "blive kontaktet af din sagsbehandler" -> "din sagsbehandler". Not
    "af hensyn til", "af og til"; at most four words, up to punctuation or a clause word."""
    k = i + 1
    if k < len(doc) and doc[k].lower_ in options.get("between", ()):
        k += 1
    if k >= len(doc) - 1 or doc[k].lower_ != "af":
        return None
    words: list[str] = []
    for token in doc[k + 1 : k + 5]:
        if not token.is_alpha or token.lower_ in options.get("agent-stops", ()):
            break
        words.append(token.text)
    if not words or words[0].lower() in options.get("not-agents", ()):
        return None
    return " ".join(words)


def _reader_acts(doc: Doc, i: int, infinitive: str, options: Mapping[str, Any]) -> str | None:
    """The active of a passive that tells the reader what to do: a modal before it and a verb
    the citizen does ("Afbud skal gives" -> "du skal give afbud", "Der skal søges om" -> "du
    skal søge"), naming the sentence's subject when it opens the sentence. None otherwise."""
    if infinitive in options.get("citizen-only-verbs", ()):
        # "den afgørelse, der klages over", "Klagen skal indgives til Skatterådet": only the
        # citizen complains, with or without a modal.
        modal = _clause_modal(doc, i, options)
        return f"du {modal} {infinitive}" if modal else f"du {present(infinitive)}"
    if infinitive not in options.get("citizen-verbs", ()):
        return None
    if i == 0 or doc[i - 1].lower_ not in options.get("instruction-modals", ()):
        # "skal dispensationen eller en kopi af den medbringes": the modal earlier in the clause
        modal = _clause_modal(doc, i, options)
        return f"du {modal} {infinitive}" if modal else None
    active = f"du {doc[i - 1].lower_} {infinitive}"
    if i >= 2:
        subject = doc[i - 2]
        if (
            subject.is_alpha
            and _sentence_start(subject)
            and subject.lower_ not in options.get("not-subjects", ())
        ):
            active += f" {subject.lower_}"
    return active


_CLAUSE_REACH = 15  # "Klage … skal inden 3 måneder fra modtagelsen af … indgives"


def _clause_modal(doc: Doc, i: int, options: Mapping[str, Any]) -> str | None:
    """The modal ("kan", "skal") earlier in the clause of the passive at ``i``, if any."""
    modals = options.get("instruction-modals", ())
    for k in range(i - 1, max(-1, i - 1 - _CLAUSE_REACH), -1):
        token = doc[k]
        if token.is_punct or token.is_sent_start:
            return token.lower_ if token.lower_ in modals else None
        if token.lower_ in modals:
            return token.lower_
    return None


def _actor_unknown(doc: Doc, i: int, infinitive: str, options: Mapping[str, Any]) -> bool:
    """Is the one who acts someone the letter cannot name as "vi"? A verb of law-making ("Det
    blev vedtaget" about a law: parliament did it) or a passive in what another source says
    ("speciallægeerklæringen, hvoraf det fremgår, at De vurderes …": the specialist judged)."""
    if infinitive in options.get("unknown-actor-verbs", ()):
        return True
    reported = options.get("reported-words", ())
    sentence = doc[i].sent
    return any(t.lower_ in reported for t in doc[sentence.start : i])


def _participle(token: Token, options: Mapping[str, Any]) -> bool:
    """A past participle such as "udbetalt", "bevilget", "sendt", "givet", "skrevet"."""
    word = token.lower_
    if not token.is_alpha or word in options.get("not-participles", ()):
        return False
    lemma = _lemma(word)
    if lemma == word:
        return False
    if any(word.endswith(end) for end in options.get("irregular-participles", ())):
        return is_verb(lemma)
    base = lemma[:-1] if lemma.endswith("e") else lemma
    regular = {base + "t", base + "et", lemma + "t", lemma + "et"}
    return word in regular and is_verb(lemma)


def _passive_message(words: str, active: str | None) -> str:
    """The advice: with an example of who acts when we can tell, else only the question."""
    if active is None:
        return f"»{words}« er passiv; skriv, hvem der gør det."
    return f"»{words}« er passiv; skriv, hvem der gør det, fx »{active}«."


@check("passive-voice")
def passive_voice(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """s-passive ("udbetales", "Der sendes") and "blive" + participle ("blev bevilget").

    Only the "der/det + s-passive" form gets a suggestion ("Der sendes" -> "Vi sender"), because
    only there the active sentence is a drop-in replacement; elsewhere the sentence needs
    rewriting around who acts, which the message says."""
    skip_between = set(options.get("between", ()))
    blive: int | None = None
    for block, doc in _main_blocks(analysis):
        if blive is None:
            blive = doc.vocab.strings["blive"]  # the lemma's hash: no string per token below
        taken_until = -1
        for token in doc:
            if token.i <= taken_until:
                continue
            # _s_passive_infinitive's first test, here: most tokens fail it, and a call per
            # token was a good part of this rule's time.
            word = token.lower_
            infinitive = (
                _s_passive_infinitive(token, options)
                if len(word) >= 4 and word[-1] == "s"
                else None
            )
            if infinitive is not None:
                start = token.idx
                suggestion = None
                # Who acts: the one named with "af"; the reader, when the sentence tells them
                # what to do ("Spørgsmål kan rettes til undertegnede", "Afbud skal gives");
                # else we, the authority.
                agent = _agent(doc, token.i, options)
                reader = _reader_acts(doc, token.i, infinitive, options)
                active: str | None = f"vi {present(infinitive)}"
                if agent is not None:
                    active = f"{agent} {present(infinitive)}"
                elif _to_us(doc, token.i, options):
                    active = f"du {doc[token.i - 1].lower_} {infinitive}"  # "du kan rette"
                elif reader is not None:
                    active = reader
                elif _actor_unknown(doc, token.i, infinitive, options):
                    active = None  # advice without an actor: we cannot tell who it is
                previous = token.nbor(-1) if token.i > 0 else None
                if (
                    previous is not None
                    and previous.lower_ in ("der", "det")
                    and _clause_start(previous)
                ):
                    start = previous.idx
                    # A drop-in replacement only when we act: an agent or the reader must be
                    # moved into the sentence, which is a rewrite (advice in the message).
                    suggestion = active if active and active.startswith("vi ") else None
                    if suggestion is not None and previous.text[:1].isupper():
                        suggestion = suggestion.capitalize()
                end = token.idx + len(token.text)
                yield Hit(
                    block.index,
                    start,
                    end,
                    _passive_message(block.text[start:end], active),
                    suggestion,
                )
                continue
            if token.lemma != blive:
                continue
            for follower in doc[token.i + 1 : token.i + 4]:
                if _participle(follower, options):
                    # "blive indkaldt" -> "vi indkalder", when the lemma table knows the verb
                    verb = follower.lemma_
                    agent = _agent(doc, follower.i, options)
                    who = agent or "vi"
                    if token.lower_ in ("blev", "blevet"):
                        # "blev bevilget", "er blevet godkendt": done, so "vi har bevilget"
                        active = f"{who} har {follower.lower_}"
                    else:
                        active = f"{who} {present(verb)}" if verb.endswith("e") else f"{who} har …"
                    if agent is None and _actor_unknown(doc, follower.i, verb, options):
                        active = None  # "Det blev vedtaget" (a law): not we
                    yield Hit(
                        block.index,
                        token.idx,
                        follower.idx + len(follower.text),
                        _passive_message(doc[token.i : follower.i + 1].text, active),
                        None,
                    )
                    taken_until = follower.i
                    break
                if follower.lower_ not in skip_between:
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
    for block, doc in _main_blocks(analysis):
        for token in doc:
            # the lemma table reads some forms of a light verb as another word ("gør" -> "gø")
            light_lemma = verb_forms.get(token.lower_, token.lemma_)
            if light_lemma not in light:
                continue
            kept: list[str] = []
            meaningful_filler = False
            for follower in doc[token.i + 1 : token.i + 5]:
                noun = _lemma(follower.lower_)
                if follower.is_alpha and (noun.endswith(suffixes) or noun in known_nouns):
                    verb = _verb_for(noun, options, derive=light_lemma not in known_only)
                    if verb is None:
                        break
                    end_token = follower
                    after = follower.nbor(1) if follower.i + 1 < len(doc) else None
                    if after is not None and after.lower_ in drop_after:
                        end_token = after
                    form: str | None = verb  # the light verb's infinitive: the same form
                    if token.lower_ != light_lemma:
                        # Present tense ("foretager") we can form; another form ("har truffet
                        # afgørelse", "foretog") would need one we cannot, so the verb is named
                        # as advice and nothing replaces the words.
                        in_present = token.lower_.endswith("r") and " " not in verb
                        form = present(verb) if in_present else None
                    if end_token is not follower and end_token.lower_ in advice_after:
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
                    if form is not None and token.text[:1].isupper():
                        form = form[:1].upper() + form[1:]
                    advice = " ".join([form or verb, *kept])
                    yield Hit(
                        block.index,
                        token.idx,
                        end_token.idx + len(end_token.text),
                        f"»{doc[token.i : end_token.i + 1].text}« er navneordsstil; "
                        f"brug udsagnsordet, fx »{advice}«.",
                        advice if form is not None else None,
                    )
                    break
                if follower.lower_ in objects:
                    kept.append(follower.text)
                elif follower.lower_ not in fillers:
                    break
                elif follower.lower_ in advice_fillers:
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
    for position, (block, doc) in enumerate(
        zip(analysis.document.blocks, analysis.docs, strict=True)
    ):
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
            sent = doc[first:last]
            words = [t for t in sent if not t.is_punct and not t.is_space]
            if not words:
                continue
            start, end = words[0].idx, words[-1].idx + len(words[-1].text)
            yield Hit(
                block.index,
                start,
                end,
                f"Sætningen har {count} ord; skriv højst {limit} ord i en sætning. Del den op.",
                None,
            )


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
    for block, doc in _main_blocks(analysis):
        if max(map(len, block.text.split()), default=0) <= limit:
            # A token never spans white space, and a white-space token has no letters, so no
            # token of this block is long: skip making them.
            continue
        skip = [(p.start, p.end) for p in block.placeholders] + [
            (k.start, k.end) for k in block.links
        ]
        for token in doc:
            text = token.text
            if len(text) <= limit or token.like_url or token.like_email:
                continue
            if any(ch.isdigit() or ch in "@/._\\:«»" for ch in text):
                continue
            start = token.idx
            if any(s < start + len(text) and start < e for s, e in skip):
                continue
            if text[:1].isupper() and not _sentence_start(token):
                continue  # a name ("Sygedagpengeafdelingen"): the writer cannot shorten it
            if _official_term(token.lower_, official):
                continue
            before = {t.lower_ for t in doc[max(0, token.i - 5) : token.i]}
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
