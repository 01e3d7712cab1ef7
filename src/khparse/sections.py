"""Cut a document into header / title / preamble / numbered body / closing / appendix, and
build the section tree from the numbering grammar (Nghị định 30/2020: Roman parts, ``1.``,
``1.1.``, ``a)``; bullets are never sections).

Grammar (the marker patterns in ``paragraphs``) and tree building are kept apart: a marker
only becomes a section when it fits the numbering sequence of its parent, which is what
rejects "khóa XIII", "giai đoạn 2021-2025" and list items that merely look numbered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .grammar_cache import rx
from .paragraphs import MARKER_RE, RULE_RE, build_blocks, logical_lines
from .source import Line, SourceDoc
from .structure import Block, Node, Skeleton
from .tables import classify

# --- region anchors -------------------------------------------------------------------------
# The document-type line of the title block: "KẾ HOẠCH", "KẾ HOẠCH HÀNH ĐỘNG", "CHƯƠNG TRÌNH
# HÀNH ĐỘNG", "TỜ TRÌNH", … (upper case, as Nghị định 30/2020 prescribes).
DOC_TYPES = {
    "KẾ HOẠCH": ("Kế hoạch", "KH"),
    "CHƯƠNG TRÌNH": ("Chương trình", "CTr"),
    "NGHỊ QUYẾT": ("Nghị quyết", "NQ"),
    "QUYẾT ĐỊNH": ("Quyết định", "QĐ"),
    "CHỈ THỊ": ("Chỉ thị", "CT"),
    "TỜ TRÌNH": ("Tờ trình", "TTr"),
    "BÁO CÁO": ("Báo cáo", "BC"),
    "ĐỀ ÁN": ("Đề án", "ĐA"),
    "THÔNG BÁO": ("Thông báo", "TB"),
    "HƯỚNG DẪN": ("Hướng dẫn", "HD"),
    "PHƯƠNG ÁN": ("Phương án", "PA"),
    "CÔNG VĂN": ("Công văn", "CV"),
}
TYPE_LINE_RE = rx(
    r"^\s*(?P<type>" + "|".join(k.replace(" ", r"\s+") for k in DOC_TYPES) + r")(?P<rest>(?:\s+[^\p{Ll}]*)?)"
    r"(?P<tail>\s+\p{Lu}\p{Ll}.*)?$"
)
# Closing block: "Nơi nhận:", the signature prefixes TM./KT./T/M/TL./TUQ./Q.
CLOSING_RE = rx(r"^\s*(?:Nơi\s+nhận\s*:?|(?:TM|T/M|KT|TL|TUQ|Q)\.?\s+\p{Lu}{2,})")
APPENDIX_LINE_RE = rx(r"^\s*(?:PHỤ\s+LỤC|Phụ\s+lục)(?:\s+(?:số\s+)?([IVX]+|\d+))?\b\s*[:.]?\s*(.*)$")
# Where the body starts when the title is in sentence case and no rule line follows it.
BODY_OPENER_RE = rx(r"^\s*(?:Căn\s+cứ|Thực\s+hiện|Tiếp\s+tục|Để|Nhằm|Theo|Triển\s+khai|Ngày\s+\d)")
_CAPS = rx(r"^[^\p{Ll}]*\p{Lu}[^\p{Ll}]*$")
# A caps title running into body text: "… THÀNH PHỐ Thực hiện Chỉ thị …".
_CAPS_TAIL = rx(r"\s(?=\p{Lu}\p{Ll}+\s+\p{Ll})")
_NUMBER_CHARS = rx(r"[\d/\-.,]+")  # dropped before asking whether a title is in capitals
# A Roman part in capitals opening the document after a signature: "I. MỤC ĐÍCH, YÊU CẦU".
_ROMAN_CAPS_LINE = rx(r"^\s*[IVX]{1,4}\.\s+\p{Lu}{2,}\s")

ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def roman_value(s: str) -> int:
    total, prev = 0, 0
    for ch in reversed(s):
        v = ROMAN_VALUES.get(ch, 0)
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


@dataclass
class Regions:
    header: list[Line]
    type_line: Line | None
    title: list[Line]
    body: list[Line]
    closing: list[Line]
    appendix: list[Line]


def _split_caps_tail(line: Line) -> tuple[Line, Line | None]:
    """"… TRÊN ĐỊA BÀN THÀNH PHỐ Thực hiện Chỉ thị số 11/CT-TTg…" → caps title, body rest."""
    m = _CAPS_TAIL.search(line.text)
    if not m or not _CAPS.match(line.text[: m.start()]):
        return line, None
    head = Line(line.text[: m.start()].strip(), line.line, line.page, line.origin, line.x0, line.region)
    rest = Line(line.text[m.end():].strip(), line.line, line.page, line.origin, None, line.region)
    return head, rest


_GAP = rx(r"\s{6,}(?=\S)")


def by_columns(lines: list[Line]) -> list[Line]:
    """Layout text prints the header and signature tables side by side ("Nơi nhận:      T/M.
    ĐOÀN KIỂM TRA"): read the left column top to bottom, then the right one, as readers with
    positions do. Only plain-text lines are touched (DOCX/PDF readers already order cells), and a
    line splits only at a gap that reaches the right column ("Số:        /KH-UBND" stays whole)."""
    plain = [ln for ln in lines if ln.origin == "text"]
    if not any(_GAP.search(ln.text.strip()) for ln in plain):
        return lines
    width = max(len(ln.text.rstrip()) for ln in plain)
    left: list[Line] = []
    right: list[Line] = []
    for ln in lines:
        text = ln.text.rstrip()
        indent = len(text) - len(text.lstrip())
        if ln.origin != "text":
            left.append(ln)
            continue
        if indent >= width * 0.35:
            right.append(replace(ln, text=text.strip()))
            continue
        cut = next((m for m in _GAP.finditer(text, indent) if m.end() >= width * 0.35), None)
        if cut is None:
            left.append(replace(ln, text=text.strip()))
        else:
            left.append(replace(ln, text=text[: cut.start()].strip()))
            right.append(replace(ln, text=text[cut.end():].strip()))
    return left + right


def split_regions(lines: list[Line]) -> Regions:
    header: list[Line] = [ln for ln in lines if ln.region == "header"]
    closing_tagged = [ln for ln in lines if ln.region == "closing"]
    rest = [ln for ln in lines if ln.region == "body"]
    type_idx = None
    for i, ln in enumerate(rest[:80]):
        m = TYPE_LINE_RE.match(ln.text)
        if m and not MARKER_RE.match(ln.text):
            type_idx = i
            break
    type_line: Line | None = None
    title: list[Line] = []
    body: list[Line] = rest
    if type_idx is not None:
        header += rest[:type_idx]
        tl = rest[type_idx]
        m = TYPE_LINE_RE.match(tl.text)
        assert m is not None
        type_line = Line(m.group("type"), tl.line, tl.page, tl.origin, tl.x0, tl.region)
        # candidates for the title: the rest of the type line, then the following lines
        cands: list[tuple[Line, int]] = []
        after = tl.text[m.end("type"):].strip()
        if after:
            cands.append((Line(after, tl.line, tl.page, tl.origin, None, tl.region), type_idx))
        cands += [(rest[k], k) for k in range(type_idx + 1, min(len(rest), type_idx + 13))]
        body_start = type_idx + 1
        lead: list[Line] = []  # body text found inside the last title line
        caps_title = bool(cands) and _CAPS.match(
            _NUMBER_CHARS.sub("", _split_caps_tail(cands[0][0])[0].text).strip() or "x")
        for n, (ln, k) in enumerate(cands):
            if RULE_RE.match(ln.text):
                body_start = k + 1
                break
            if caps_title:
                head, tail = _split_caps_tail(ln)
                if not _CAPS.match(head.text):
                    break
                title.append(head)
                body_start = k + 1
                if tail is not None:
                    lead = [tail]
                    break
                continue
            if n > 0 and (BODY_OPENER_RE.match(ln.text) or MARKER_RE.match(ln.text) or _CAPS.match(ln.text)
                          or ln.text.lstrip().startswith("(")  # "(Ban hành kèm theo …)" is not the subject
                          or (ln.origin == "docx" and len(ln.text) > 160)):
                break  # a sentence-case title ends where the body opens (a DOCX paragraph of prose)
            title.append(ln)
            body_start = k + 1
        body = lead + rest[body_start:]
    # the cheap test first: only a bare "|" line can be dropped, RULE_RE is asked only about those
    body = [ln for ln in body if ln.text.strip() != "|" or not RULE_RE.match(ln.text)]
    # closing: the first "Nơi nhận:" / TM. line in the last part of the body
    closing: list[Line] = []
    appendix: list[Line] = []
    cut = None
    for i, ln in enumerate(body):
        # a closing line starts with one of the words of CLOSING_RE or a space (the engine's
        # spaces are all Python's): other lines are never asked
        t = ln.text
        if not t.startswith(_CLOSING_OPENINGS) and not t[:1].isspace():
            continue
        # "Nơi nhận:" is unmistakable anywhere past the opening; a bare TM./KT. line only late
        # (past 30 % any closing line counts, so "Nơi nhận" need not be asked about there)
        late = i >= len(body) * 0.3
        if (late or (i >= len(body) * 0.05 and _NOI_NHAN.match(t))) and CLOSING_RE.match(t):
            cut = i
            break
    resume = None
    if cut is not None:
        # a resolution that enacts a programme goes on after its signature ("… CHƯƠNG TRÌNH HÀNH
        # ĐỘNG" with its own Roman parts): the closing block ends where the next document starts
        for i in range(cut + 2, len(body)):
            t = body[i].text
            if (TYPE_LINE_RE.match(t) and not MARKER_RE.match(t)) or _ROMAN_CAPS_LINE.match(t):
                resume = i
                break
    app = None
    search_from = cut if cut is not None else int(len(body) * 0.3)
    # only a line that holds the word of APPENDIX_LINE_RE is asked (most of the body does not)
    for i in [k for k in range(search_from, len(body)) if "PHỤ" in body[k].text or "Phụ" in body[k].text]:
        t = body[i].text.strip()
        if APPENDIX_LINE_RE.match(t) and (_CAPS.match(t.split(":")[0]) or len(t) <= 40):
            app = i  # "PHỤ LỤC", "Phụ lục I", "Phụ lục số 02" (a short line of its own)
            break
    if cut is not None and resume is not None and (app is None or resume < app):
        closing = body[cut:resume]
        appendix = body[app:] if app is not None else []
        body = body[:cut] + body[resume: app if app is not None else len(body)]
    elif cut is not None:
        closing = body[cut: app if app is not None else len(body)]
        appendix = body[app:] if app is not None else []
        body = body[:cut]
    elif app is not None:
        appendix = body[app:]
        body = body[:app]
    closing = closing_tagged + by_columns(closing)
    return Regions(by_columns(header), type_line, title, body, closing, appendix)


# --- the tree -------------------------------------------------------------------------------
# A sentence-final '.', not an ellipsis, not after an abbreviation ("TP.", "Ông.", "ThS.", "Đ/c.").
_SENTENCE_END = rx(
    r"(?<!\.)(?<!\b\p{Lu}{1,3})(?<!\b(?:Ông|Bà|ThS|TS|PGS|GS|KS|Đ/c|đ/c|Tp|Th|tr|St|No))\.(?!\.)(?=\s+[\p{Lu}\"“(]|\s*$)")


# "Nơi nhận" opening a line (compiled once: tested on every body line).
_NOI_NHAN = rx(r"^\s*Nơi\s+nhận")
_CLOSING_OPENINGS = ("Nơi", "TM", "T/M", "KT", "TL", "TUQ", "Q")  # what CLOSING_RE (and _NOI_NHAN) open with after spaces
_RUN_IN_BULLET = rx(r"\s[-–+]\s(?=\p{Lu})")
_RUN_IN_DASHES = ("-", "–", "+")  # one of which a _RUN_IN_BULLET needs: most headings have none
_HEADING_PUNCT = rx(r"[.;:(]")
_HYPHEN_NAME_END = rx(r"(?:Lao động|Văn hóa|Văn hoá|Khoa học|Giáo dục|Kinh tế|Chính trị)$")


def split_heading(text: str) -> tuple[str, str]:
    """Heading = first sentence (up to a sentence-final '.'; an ellipsis is not an end).

    Flattened portal text runs a short heading straight into its first bullet
    ("Mục đích - Triển khai thực hiện …"): a bullet dash after a few words ends the heading,
    unless it is the hyphen of a name ("Sở Lao động - Thương binh và Xã hội")."""
    b = _RUN_IN_BULLET.search(text) if any(map(text.__contains__, _RUN_IN_DASHES)) else None
    if b and b.start() <= 60 and not _HEADING_PUNCT.search(text[: b.start()]) \
            and not _HYPHEN_NAME_END.search(text[: b.start()]) and ":" not in text[b.end(): b.end() + 30]:
        return text[: b.start()].strip().rstrip(":.; "), text[b.start():].strip()
    m = _SENTENCE_END.search(text)
    if m is None:
        head, rest = text, ""
    else:
        head, rest = text[: m.start()], text[m.end():]
    return head.strip().rstrip(":.; ").strip(), rest.strip()


@dataclass
class _Marker:
    kind: str
    number: str
    end: int  # offset of the heading text in the block


# The kind of marker by the last group MARKER_RE closed: one alternative matches, its groups are
# never empty, and an appendix may close its number after its word (a bullet is no section).
_MARKER_KINDS = {"appendix": "appendix", "appno": "appendix", "roman": "roman", "dotted": "dotted",
                 "arabic": "arabic", "letter": "letter"}


def _marker(block: Block) -> _Marker | None:
    m = MARKER_RE.match(block.text)
    if not m:
        return None
    kind = _MARKER_KINDS.get(m.lastgroup or "")
    return None if kind is None else _Marker(kind, m.group(kind), m.end())


class _Builder:
    def __init__(self) -> None:
        self.roots: list[Node] = []
        self.stack: list[Node] = []
        self.has_roman = False
        self.last_roman = 0
        self.preamble: list[Block] = []
        self.ids: set[str] = set()

    def _current(self) -> Node | None:
        return self.stack[-1] if self.stack else None

    def _attach(self, node: Node, parent: Node | None) -> None:
        node.parent = parent
        (parent.children if parent else self.roots).append(node)
        self.ids.add(node.id)

    def _find(self, kind: str) -> Node | None:
        for n in reversed(self.stack):
            if n.kind == kind:
                return n
        return None

    def _fits(self, mk: _Marker, block: Block, nxt: Block | None,
              nxt_mk: _Marker | None) -> tuple[Node | None, str, int] | None:
        """Where a marker goes: (parent, id, level), or None when it breaks the sequence."""
        roman = self._find("roman")
        if mk.kind == "roman":
            v = roman_value(mk.number)
            if v <= self.last_roman or v > self.last_roman + 2:
                return None
            heading = block.text[mk.end:]
            if not _CAPS.match(split_heading(heading)[0] or "x") and v > 1 and not self.has_roman:
                return None
            return None, mk.number, 1
        base = roman.id + "." if roman else ""
        base_level = 1 if roman else 0
        if mk.kind == "arabic":
            v = int(mk.number)
            siblings = [c for c in (roman.children if roman else self.roots) if c.kind == "arabic"]
            last = int(siblings[-1].number) if siblings else 0
            if not (last < v <= last + 2) or (not siblings and v > 2):
                return None
            return roman, base + mk.number, base_level + 1
        if mk.kind == "dotted":
            parts = mk.number.split(".")
            parent_num = ".".join(parts[:-1])
            parent: Node | None = None
            for n in reversed(self.stack):
                if n.kind in ("arabic", "dotted") and n.number == parent_num:
                    parent = n
                    break
            if parent is None:
                arabic_here = any(c.kind == "arabic" for c in (roman.children if roman else self.roots))
                if arabic_here:
                    return None  # "2. Yêu cầu … 1.1. …": a misnumbered list, not a section of "1."
                if roman is None and not self.roots and len(parts) == 2 and parts[0] == "1":
                    pass  # a document that starts at "1.1." without a "1." heading
                elif len(parts) == 2 and (roman is not None or self.roots):
                    pass  # "1.1." directly under a Roman part
                else:
                    return None
                siblings = [c for c in (parent.children if parent else roman.children if roman else self.roots)
                            if c.kind == "dotted" and c.number.split(".")[:-1] == parts[:-1]]
                anchor = parent or roman
            else:
                siblings = [c for c in parent.children if c.kind == "dotted"]
                anchor = parent
            last = int(siblings[-1].number.split(".")[-1]) if siblings else 0
            v = int(parts[-1])
            if not (last < v <= last + 2) or (not siblings and v > 2):
                return None
            return anchor, base + mk.number, base_level + len(parts)
        if mk.kind == "letter":
            owner = None
            for n in reversed(self.stack):
                if n.kind in ("arabic", "dotted", "roman"):
                    owner = n
                    break
            if owner is None:
                return None
            siblings = [c for c in owner.children if c.kind == "letter"]
            order = "abcdđeghiklmnopqrstuvxy"
            last = order.index(siblings[-1].number) if siblings else -1
            # the next letter, or one further (many documents skip "đ")
            if mk.number not in order or not (last < order.index(mk.number) <= last + (2 if siblings else 1)):
                return None
            head, rest = split_heading(block.text[mk.end:])
            stands_alone = not rest and len(head) <= 160
            followed_by_body = nxt is not None and (nxt_mk is None or nxt_mk.kind not in ("letter",))
            # once a list's first items stand as headings, its later items are headings too
            if not (siblings or stands_alone or (followed_by_body and len(block.text) <= 200)):
                return None
            return owner, owner.id + "." + mk.number, owner.level + 1
        return None

    def add(self, block: Block, mk: _Marker | None, nxt: Block | None, nxt_mk: _Marker | None) -> None:
        """``mk``, ``nxt_mk``: the markers of ``block`` and ``nxt`` (each block's worked out once)."""
        fit = self._fits(mk, block, nxt, nxt_mk) if mk and mk.kind != "appendix" else None
        if fit is not None and fit[1] in self.ids:
            # an id already in the tree ("1.1." … "1." … "1.1."): the numbering broke, keep it as text
            fit = None
        if mk is None or fit is None:
            cur = self._current()
            if cur is None:
                self.preamble.append(block)
            else:
                cur.body.append(block)
            return
        parent, sid, level = fit
        text = block.text[mk.end:].strip()
        if mk.kind == "roman":
            head, rest = _split_roman_heading(text)
            self.has_roman = True
            self.last_roman = roman_value(mk.number)
        else:
            head, rest = split_heading(text)
        node = Node(sid, level, mk.number, head, mk.kind, block)
        if rest:
            node.run_in = block.slice(len(block.text) - len(rest))
        self._attach(node, parent)
        # the stack is the path from the root to this node
        path: list[Node] = []
        n: Node | None = node
        while n is not None:
            path.append(n)
            n = n.parent
        self.stack = list(reversed(path))


_MIXED_WORD = rx(r"\s(?=\p{Lu}\p{Ll})")  # before a mixed-case word


def _split_roman_heading(text: str) -> tuple[str, str]:
    """Roman headings are upper case; run-in text after them starts at the first mixed-case word."""
    m = _MIXED_WORD.search(text)
    if m and _CAPS.match(text[: m.start()]):
        return text[: m.start()].strip().rstrip(":.").strip(), text[m.end():].strip()
    return split_heading(text)


def _appendix_node(lines: list[Line], index: int, count: int) -> tuple[Node, list[Line]]:
    first = lines[0]
    m = APPENDIX_LINE_RE.match(first.text)
    number = (m.group(1) if m else None) or ""
    title_bits = [m.group(2)] if m and m.group(2) else []
    rest: list[Line] = []
    for ln in lines[1:]:
        if not rest and len(title_bits) < 4 and (_CAPS.match(ln.text) or ln.text.lstrip().startswith("(")):
            title_bits.append(ln.text.strip())
            continue
        rest.append(ln)
    heading = " ".join(t for t in title_bits if t).strip() or "PHỤ LỤC"
    sid = "PL" if count == 1 else f"PL{index + 1}"
    node = Node(sid, 1, number or "PL", heading, "appendix", Block.single(first.text, first))
    return node, rest


def build_skeleton(doc: SourceDoc) -> Skeleton:
    lines = logical_lines(doc.lines)
    reg = split_regions(lines)
    blocks = build_blocks(reg.body, doc.layout)
    b = _Builder()
    marks = [_marker(blk) for blk in blocks] + [None]
    for i, blk in enumerate(blocks):
        b.add(blk, marks[i], blocks[i + 1] if i + 1 < len(blocks) else None, marks[i + 1])
    roots = b.roots
    # appendices: each "PHỤ LỤC" line starts one
    if reg.appendix:
        starts = [i for i, ln in enumerate(reg.appendix) if APPENDIX_LINE_RE.match(ln.text)]
        for k, s in enumerate(starts):
            e = starts[k + 1] if k + 1 < len(starts) else len(reg.appendix)
            node, rest = _appendix_node(reg.appendix[s:e], k, len(starts))
            node.body = build_blocks(rest, doc.layout)
            roots.append(node)
    title = list(reg.title)
    if reg.type_line is not None:
        title = [reg.type_line, *title]
    sk = Skeleton(header=reg.header, title_lines=title, preamble=b.preamble, roots=roots,
                  closing=reg.closing, tables=list(doc.tables))
    _place_tables(sk)
    return sk


def _place_tables(sk: Skeleton) -> None:
    """Give each table the section it is printed in; an appendix task table's Roman group
    rows become sections of their own ("PL.I", "PL.II")."""
    if not sk.tables:
        return
    starts = sorted(((n.head.lines[0].line, k, n) for k, n in enumerate(sk.nodes())), key=lambda x: (x[0], x[1]))
    for k, t in enumerate(sk.tables):
        owner = None
        for line, _, n in starts:
            if line <= t.line:
                owner = n
        if owner is None:
            continue
        sk.table_owner[t.index] = owner.id
        app = next((a for a in [owner, *owner.ancestors()] if a.kind == "appendix"), None)
        if app is None:
            continue
        tt = sk.task_tables[k] = classify(t)
        if tt is None:
            continue
        for roman, title, r in tt.groups:
            gid = f"{app.id}.{roman}"
            if any(c.id == gid for c in app.children):
                continue
            row_line = Line(title, t.line + r, t.page, "table")
            node = Node(gid, app.level + 1, roman, title, "appendix_group", Block.single(title, row_line))
            node.parent = app
            app.children.append(node)
