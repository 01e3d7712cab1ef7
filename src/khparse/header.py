"""Metadata from the header block, the title block and the closing block (Nghị định 30/2020
layout: issuer top left, motto top right, "Số:", place and date, type line, trích yếu; then
"Nơi nhận:" beside the signature TM./KT./position/name).

Each reader orders the header and signature table cells differently, so nothing here relies
on line order beyond "the issuer comes before the motto or the number": every field has its
own anchor.
"""

from __future__ import annotations

import datetime
from itertools import compress, count, pairwise

import regex

from .grammar_cache import rx
from .models import Metadata, Signer
from .normalize import collapse, lower, sentence_case
from .paragraphs import RULE_RE
from .sections import DOC_TYPES
from .source import Line
from .structure import Block, Skeleton
from .words import cut_gaps

# --- header grammar ---------------------------------------------------------------------------
# National motto lines (removed before reading the issuer): "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
# "Độc lập - Tự do - Hạnh phúc"; Party documents carry "ĐẢNG CỘNG SẢN VIỆT NAM" instead.
MOTTO_RE = rx(
    r"CỘNG\s+H[OÒ]À?\s*XÃ\s+HỘI(?:\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM)?|CHỦ\s+NGHĨA\s+VIỆT\s+NAM|"
    r"Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM",
    regex.IGNORECASE,
)
# "Số: 30/KH-UBND", "Số:     /KH-UBND" (number left blank in a draft), "Số 3260-KH/ĐĐQH15" (Party).
NUMBER_RE = rx(
    r"\bSố\s*:?\s*(?P<num>(?:\d+|[.…_ ]*)\s*[/-]\s*(?:\d{4}/)?[\p{Lu}Đ][\p{L}Đđ\d]*(?:[-/][\p{L}Đđ\d]+)*)"
)
# "Bắc Giang, ngày 30 tháng 4 năm 2024"; a blank day/month in a draft: "Lâm Đồng, ngày   tháng 3 năm 2026".
DATE_RE = rx(
    r"(?:(?<![\p{L}\d/-])(?P<place>(?:Thành\s+phố\s+|TP\.\s*)?\p{Lu}[\p{L}.]*(?:\s+\p{Lu}[\p{L}.]*){0,5})\s*,\s*)?ngày\s*(?P<d>\d{1,2})?[\s.…_]*"
    r"tháng\s*(?P<m>\d{1,2})?[\s.…_]*năm\s*(?P<y>\d{4})"
)
# Signature prefixes: TM. (on behalf of a collective), KT. (for the head), TL., TUQ., Q. (acting).
SIGN_PREFIX_RE = rx(r"^(?P<p>TM|T/M|KT|TL|TUQ|Q)\.?\s*(?P<who>.+)$")
POSITION_RE = rx(
    r"^(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG|THỦ\s+TƯỚNG|TRƯỞNG\s+(?:BAN|ĐOÀN|PHÒNG)|"
    r"BÍ\s+THƯ|CHÁNH\s+VĂN\s+PHÒNG|CỤC\s+TRƯỞNG|VỤ\s+TRƯỞNG|TỔNG\s+CỤC\s+TRƯỞNG|CHÁNH\s+THANH\s+TRA|"
    r"THỨ\s+TRƯỞNG|CHỦ\s+NHIỆM|TRƯỞNG\s+CÔNG\s+AN|GIÁM\s+ĐỐC\s+CÔNG\s+AN)\b.*$"
)
# A person's name: 2–5 capitalised syllables ("Mai Sơn", "Nguyễn Ngọc Phúc").
NAME_RE = rx(r"^(?:\p{Lu}\p{Ll}*\s+){1,4}\p{Lu}\p{Ll}*$")
_SIGN_NOISE_RE = rx(r"^\(?\s*(?:Đã\s+ký|đã\s+ký|Ký\s+bởi|Ký\s+thay|\[?ký|Chữ\s+ký\s+số)", regex.I)
# Any lower-case letter: text without one was printed in capitals.
_LOWER = rx(r"\p{Ll}")
_PHO = rx(r"^(PHÓ)\s+(.+)$")  # "PHÓ CHỦ TỊCH"
# The province at the end of an issuer's name: "Ủy ban nhân dân tỉnh Bắc Giang" → "Bắc Giang".
_PROVINCE = rx(r"\b(?:tỉnh|thành phố|Thành phố)\s+(\p{Lu}[\p{L}]*(?:\s+\p{Lu}[\p{L}]*){0,3})\s*$")
_MD_HEADING = rx(r"^(?:#+\s*)")  # "# ỦY BAN NHÂN DÂN" in Markdown
# A parent body, then the issuing body (see ``_issuer``).
_PARENT_BODY = rx(
    r"^(?P<parent>.*?(?:TỈNH|THÀNH PHỐ)\s+\S+(?:\s+\S+)*?)\s+(?P<body>(?:SỞ|BAN|BỘ|CÔNG AN|VĂN PHÒNG|"
    r"THANH TRA|CHI CỤC|CỤC|BAN CHỈ ĐẠO|ĐOÀN|TỔ CÔNG TÁC|HỘI ĐỒNG)\b.*)$")
_CAPS_PLACE = rx(r"(?:TỈNH|THÀNH PHỐ)\s+(.+)$")  # "ỦY BAN NHÂN DÂN TỈNH LÀO CAI" → "LÀO CAI"
_HAS_PLACE = rx(r"\b(?:tỉnh|thành phố)\b")
_STARS = rx(r"^\**|\**$")  # Markdown bold around the trích yếu
_FINAL_STOP = rx(r"(?<!\.)\.$")
# Where one "Nơi nhận" item ends: a line break, or "; " before the next "- " (a converted .doc).
_RECIPIENT_BREAK = rx(r"\n|(?<=;)\s*(?=[-–+]\s)")
_NOI_NHAN_LABEL = rx(r"^Nơi\s+nhận\s*:?\s*")
_RECIPIENT_ITEM = rx(r"^[-–+•]\s*(.*)$")  # "- Như Mục V;"
_TRAIL_PUNCT = rx(r"[;:.,]+$")
_SPACE_RUN = rx(r"\s+")
# A first word with an inner "/" and the spaces after it. Was r"^(?:\S+/\S+\s+)", same matches, but
# that form backtracks quadratically on a long run without spaces (tests/test_pathological.py).
_PLACE_PREFIX = rx(r"^\S[^\s/]*+/\S++\s+")
# The type code in a number: "30/KH-UBND" → "KH", "30/2020/NĐ-CP" → "NĐ", "3260-KH/ĐĐQH15" → "KH".
_NUMBER_CODE = rx(r"^(?:\d*)\s*/\s*(?:\d{4}/)?(?P<c>[\p{Lu}Đ][\p{L}Đđ]*)|^\d+-(?P<p>[\p{Lu}Đ]+)/")

# Lower-case words inside official names: "Ủy ban nhân dân tỉnh Bắc Giang".
_ADMIN_WORDS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu")
# "tỉnh Bắc Giang", "thành phố Hồ Chí Minh": the longest unit word first ("thị xã" before "xã").
_ADMIN_RES = [(w, rx(r"(?i)\b" + w.replace(" ", r"\s+") + r"\s+(.+)$"))
              for w in sorted(_ADMIN_WORDS, key=len, reverse=True)]
_BODY_FORMS = [
    ("ỦY BAN NHÂN DÂN", "Ủy ban nhân dân"), ("UỶ BAN NHÂN DÂN", "Ủy ban nhân dân"),
    ("HỘI ĐỒNG NHÂN DÂN", "Hội đồng nhân dân"), ("BAN CHẤP HÀNH TRUNG ƯƠNG", "Ban Chấp hành Trung ương"),
]


def _title_words(s: str) -> str:
    return " ".join(w[:1].upper() + lower(w[1:]) for w in s.split())


def case_name(caps: str) -> str:
    """"ỦY BAN NHÂN DÂN TỈNH BẮC GIANG" → "Ủy ban nhân dân tỉnh Bắc Giang"; "SỞ NỘI VỤ" → "Sở Nội vụ"."""
    s = collapse(caps)
    if not s or _LOWER.search(s):
        return s
    out = s
    for up, low in _BODY_FORMS:
        if out.upper().startswith(up):
            out = low + out[len(up):]
            break
    else:
        words = out.split()
        out = words[0][:1] + lower(words[0][1:]) + ("" if len(words) == 1 else " ")
        rest = " ".join(words[1:])
        out += rest[:1] + lower(rest[1:]) if rest else ""
    # administrative unit + proper name: "tỉnh Bắc Giang", "thành phố Hồ Chí Minh"
    for w, pat in _ADMIN_RES:
        m = pat.search(out)
        if m and m.start() > 0:
            out = out[: m.start()] + w + " " + _title_words(m.group(1))
            break
    return out


def case_position(caps: str) -> str:
    """"PHÓ CHỦ TỊCH" → "Phó Chủ tịch", "CHỦ TỊCH" → "Chủ tịch", "GIÁM ĐỐC" → "Giám đốc"."""
    s = collapse(caps)
    if _LOWER.search(s):
        return s
    m = _PHO.match(s)
    if m:
        rest = lower(m.group(2))
        return "Phó " + rest[:1].upper() + rest[1:]
    low = lower(s)
    return low[:1].upper() + low[1:]


def province_of(issuer: str | None) -> str | None:
    if not issuer:
        return None
    m = _PROVINCE.search(issuer)
    return m.group(1) if m else None


def _issuer(header: list[Line]) -> str | None:
    """Issuer = the upper-case lines of the left cell: everything before the motto / number /
    date, rule lines and cell separators dropped; with a parent body above ("UBND TỈNH LÀO CAI /
    SỞ CÔNG THƯƠNG") the issuing body is the last line, located by the parent's place."""
    parts: list[str] = []
    for ln in header:
        t = collapse(ln.text)
        if not t or RULE_RE.match(t) or t == "|":
            if parts and t != "|":
                break  # the rule under the issuer closes the cell
            continue
        if MOTTO_RE.search(t) or NUMBER_RE.search(t) or DATE_RE.search(t) or t.startswith(("V/v", "Về việc")):
            if parts:
                break
            continue
        if _LOWER.search(t):
            if parts:
                break
            continue
        parts.append(t)
    if not parts:
        return None
    text = " ".join(parts)
    text = _MD_HEADING.sub("", text)
    # parent body + issuing body: "ỦY BAN NHÂN DÂN TỈNH LÀO CAI SỞ CÔNG THƯƠNG"
    m = _PARENT_BODY.search(text)
    if m and not text.startswith(("BAN CHẤP HÀNH", "BỘ ")):
        place = _CAPS_PLACE.search(m.group("parent"))
        body = case_name(m.group("body"))
        if place and not _HAS_PLACE.search(body):
            body += " tỉnh " + _title_words(place.group(1))
        return body
    if text.startswith("BAN CHẤP HÀNH TRUNG ƯƠNG") and len(parts) > 1:
        return case_name(parts[-1])
    return case_name(text)


def _doc_type(sk: Skeleton) -> tuple[str | None, str | None]:
    if not sk.title_lines:
        return None, None
    key = " ".join(sk.title_lines[0].text.split())
    for k, (name, code) in DOC_TYPES.items():
        if key.startswith(k):
            return name, code
    return None, None


def _title(sk: Skeleton) -> str | None:
    bits = [ln.text for ln in sk.title_lines[1:]]
    t = collapse(" ".join(bits))
    t = _STARS.sub("", t).strip(" *")
    t = _FINAL_STOP.sub("", t)  # a full stop after the trích yếu is not part of it
    if not t:
        return None
    if not _LOWER.search(t):
        t = sentence_case(t)
    return t


def _signer(closing: list[Line]) -> Signer:
    """TM./KT. lines, the position in capitals, then the name (absent in body-only renderings)."""
    lines: list[str] = []
    for ln in closing:
        for part in ln.text.split("\n"):
            t = collapse(part)
            if t and t != "|" and not RULE_RE.match(t):
                lines.append(t)
    start = None
    for i, t in enumerate(lines):
        if SIGN_PREFIX_RE.match(t) and not t.startswith("Nơi"):
            start = i
            break
        if POSITION_RE.match(t):
            start = i
            break
    if start is None:
        return Signer()
    on_behalf = delegation = position = name = None
    i = start
    while i < len(lines):
        t = lines[i]
        m = SIGN_PREFIX_RE.match(t)
        if m and m.group("p") in ("TM", "T/M"):
            who = m.group("who")
            # "TM. ỦY BAN NHÂN" / "DÂN": a wrapped collective name
            while i + 1 < len(lines) and not SIGN_PREFIX_RE.match(lines[i + 1]) \
                    and not POSITION_RE.match(lines[i + 1]) and not _LOWER.search(lines[i + 1]) \
                    and len(lines[i + 1].split()) <= 2 and len(who.split()) >= 3:
                who += " " + lines[i + 1]
                i += 1
            on_behalf = "TM. " + case_name(who)
        elif m:
            delegation = f"{m.group('p')}. " + case_position(m.group("who"))
        elif position is None and not _LOWER.search(t) and len(t.split()) <= 6:
            position = case_position(t)
        elif position is not None and NAME_RE.match(t) and not _SIGN_NOISE_RE.match(t):
            name = t
            break
        elif _SIGN_NOISE_RE.match(t):
            pass
        i += 1
    if position is None and delegation is not None:
        position = delegation.split(". ", 1)[1]
    return Signer(name=name, position=position, on_behalf_of=on_behalf, delegation=delegation)


def _recipients(closing: list[Line]) -> list[str]:
    """One string per "- " item of "Nơi nhận:" (and per "+ " sub-item); wrapped items joined."""
    out: list[str] = []
    inside = False
    for ln in closing:
        # a converted .doc can lose the break between items: "- A; - B;" is two items
        for part in _RECIPIENT_BREAK.split(ln.text):
            t = collapse(part)
            if not t or t == "|":
                continue
            if _NOI_NHAN_LABEL.match(t):
                inside = True
                t = _NOI_NHAN_LABEL.sub("", t)
                if not t:
                    continue
            if not inside:
                continue
            if SIGN_PREFIX_RE.match(t) or POSITION_RE.match(t):
                inside = False
                continue
            m = _RECIPIENT_ITEM.match(t)
            if m:
                out.append(m.group(1))
            elif out:
                out[-1] += " " + t
            else:
                out.append(t)
    return [c for c in (_TRAIL_PUNCT.sub("", r).strip() for r in out) if c]


_WORD = rx(r"[\p{L}\p{M}]+")


def _pairs(*texts: str | None) -> set[tuple[str, str]]:
    """The lower-cased word pairs ``recase`` will look up in ``texts``."""
    out: set[tuple[str, str]] = set()
    for t in texts:
        if t:
            out.update(pairwise(lower(w) for w in _WORD.findall(t)))
    return out


def _bigram_cases_plain(sk: Skeleton, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """The plain form of ``_bigram_cases`` (one engine search per block), used when its shortcut's
    proof does not hold. How the body spells each word pair in mixed case: the document's own evidence for
    "Ban Chấp hành", "Sở Công Thương", "Tổ quốc". A pair only ever speaks for its second word,
    which is never sentence-initial; words in capitals (headings) say nothing.

    Only the ``wanted`` pairs (those of the few strings to recase) are counted: counting every
    pair of the body cost more than the rest of the metadata."""
    counts: dict[tuple[str, str], dict[tuple[str, str], int]] = {}
    if not wanted:
        return {}
    for b in _body_blocks(sk):
        words = _WORD.findall(b.text)
        _count_pairs(words, list(map(str.lower, words)), wanted, counts)
    return _most_common(counts)


def _body_blocks(sk: Skeleton) -> list[Block]:
    """The paragraphs a pair's spelling is read from: the preamble and every section's."""
    return list(sk.preamble) + [b for node in sk.nodes() for b in [node.head, *node.body]]


def _count_pairs(words: list[str], lows: list[str], wanted: set[tuple[str, str]],
                 counts: dict[tuple[str, str], dict[tuple[str, str], int]]) -> None:
    """Count each wanted pair of adjacent ``words`` (``lows``: the same, lower-cased) by its spelling."""
    # the indices of second words whose pair is wanted, found without a Python loop per word
    for i in compress(count(1), map(wanted.__contains__, pairwise(lows))):
        w1, w2 = words[i - 1], words[i]
        if len(w2) > 1 and w2.isupper():
            continue
        by = counts.setdefault((lows[i - 1], lows[i]), {})
        by[(w1, w2)] = by.get((w1, w2), 0) + 1


def _most_common(counts: dict[tuple[str, str], dict[tuple[str, str], int]]) -> dict[tuple[str, str], tuple[str, str]]:
    return {k: max(v.items(), key=lambda kv: (kv[1], kv[0]))[0] for k, v in counts.items()}


# The flat text of ``_flat_words``: its words joined by ``_GAP``, blocks parted by a ``_BLOCK`` word.
# Both are letters without case (Lo: neither cased nor case-ignorable), so a word's lower case in
# the flat text is its lower case alone (Σ looks only as far as the next non-case-ignorable character).
_GAP, _BLOCK = "ǂ", "ǁ"

def _flat_words(texts: list[str]) -> tuple[str, str] | None:
    """The words of ``texts`` joined by ``_GAP`` (a ``_BLOCK`` word between texts, ``_GAP`` at both
    ends), and the same lower-cased; None when the shortcut's proof does not hold.

    The characters of no word become spaces (``words.cut_gaps``) and ``str.split`` cuts at them
    (whitespace is no letter or mark either). Exact because: a text left with only letters
    (``str.isalpha()`` implies "all \\p{L}") between the cuts has the engine's words as its tokens;
    without "İ" (the one character whose lower case is longer: the lengths then differ) lowering
    keeps every character in its place."""
    joined = "".join(texts)
    if _GAP in joined or _BLOCK in joined:
        return None
    cut = cut_gaps(f" {_BLOCK} ".join(texts))
    if cut is None:
        return None
    flat = _GAP + _GAP.join(cut.split()) + _GAP
    if not flat.isalpha():
        return None
    low = lower(flat)
    return (flat, low) if len(low) == len(flat) else None


def _count_needles(flat: str, low: str, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], dict[tuple[str, str], int]]:
    """``_count_pairs`` on the words of ``_flat_words``: each wanted pair found by ``str.find`` of
    "a" + ``_GAP`` + "b" in ``low`` (from one place after the last, so overlaps count), kept when
    ``_GAP`` stands on both sides. A pair holding ``_GAP`` or ``_BLOCK`` (which no body word holds)
    is never in the body."""
    counts: dict[tuple[str, str], dict[tuple[str, str], int]] = {}
    find = low.find
    for a, b in wanted:
        if not a or not b or _GAP in a + b or _BLOCK in a + b:
            continue
        needle = a + _GAP + b
        p = find(needle)
        seen: dict[str, int] = {}  # a hit and a character either side, as printed → count
        end = len(needle) + 1
        while p >= 0:
            spelled = flat[p - 1:p + end]
            seen[spelled] = seen.get(spelled, 0) + 1
            p = find(needle, p + 1)
        la = len(a)
        for spelled, n in seen.items():
            w2 = spelled[la + 2:-1]
            if spelled[0] == spelled[-1] == _GAP and not (len(w2) > 1 and w2.isupper()):
                counts.setdefault((a, b), {})[(spelled[1:la + 1], w2)] = n
    return counts


def _bigram_cases(sk: Skeleton, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """How the body spells each word pair in mixed case: the document's own evidence for
    "Ban Chấp hành", "Sở Công Thương", "Tổ quốc". A pair only ever speaks for its second word,
    which is never sentence-initial; words in capitals (headings) say nothing.

    Only the ``wanted`` pairs (those of the few strings to recase) are counted: counting every pair
    of the body cost more than the rest of the metadata. Equal to ``_bigram_cases_plain`` (as a
    dict: ``recase`` only looks pairs up): a ``str.find`` per wanted pair in the flat text of
    ``_flat_words`` (the wanted are few); the plain form where that text cannot be made (never on
    the corpus's 37 documents)."""
    if not wanted:
        return {}
    texts = [b.text for b in _body_blocks(sk)]
    flat = _flat_words(texts)
    if flat is None:
        return _bigram_cases_plain(sk, wanted)
    return _most_common(_count_needles(*flat, wanted))


def recase(text: str | None, cases: dict[tuple[str, str], tuple[str, str]]) -> str | None:
    """Re-spell ``text`` (a name or title we case-normalised from capitals) as the body spells
    its word pairs; words the body never shows keep their case."""
    if not text or not cases:
        return text
    spans = list(_WORD.finditer(text))
    out = [m.group(0) for m in spans]
    for i in range(len(spans) - 1):
        form = cases.get((lower(out[i]), lower(out[i + 1])))
        if form is None:
            continue
        out[i + 1] = form[1]  # a pair decides its second word: "ban nhân" says nothing of "nhân dân"
    pieces, last = [], 0
    for m, w in zip(spans, out, strict=True):
        pieces.append(text[last:m.start()])
        pieces.append(w)
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces)


def extract_metadata(sk: Skeleton) -> Metadata:
    header_text = "\n".join(ln.text for ln in sk.header)
    flat = collapse(header_text.replace("\n", " "))
    number = None
    m = NUMBER_RE.search(flat)
    if m:
        number = _SPACE_RUN.sub("", m.group("num")).lstrip(".…_")
    place = issued = None
    d = DATE_RE.search(flat)
    if d:
        place = d.group("place")
        if place:
            place = _PLACE_PREFIX.sub("", place).strip()
        if d.group("d") and d.group("m"):
            try:
                day, month, year = int(d.group("d")), int(d.group("m")), int(d.group("y"))
                # a real calendar date only ("30 tháng 02" is a typo, not a date validate accepts)
                issued = datetime.date(year, month, day).isoformat()
            except ValueError:
                issued = None
    doc_type, code = _doc_type(sk)
    if number:
        cm = _NUMBER_CODE.match(number)
        if cm:
            code = cm.group("c") or cm.group("p") or code
    raw_issuer = _issuer(sk.header)
    title = _title(sk)
    title_caps = bool(title) and _title_was_caps(sk)
    signer = _signer(sk.closing)
    cases = _bigram_cases(sk, _pairs(raw_issuer, title if title_caps else None, signer.on_behalf_of))
    issuer = recase(raw_issuer, cases)
    province = province_of(issuer)
    if title_caps:
        title = recase(title, cases)
    if signer.on_behalf_of:
        signer.on_behalf_of = recase(signer.on_behalf_of, cases)
    return Metadata(
        doc_type=doc_type, doc_type_code=code, number=number, issuer=issuer, province=province,
        place=place, issued_date=issued, title=title, signer=signer, recipients=_recipients(sk.closing),
    )


def _title_was_caps(sk: Skeleton) -> bool:
    return not _LOWER.search(" ".join(ln.text for ln in sk.title_lines[1:]))
