"""Text clean-up as Standard Ebooks does it, in the text's own language, for
both editions: a typewriter's spaced hyphen becomes the language's dash and a
number range an en dash; a no-break space goes where a line must not break
(a day and its month, a number and its unit or counted noun, "page 12",
initials, before a dash, before French ; : ! ?); code, web addresses and ISBNs
break only where breaks.py allows.

Only text is touched: never code, maths, attribute values, web addresses,
ISBNs, ISO dates or phone-like numbers. Runs once the links are resolved, as
heading ids written for other sites are matched against heading texts.
A publication turns any of it off with ``typography:`` (reading_options.py).
"""

from __future__ import annotations

import re

from ..model import Publication
from . import breaks

NBSP, NNBSP, WJ = "\u00a0", "\u202f", "\u2060"
PLACE = "\ue000"  # stands in for an address or ISBN while the text around it is cleaned
WORD = "\ue001"  # stands in for the inline element's words just before or after a piece of text
INLINE = set("a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small span strong sub sup time u var".split())
SKIPPED = {"pre", "script", "style", "math", "svg", "textarea", "template"}
CODE = {"code", "kbd", "samp"}
_SP = r"[ \t\n]+"

MONTHS = {
    "en": "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Jänner Februar März April Mai Juni Juli August September Oktober November Dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
}
# Words a number stays with when they come before it ("page 12", "No. 5").
BEFORE_NUMBER = {
    "en": "page pages p. pp. chapter chapters figure fig. table section sections no. nos. vol. volume part "
    "article art. line lines note notes version step",
    "fr": "page pages p. chapitre figure fig. tableau section n° no vol. tome partie article art. note",
    "de": "Seite Seiten S. Kapitel Abbildung Abb. Tabelle Tab. Abschnitt Nr. Bd. Band Teil Artikel Art.",
    "es": "página páginas pág. capítulo figura tabla sección n.º núm. vol. tomo parte artículo art.",
    "it": "pagina pagine pag. capitolo figura tabella sezione n. vol. volume parte articolo art.",
    "pt": "página páginas pág. capítulo figura tabela secção seção n.º vol. volume parte artigo art.",
}
# Words that follow a number without being what it counts ("in 2013 the").
NOT_COUNTED = {
    "en": "and or the a an to of in on at by for from with as but nor so yet is are was were be been has had have "
    "which who that than then when while where if after before since until into onto per it he she they we you "
    "i there this these those its his her their not also only more less will would can could did do does",
    "fr": "et ou le la les de des du à au aux en par pour sur dans avec est sont était qui que dont",
    "de": "und oder der die das den dem des ein eine zu von im in an auf mit für ist sind war wurde",
    "es": "y o e u el la los las de del a al en por para con es son era que",
    "it": "e o il lo la i gli le di del della a al in per con è sono era che",
    "pt": "e ou o a os as de do da em no na por para com é são era que",
}
UNITS = set(
    "% ‰ ° °C °F km m cm mm µm nm kg g mg t l L ml mL h min s ms µs ns pt pc px em rem ft mi yd lb oz "
    "kB KB MB GB TB KiB MiB GiB TiB bit kbit Mbit Gbit Hz kHz MHz GHz kW MW mA dpi ppi "
    "BC BCE AD CE".split()
)
HONORIFICS = {"en": "Mr Mrs Ms Dr St Prof Rev Gen Col Capt Lt Sgt Hon Jr Sr"}


def _words(words: str) -> str:
    return "|".join(re.escape(w) for w in sorted(words.split(), key=len, reverse=True))


def _compiled(lang: str) -> dict[str, re.Pattern]:
    primary = lang.split("-")[0].lower()
    found: dict[str, re.Pattern] = {}
    if primary in MONTHS:
        months = _words(MONTHS[primary])
        found["day month"] = re.compile(rf"(?<![\w.,])(\d{{1,2}}\.?){_SP}(?=(?:{months})\b)", re.I)
        found["month day"] = re.compile(rf"\b({months}){_SP}(?=\d{{1,2}}(?![\d.,:]\d))", re.I)
    before = _words(BEFORE_NUMBER.get(primary, "") + " § ISBN ISBN-10 ISBN-13 ISSN")
    found["before number"] = re.compile(rf"(?<![\w.])({before}){_SP}(?=\d)", re.I)
    if primary in HONORIFICS:
        found["honorific"] = re.compile(rf"\b((?:{_words(HONORIFICS[primary])})\.){_SP}(?=[A-Z])")
    return found


_CACHE: dict[str, dict[str, re.Pattern]] = {}
_STOP = {lang: set(words.split()) for lang, words in NOT_COUNTED.items()} | {"": set()}
DIGIT = re.compile(r"\d")

# Two numbers and a hyphen, not in a longer chain (an ISO date, an ISBN,
# a telephone number) nor after a decimal point, a slash or a plus.
RANGE = re.compile(rf"(?<![\w.,/:+\-\u2013])(\d+)(?:{_SP}-{_SP}|-)(\d+)(?![\w\-/\u2013]|[.,]\d)")
SPACED_HYPHEN = re.compile(rf"(?<=[^\s\u2060]){_SP}-{_SP}(?=[^\s\d-])|(?<=[^\s\d\u2060]){_SP}-{_SP}(?=\d)")
SPACED_DASH = re.compile(rf"(?<=\S){_SP}([\u2013\u2014])(?=\s)")
CLOSED_EM_DASH = re.compile("(?<=[^\\s\u2060\u00a0\u202f\u2014])\u2014")
NUMBER_WORD = re.compile(rf"(?<![\w.,:/\u2060])(\d[\d,.]*){_SP}(?=(%|‰|°C|°F|°|[^\W\d_][\w'’]*))")
INITIAL = re.compile(rf"(?<![\w.'’])([^\W\d_]\.){_SP}(?=[^\W\d_])")
FRENCH_BEFORE = re.compile(r"(?<=[\w»)\]\u2019\u201d])[ \t\n\u00a0\u202f]*([;!?]+|:)(?=[\s\u00bb)]|$)")
FRENCH_QUOTES = re.compile(r"«[ \t\n\u00a0\u202f]*|[ \t\n\u00a0\u202f]*»")
ISBN_LABEL = re.compile(rf"\b(ISBN(?:-1[03])?:?){_SP}$")
GERMAN_ABBREVIATION = re.compile(rf"\b([a-zäöü]\.){_SP}(?=[^\W\d_]\.)")


# "Listing 1-1", "Figure 3-2": a chapter's numbering, not a range.
NUMBERED = re.compile(
    r"\b(?:listing|figure|fig\.|table|tab\.|example|exercise|equation|eq\.|abbildung|abb\.|tabelle|beispiel|"
    r"tableau|exemple|figura|tabla|tabela|tabella|esempio|ejemplo|exemplo)[ \t\n\u00a0]+$",
    re.I,
)


def phone_like(first: str, second: str) -> bool:
    return first.startswith("0") or second.startswith("0") or (len(first) >= 3 and len(second) > len(first))


# Sums: an operator before or after the two operands of a hyphen, or a lone
# letter beside a number ("n - 1"), make it a minus sign, which stays.
OPERATOR_AFTER = re.compile(r"\S*[ \t\n]*[=+*/×÷<>≤≥±]")
OPERATOR_BEFORE = re.compile(r"[=+*/×÷<>≤≥±][ \t\n]*\S*$")
OPERANDS = re.compile(r"(?:^|\s)(?:[^\W\d_]|\d+)$")
OPERAND = re.compile(r"[^\W\d_]|\d+")
NEAR = 64  # characters either side of a hyphen that can tell a sum


def minus(text: str, start: int, end: int) -> bool:
    """Whether the hyphen in ``text[start:end]`` (with any spaces round it) is a minus sign in a sum."""
    before, after = text[max(0, start - NEAR) : start].rstrip(), text[end : end + NEAR].lstrip()
    if OPERATOR_AFTER.match(after) or OPERATOR_BEFORE.search(before):
        return True
    right = after.split(maxsplit=1)[0] if after else ""
    left = OPERANDS.search(before)
    if left is None or not OPERAND.fullmatch(right):
        return False
    lone = [x for x in (left.group().strip(), right) if not x.isdigit()]
    return len(lone) == 1  # a letter and a number: "n - 1", "2 - x"


def _range(m: re.Match) -> str:
    first, second = m.group(1), m.group(2)
    if phone_like(first, second) or NUMBERED.search(m.string, 0, m.start()):
        return m.group()
    if minus(m.string, m.end(1), m.start(2)):
        return m.group()
    return f"{first}\u2013{WJ}{second}"


def dashes(text: str, lang: str) -> str:
    """Spaced hyphens and number ranges to the language's dashes, kept from
    starting a line."""
    if "-" in text and DIGIT.search(text):
        text = RANGE.sub(_range, text)
    primary, _, region = lang.lower().partition("-")
    closed_em = primary == "en" and region in ("", "us")
    # American and Standard Ebooks' English closes an em dash up; British,
    # French, German and the rest set a spaced en dash.
    if "-" in text:
        dash = f"{WJ}\u2014" if closed_em else f"{NBSP}\u2013 "
        text = SPACED_HYPHEN.sub(lambda m: m.group() if minus(m.string, m.start(), m.end()) else dash, text)
    if "\u2013" in text or "\u2014" in text:
        text = SPACED_DASH.sub(lambda m: NBSP + m.group(1), text)
    if "\u2014" in text:
        text = CLOSED_EM_DASH.sub(WJ + "\u2014", text)
    return text


def spaces(text: str, lang: str) -> str:
    """No-break spaces where a line must not break."""
    if lang not in _CACHE:
        _CACHE[lang] = _compiled(lang)
    primary = lang.split("-")[0].lower()
    # Most text has no number: the rules about numbers are not tried on it.
    numbers = DIGIT.search(text) is not None
    for name, pattern in _CACHE[lang].items():
        if numbers or name == "honorific":
            text = pattern.sub(lambda m: m.group(1) + NBSP, text)
    if numbers:
        # German capitalises every noun, so a counted noun may be capitalised.
        text = NUMBER_WORD.sub(lambda m: _number_word(m, _STOP.get(primary, _STOP[""]), primary == "de"), text)
    text = INITIAL.sub(lambda m: m.group(1) + NBSP if m.group(1)[0].isupper() and _next_upper(m) else m.group(), text)
    if primary == "fr":
        text = FRENCH_BEFORE.sub(lambda m: (NBSP if m.group(1) == ":" else NNBSP) + m.group(1), text)
        text = FRENCH_QUOTES.sub(lambda m: "«" + NNBSP if m.group().startswith("«") else NNBSP + "»", text)
    elif primary == "de":
        text = GERMAN_ABBREVIATION.sub(lambda m: m.group(1) + NNBSP, text)
    return text


def _next_upper(m: re.Match) -> bool:
    return m.string[m.end()].isupper()


def _number_word(m: re.Match, stop: set[str], any_case: bool) -> str:
    number, word = m.group(1), m.group(2)
    if word in UNITS:
        return number + NBSP
    year_like = len(number) == 4 and number.isdigit() and number[0] in "12"
    if (
        (any_case or word[0].islower())
        and word.lower() not in stop
        and not year_like
        and not number.endswith((",", "."))
    ):
        return number + NBSP
    return m.group()


def tidy_text(text: str, lang: str, which: frozenset[str], before: bool = False, after: bool = False) -> list:
    """Text as segments (strings and elements): addresses, e-mail addresses
    and ISBNs kept as they are (and cut where they may break), the rest
    cleaned up around them as if each were a word. ``before``, ``after``: an
    inline element's words touch the text there ("*policies* - not")."""
    if WORD not in text and (before or after):
        marked = tidy_text(WORD * before + text + WORD * after, lang, which)
        if before:
            marked[0] = marked[0].removeprefix(WORD)
        if after:
            marked[-1] = marked[-1].removesuffix(WORD)
        return marked
    found: list[tuple[int, int, str]] = []
    patterns = []  # only those the text could hold: most text has none
    if "://" in text or "www." in text or "mailto:" in text:
        patterns.append(("url", breaks.URL))
    if "@" in text:
        patterns.append(("email", breaks.EMAIL))
    if DIGIT.search(text):
        patterns.append(("isbn", breaks.ISBN))
    for start, end, kind in sorted(
        (m.start(), m.end(), kind) for kind, pattern in patterns for m in pattern.finditer(text)
    ):
        if not found or start >= found[-1][1]:  # not inside an earlier match (an address holding digits)
            found.append((start, end, kind))
    if PLACE in text:  # a private-use character of the author's: no stand-ins
        return [_clean(text, lang, which)] if not found else [text]
    stood_in, position = "", 0
    for start, end, _kind in found:
        stood_in += text[position:start] + PLACE
        position = end
    cleaned = _clean(stood_in + text[position:], lang, which).split(PLACE)
    out: list = [cleaned[0]]
    for (start, end, kind), rest in zip(found, cleaned[1:]):
        piece = text[start:end]
        if kind == "isbn" and "spaces" in which:
            out[-1] = ISBN_LABEL.sub(lambda m: m.group(1) + NBSP, out[-1])
        if "breaks" not in which:
            out.append(piece)
        elif kind == "isbn":
            out.append(breaks.nobreak(piece))
        else:
            out += breaks.url_segments(piece)
        out.append(rest)
    return out


def _clean(text: str, lang: str, which: frozenset[str]) -> str:
    if "dashes" in which:
        text = dashes(text, lang)
    if "spaces" in which:
        text = spaces(text, lang)
    return text


def tidy(pub: Publication) -> None:
    which = pub.metadata.reading.typography
    if not which:
        return
    for chapter in pub.chapters:
        _walk(chapter.body, chapter.lang or pub.metadata.lang, which)


def _walk(el, lang: str, which: frozenset[str]) -> None:
    lang = el.get("lang") or el.get("{http://www.w3.org/XML/1998/namespace}lang") or lang
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    # Pressroom's own words (a caption's "Figure 3.") are left as terms.py has them.
    if tag in SKIPPED or {"nobreak", "caption-prefix"} & set((el.get("class") or "").split()):
        return
    if tag in CODE or (tag == "a" and breaks.URL.fullmatch((el.text or "").strip())):
        if "breaks" in which and not len(el) and el.text:
            found = breaks.code_segments(el.text) if tag in CODE else breaks.url_segments(el.text)
            if found is not None:
                breaks.splice(el, "text", found)
        return
    if el.text:
        breaks.splice(el, "text", tidy_text(el.text, lang, which, after=_inline(el[0] if len(el) else None)))
    for child in list(el):
        following = child.getnext()
        if isinstance(child.tag, str):
            _walk(child, lang, which)
        if child.tail:
            segments = tidy_text(child.tail, lang, which, _inline(child), _inline(following))
            breaks.splice(child, "tail", segments)


def _inline(el) -> bool:
    return el is not None and isinstance(el.tag, str) and el.tag.lower() in INLINE
