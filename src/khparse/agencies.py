"""Agency phrases: where a name starts and stops, how a list splits, what kind of body it is,
and its canonical name ("UBND" → "Ủy ban nhân dân", old/new tone placement unified).

Lists of agencies in plans separate items with commas, but so do the collective phrases
themselves ("các sở, ban, ngành có liên quan", "UBND các huyện, thị xã, thành phố"). An item
therefore starts only at a *head word* (Sở, Ban, UBND, Công an, "các …", …); comma pieces that
do not start with one belong to the item before them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import regex

from .grammar_cache import rx
from .models import Agency, AgencyKind, Task
from .normalize import _OLD_TONE, collapse, fold, lower, new_tone

# --- grammar ----------------------------------------------------------------------------------
# Words that begin an agency name (case matters: "Ban Dân tộc" is a head, "ban" in "sở, ban,
# ngành" is not). Examples: "Sở Nội vụ", "UBND các huyện", "Công an tỉnh", "Bảo hiểm xã hội tỉnh",
# "Cổng thông tin điện tử tỉnh", "Giám đốc sở", "Thủ trưởng cơ quan", "Chủ tịch UBND huyện".
HEADS = (
    "Sở", "Ban", "Bộ", "UBND", "Ủy ban", "Uỷ ban", "Công an", "Bảo hiểm", "Văn phòng", "Đài", "Báo",
    "Hội", "Liên đoàn", "Liên minh", "Mặt trận", "UBMTTQ", "MTTQ", "Tỉnh đoàn", "Đoàn", "Cục", "Chi cục",
    "Trung tâm", "Trường", "Cổng", "Kho bạc", "Ngân hàng", "Thanh tra", "Viện", "Chủ tịch", "Giám đốc",
    "Thủ trưởng", "Tòa án", "Toà án", "Bộ Chỉ huy", "Bộ đội", "Hội đồng", "Tổng công ty", "Công ty",
    "Tỉnh ủy", "Tỉnh uỷ", "Thành ủy", "Huyện ủy", "Đảng ủy", "Đảng uỷ", "Cảnh sát", "Phòng",
    "Đoàn kiểm tra", "Chính phủ", "Thủ tướng", "Quốc hội", "Đảng đoàn", "Ban Chỉ đạo", "Ban chỉ đạo",
    "Hải quan", "Cục Thuế", "Thuế", "Điện lực", "Quỹ", "Học viện", "Đại học", "Bệnh viện", "Tập đoàn",
    "Hiệp hội", "Câu lạc bộ", "Lực lượng", "Văn phòng Đoàn", "Cơ quan", "Các cơ quan", "Các đơn vị",
    "Các sở", "Các địa phương", "Các tổ chức", "Các Sở", "Các Ban", "Các Hội", "Các ngành", "Các huyện",
    "Các xã", "Thường trực", "Người đứng đầu", "Chủ nhiệm", "Trưởng Đoàn", "Tổ trưởng", "Trưởng ban", "Chi nhánh", "Hạt kiểm lâm", "Kiểm lâm",
    "Văn phòng Tỉnh ủy", "Bưu điện", "Tạp chí", "Thông tấn xã", "Nhà xuất bản", "Viettel", "VNPT", "Agribank", "Doanh nghiệp", "Các doanh nghiệp",
)

_Trie = dict[str, "_Trie"]


def word_trie(words: Iterable[str]) -> str:
    """A pattern for "any of ``words``, the longest that lets the rest match", written as a trie.

    It matches exactly what the alternation of the words sorted longest first matches, with the
    same preference (where one word is a prefix of another, the longer is tried first; no two other
    words can both match at one place), but the engine tries one branch per distinct next letter
    instead of every word in turn: ~3x faster for the ~100 heads or verbs (tests/test_speed_tasks.py).
    """
    root: _Trie = {}
    for w in words:
        node = root
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}  # a word ends here

    def emit(node: _Trie) -> str:
        branches = [regex.escape(c) + emit(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer word first

    return emit(root)


_HEAD_RE = rx(r"^(?:" + word_trie(HEADS)
                         + r"|Lãnh\s+đạo(?=\s+(?:\p{Lu}|các\s))"  # "Lãnh đạo Sở Y tế", not the verb "Lãnh đạo, chỉ đạo"
                         r"|Tổ(?!\s+chức\b)"  # "Tổ công tác", "Tổ đảng", not the verb "Tổ chức"
                         r"|phòng(?=\s+\p{Lu}))(?![\p{L}])")  # "Giao phòng Quản lý Công nghiệp"
# Generic collectives written in lower case: "các sở, ban, ngành có liên quan", "chính quyền", "doanh nghiệp".
_COLLECTIVE_START = rx(
    r"^(?:[Cc]ác|[Nn]hững|[Mm]ọi|[Tt]oàn\s+thể)\s+(?:Ủy\s+ban|Sở|Ban|Bộ|Hội|Đoàn|Tổ|sở|ban|bộ|ngành|cơ\s+quan|đơn\s+vị|"
    r"địa\s+phương|tổ\s+chức|đoàn\s+thể|doanh\s+nghiệp|hội|thành\s+viên|lực\s+lượng|xã|phường|huyện|quận|tỉnh|cấp|"
    r"trường|cơ\s+sở|chủ\s+đầu\s+tư|nhà\s+trường|phòng|trung\s+tâm|chi\s+cục|cục|viện|bệnh\s+viện|hợp\s+tác\s+xã|"
    r"cá\s+nhân|đại\s+biểu|chi\s+bộ|đảng\s+bộ|cấp\s+ủy|báo|đài|ngân\s+hàng|công\s+ty|tập\s+đoàn)\b")
_CHINH_QUYEN = rx(r"^chính quyền\b")  # "chính quyền các cấp"
_GENERIC_CONT = rx(r"^các\s+(?:ngành|cấp|địa phương|đơn vị|cơ quan|tổ chức|đoàn thể)\b")
# Verbs that end an agency phrase in prose ("… thành phố căn cứ chức năng", "… liên quan giúp UBND tỉnh").
VERBS = (
    "chủ trì", "phối hợp", "căn cứ", "giúp", "tham mưu", "xây dựng", "triển khai", "thực hiện", "tổ chức",
    "hướng dẫn", "kiểm tra", "theo dõi", "đôn đốc", "xem xét", "rà soát", "đề xuất", "nghiên cứu", "tuyên truyền",
    "làm tốt", "làm", "chịu trách nhiệm", "có trách nhiệm", "báo cáo", "tổng hợp", "chỉ đạo", "thống nhất",
    "quán triệt", "ban hành", "lãnh đạo", "cập nhật", "bố trí", "cân đối", "đảm bảo", "bảo đảm", "tăng cường",
    "đẩy mạnh", "tập trung", "chủ động", "tiếp tục", "phát huy", "vận động", "huy động", "thường xuyên",
    "định kỳ", "trình", "tiếp nhận", "giám sát", "đánh giá", "quản lý", "cung cấp", "phổ biến", "hỗ trợ",
    "thẩm định", "kịp thời", "nắm", "duy trì", "nâng cao", "phát triển", "thực hiện", "khẩn trương",
    "được", "trong", "để", "nhằm", "theo", "thuộc phạm vi", "đề nghị", "tại", "cho", "về", "là", "mở", "xử lý",
    "ký", "thu hút", "vận hành", "chấp hành", "thanh tra", "điều tra", "truy quét", "ngăn chặn", "giải quyết",
)
_VERB_RE = rx(r"\s(?:" + word_trie(VERBS) + r")(?![\p{L}])")
# Words that may follow "trong/theo/tại/cho/về" inside a name: "trên địa bàn tỉnh", "có liên quan".
_KEEP_AFTER = rx(r"^\s(?:trên\s+địa\s+bàn|có\s+liên\s+quan|liên\s+quan|thuộc\s+tỉnh|của\s+tỉnh|"
                            r"cấp\s+(?:tỉnh|huyện|xã)|các\s+cấp)")


@lru_cache(maxsize=8192)
def is_agency_start(s: str) -> bool:
    """Cached (a pure function of the string): the same phrases are tested many times per plan."""
    s = s.strip()
    return bool(_HEAD_RE.match(s) or _COLLECTIVE_START.match(s) or _CHINH_QUYEN.match(s))


# What a verb after it is a noun of: "các tổ chức", "Ban tuyên truyền", ", phối hợp" (a list goes on).
_NOUN_BEFORE = rx(r"(?:các|những|Các|cơ quan|Ban|,)$")
_DASH_DUTY = rx(r"\s*[-–:]\s*(?=(?:Chủ\s+trì|Phối\s+hợp|Thực\s+hiện|Tham\s+mưu|Chỉ\s+đạo|Là\s)\b)")


def cut_at_verb(s: str) -> str:
    """"UBND các huyện, thị xã, thành phố căn cứ chức năng" → "… thành phố";
    "Sở Giao thông vận tải - Chủ trì, phối hợp …" → "Sở Giao thông vận tải"."""
    d = _DASH_DUTY.search(s)
    if d:
        s = s[: d.start()]
    pos = 0
    while True:
        m = _VERB_RE.search(s, pos)
        if not m:
            return s
        # verbs that are part of names: "phối hợp" never; "các cấp" etc. kept via _KEEP_AFTER
        if _KEEP_AFTER.match(s[m.start():]) or _NOUN_BEFORE.search(s[: m.start()]):
            # "các tổ chức chính trị - xã hội", "Ban tuyên truyền": the verb is a noun here
            pos = m.end()
            continue
        return s[: m.start()]


_LEAD_CONJ = rx(r"^(?:và|cùng|với|hoặc)\s+")
_TRAIL_DOTS = rx(r"(?:\s*\.{2,}|…)+$")  # "Cổng thông tin điện tử tỉnh..."
_TRAIL_CHU_TRI = rx(r"\s+chủ\s+trì\s*[.;,]?$")  # "Sở Kế hoạch và Đầu tư chủ trì."
_TRAIL_VERB = rx(r"\s+(?:thực\s+hiện|triển\s+khai)$")
_CAC_LOWER = rx(r"^Các\s+\p{Ll}")


# What each clean-up above needs to find anything ("$" also matches before a final "\n"): most items
# need none of them, and a substitution that finds nothing still costs a copy (tests/test_speed_tasks.py).
_LEAD_CONJ_WORDS = ("và", "cùng", "với", "hoặc")
_TRAIL_DOTS_ENDS = (".", "…", "\n")
_TRAIL_VERB_ENDS = ("hiện", "khai", "\n")


def clean_item(s: str) -> str:
    s = collapse(s)
    if s.startswith(_LEAD_CONJ_WORDS):
        s = _LEAD_CONJ.sub("", s)
    if s.endswith(_TRAIL_DOTS_ENDS):
        s = _TRAIL_DOTS.sub("", s)
    if "trì" in s:
        s = _TRAIL_CHU_TRI.sub("", s)
    s = s.strip(" .;:,-–")
    if s.endswith(_TRAIL_VERB_ENDS):
        s = _TRAIL_VERB.sub("", s)
    if _CAC_LOWER.match(s) or (s.startswith("Các ") and _COLLECTIVE_START.match(s)):
        s = "c" + s[1:]  # sentence-initial "Các sở, ban, ngành" / "Các Sở, ban, ngành" is a collective
    return s


# Between the items of a list: ";" or ", ".
_LIST_SEP = rx(r"\s*;\s*|(?<!\bphòng)\s*,\s+")
_LETTER = rx(r"\p{L}")
_AND_RE = rx(r"\s+(?:và|cùng)\s+(?=(?:các\s+\p{Ll}|" + _HEAD_RE.pattern[1:] + r"))")


def _split_and(piece: str) -> list[str]:
    """"Ủy ban Mặt trận Tổ quốc và các tổ chức …" → two; but a lone head word before "và" is no
    agency of its own: "Báo và Đài Phát thanh, Truyền hình Lâm Đồng" stays one."""
    parts: list[str] = []
    last = 0
    for m in _AND_RE.finditer(piece):
        left = piece[last:m.start()]
        if _HEAD_RE.fullmatch(left.strip()):
            continue
        parts.append(left)
        last = m.end()
    parts.append(piece[last:])
    return parts


def split_agencies(text: str, *, prose: bool = False) -> list[str]:
    """Split an agency list into items; ``prose`` also stops each item at the first verb.

    A fresh list each call (callers extend it); the work is cached: half the calls of a plan
    repeat an earlier phrase."""
    return list(_split_agencies(text, prose))


@lru_cache(maxsize=4096)
def _split_agencies(text: str, prose: bool) -> tuple[str, ...]:
    text = collapse(text).strip(" .;:")
    if prose:
        text = cut_at_verb(" " + text).strip()
    if not text:
        return ()
    # "KH,CN&MT" and "phòng, chống" stay whole
    pieces = [p.strip() for p in _LIST_SEP.split(text) if p.strip()]
    items: list[str] = []
    for p in pieces:
        # "Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội các cấp": "và" + a new head
        sub = _split_and(p)
        for k, q in enumerate(sub):
            starts = is_agency_start(q)
            if items and not starts and k == 0:
                glue_prev = items[-1]
                items[-1] = glue_prev + ", " + q
            elif items and k == 0 and _GENERIC_CONT.match(q) and items[-1][:1].islower() \
                    and not items[-1].startswith("các "):
                items[-1] = items[-1] + ", " + q  # "chính quyền, các ngành, các cấp" is one collective
            else:
                items.append(q)
    out = []
    for it in items:
        it = clean_item(it)
        if it and len(it) <= 160 and _LETTER.search(it):
            out.append(it)
    return tuple(out)


# Abbreviations expanded by ``canonical``, in this order (compiled once: it runs per agency), each
# with the literal every match of it contains, so a name without it skips the substitution.
_EXPANSIONS = [(literal, rx(p), r) for literal, p, r in (
    ("UBND", r"\bUBND\b", "Ủy ban nhân dân"),
    ("UBMT", r"\bUBMTTQ\b|\bUBMT\b", "Ủy ban Mặt trận"),
    ("MTTQ", r"\bMTTQ\b", "Mặt trận Tổ quốc"),
    ("BHXH", r"\bBHXH\b", "Bảo hiểm xã hội"),
    ("VP", r"\bVP\b", "Văn phòng"),
    ("Uỷ", r"\bUỷ\b", "Ủy"),
)]
# ``new_tone`` rewrites only the vowel pairs of its table ("oá", "uỷ"), and its grammar is tried at
# every word (the costliest step here): a name with no such pair (most) skips it. A superset of
# the pairs: any first letter of one followed by any second letter of one (tests/test_speed_tasks.py).
_OLD_TONE_PAIR = rx("[" + "".join(sorted({k[0] for k in _OLD_TONE})) + "]["
                               + "".join(sorted({k[1] for k in _OLD_TONE})) + "]")


@lru_cache(maxsize=8192)
def canonical(name: str) -> str:
    """Canonical full name: "UBND" expanded, new-style tone placement, whitespace collapsed.

    Cached: ``build_agencies`` keys every lead and partner of every task, mostly the same few."""
    s = collapse(name)
    if _OLD_TONE_PAIR.search(s):
        s = new_tone(s)
    for literal, pat, repl in _EXPANSIONS:
        if literal in s:
            s = pat.sub(repl, s)
    return s


# ``kind_of`` grammar, on the canonical name in lower case.
_K_COLLECTIVE = rx(r"^(?:các|những|mọi|toàn thể|chính quyền)\b")
_K_MASS_COLLECTIVE = rx(r"tổ chức chính trị\s*-\s*xã hội|đoàn thể|hội đoàn thể")  # "các tổ chức đoàn thể"
_K_HEAD_OF = rx(r"^(?:giám đốc|thủ trưởng|người đứng đầu|lãnh đạo)\b")  # "thủ trưởng các sở"
# "ủy ban nhân dân các huyện", "chủ tịch ủy ban nhân dân cấp xã"
_K_DISTRICT = rx(
    r"(?:ủy ban nhân dân|chủ tịch ủy ban nhân dân|ủy ban nhân dân)\s+(?:các\s+)?(?:huyện|xã|quận|phường|thị xã|"
    r"thành phố thuộc|cấp huyện|cấp xã|các cấp|địa phương)")
_K_DEPARTMENT = rx(r"^sở\b")
_K_MINISTRY = rx(r"^bộ\s+(?!chỉ huy|đội)")  # "bộ công thương", not "bộ chỉ huy quân sự tỉnh"
_K_MASS = rx(
    r"mặt trận|đoàn thanh niên|tỉnh đoàn|hội liên hiệp|hội nông dân|hội cựu chiến binh|liên đoàn lao động|"
    r"tổ chức chính trị\s*-\s*xã hội|công đoàn|hội chữ thập đỏ")
_K_PROVINCE_END = rx(r"\b(?:tỉnh|thành phố)$")  # "công an tỉnh"
_K_PROVINCIAL = rx(r"^(?:công an|bộ chỉ huy|văn phòng|thanh tra|kho bạc|"
                              r"bảo hiểm xã hội|đài|báo|cổng|ban)\b")


def kind_of(name: str) -> AgencyKind:
    return _kind_of_canonical(canonical(name))


def _kind_of_canonical(s: str) -> AgencyKind:
    """``kind_of`` of a name already canonical (``canonical`` is idempotent: tests hold it)."""
    low = lower(s)
    if _K_COLLECTIVE.match(low) and "ủy ban nhân dân" not in low:
        if _K_MASS_COLLECTIVE.search(low):
            return "mass_organisation"
        return "collective"
    if _K_HEAD_OF.search(low):
        return "collective"
    if _K_DISTRICT.search(low) or "cấp huyện" in low or "cấp xã" in low:
        return "district_level"
    if _K_DEPARTMENT.match(low):
        return "department"
    if _K_MINISTRY.match(low):
        return "ministry"
    if _K_MASS.search(low):
        return "mass_organisation"
    if _K_PROVINCE_END.search(low) or _K_PROVINCIAL.match(low):
        return "provincial_body"
    return "other"


def build_agencies(tasks: Iterable[Task]) -> list[Agency]:
    """The distinct agencies named as lead or partner, with the tasks they lead or support."""
    by_key: dict[str, Agency] = {}
    order: list[str] = []
    for t in tasks:
        for role, names in (("lead", t.lead), ("partner", t.partners)):
            for n in names:
                name = canonical(n)
                key = fold(name)
                ag = by_key.get(key)
                if ag is None:
                    ag = Agency(name=name, kind=_kind_of_canonical(name))
                    by_key[key] = ag
                    order.append(key)
                if n != ag.name and n not in ag.aliases:
                    ag.aliases.append(n)
                bucket = ag.lead_of if role == "lead" else ag.partner_of
                if t.id not in bucket:
                    bucket.append(t.id)
    return [by_key[k] for k in order]
