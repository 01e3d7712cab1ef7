"""Task assignments: who leads, with whom, by when.

Four shapes occur in plans, and each section is read for all of them:
1. labelled lines under a section ("- Cơ quan chủ trì: …", "- Cơ quan phối hợp (thực hiện): …",
   "- Thời gian thực hiện: …", "- Sản phẩm: …"), the value sometimes on the next line;
2. prose: "X chủ trì, phối hợp với Y …" (several "chủ trì" in one sentence give several leads);
3. the numbered items of "TỔ CHỨC THỰC HIỆN", whose subject is the agency ("1. Giám đốc sở, … căn
   cứ …", "4. Đề nghị Ủy ban Mặt trận Tổ quốc … phối hợp với …", "2. Sở Nội vụ:");
4. rows of task tables (see ``tables``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import regex

from .agencies import is_agency_start, split_agencies
from .grammar_cache import rx
from .models import Task
from .normalize import collapse, fold_spaced
from .structure import Block, Node, Skeleton
from .tables import classify

# --- grammar ----------------------------------------------------------------------------------
_BUL = r"^\s*(?:[-–+•*]\s*)?"
# "- Cơ quan chủ trì: Sở Nội vụ.", "Đơn vị chủ trì thực hiện:", "Chủ trì:", "Cơ quan thực hiện:"
LEAD_LABEL = rx(
    _BUL + r"(?:(?:Cơ\s+quan|Đơn\s+vị|Cơ\s+quan,\s+đơn\s+vị)\s+(?:chủ\s+trì|thực\s+hiện|tham\s+mưu)(?:\s+thực\s+hiện)?"
    r"|Chủ\s+trì(?:\s+thực\s+hiện)?|Trách\s+nhiệm\s+thực\s+hiện)\s*:\s*", regex.IGNORECASE)
# "- Cơ quan phối hợp: …", "- Cơ quan phối hợp thực hiện:", "Đơn vị phối hợp:", "Phối hợp:"
PARTNER_LABEL = rx(
    _BUL + r"(?:(?:Cơ\s+quan|Đơn\s+vị|Cơ\s+quan,\s+đơn\s+vị)\s+)?phối\s+hợp(?:\s+thực\s+hiện)?\s*:\s*", regex.IGNORECASE)
# "- Thời gian thực hiện: Thường xuyên.", "Thời gian hoàn thành:", "Thời hạn:", "Tiến độ:"
TIME_LABEL = rx(
    _BUL + r"(?:Thời\s+gian(?:\s+(?:thực\s+hiện|hoàn\s+thành|triển\s+khai))?|Thời\s+hạn(?:\s+hoàn\s+thành)?|"
    r"Tiến\s+độ(?:\s+thực\s+hiện)?)\s*:\s*", regex.IGNORECASE)
# "- Sản phẩm: Kế hoạch của UBND tỉnh", "Kết quả đầu ra:"
PRODUCT_LABEL = rx(_BUL + r"(?:Sản\s+phẩm|Kết\s+quả(?:\s+đầu\s+ra)?)\s*:\s*", regex.IGNORECASE)
ANY_LABEL = rx("|".join(f"(?:{p.pattern.removeprefix(_BUL)})" for p in
                                   (LEAD_LABEL, PARTNER_LABEL, TIME_LABEL, PRODUCT_LABEL)), regex.IGNORECASE)
# Every label ends in ":", so a text without one has no label (tests/test_shortcuts.py holds it).
LABEL_MARK = ":"

# "chủ trì" as the verb of an assignment (not the label "Cơ quan chủ trì:").
LEAD_VERB = rx(r"(?<![Cc]ơ\s+quan\s|[Đđ]ơn\s+vị\s)\bchủ\s+trì\b(?!\s*:)")
# "phối hợp (chặt chẽ) (với)"; not the noun phrase "chương trình phối hợp hành động với …"
PARTNER_INTRO = rx(
    r"(?<!(?:chương\s+trình|quy\s+chế|kế\s+hoạch)\s)\bphối\s+hợp(?!\s+hành\s+động)(?:\s+chặt\s+chẽ)?(?:\s+với)?\s+")
# Deadlines a task states itself: "hoàn thành tháng 6/2024", "trong năm 2024",
# "Định kỳ trước ngày 10/12 hằng năm", "trước ngày 31/12 hàng năm", "Quý II/2026".
TIMELINE_RE = rx(
    r"(?:(?:[Đđ]ịnh\s+kỳ\s+)?(?:[Tt]rước|[Cc]hậm\s+nhất(?:\s+(?:là|trước))?|[Hh]oàn\s+thành(?:\s+(?:trước|trong))?|"
    r"[Xx]ong(?:\s+(?:trước|trong))?|[Tt]rong)\s+"
    r"(?:ngày\s+\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?|tháng\s+\d{1,2}(?:\s*/\s*\d{4}|\s+năm\s+\d{4})?|"
    r"[Qq]uý\s+(?:[IV]{1,3}|\d)(?:\s*/\s*\d{4}|\s+năm\s+\d{4})?|năm\s+\d{4})"  # "xong trong quý II năm 2026"
    r"(?:\s+(?:hằng|hàng)\s+(?:năm|quý|tháng))?)"
)
# Sections that hand out the work: "TỔ CHỨC THỰC HIỆN", "PHÂN CÔNG NHIỆM VỤ", "TRÁCH NHIỆM …".
ORGANISING_RE = rx(r"to chuc thuc hien|phan cong|trach nhiem|kien nghi|de nghi")
CLAUSE_END = rx(r"[.;!?](?=\s|$)|\.{3}|…")
_BULLET = rx(r"^\s*[-–+•*]\s*")  # a leading "- ", "+ ", "• "
# Where a clause starts, scanning back from "chủ trì": after ". ", "; ", ": ", a bullet or "(".
_CLAUSE_OPEN = rx(r"(?:[.;:!?]\s+|^\s*[-–+•*]\s*|\(\s*)")
# "Chủ trì" opening a line or a lettered item: "- Chủ trì, phối hợp …", "a) Chủ trì …".
_CHU_TRI_ITEM = rx(r"^\s*(?:[-–+•*]\s*)?(?:[a-zđ]\)\s*)?Chủ\s+trì\b")
_LETTER_ITEM = rx(r"[a-zđ]\)")  # "a)"
_GIAO = rx(r"\bgiao\s+(?=\p{Lu})")  # "Chủ tịch UBND tỉnh giao Sở Nội vụ"
_COMMA = rx(r",\s+")
_ITEM_NUMBER = rx(r"^\s*\S+\s*")  # "2. " of "2. Sở Nội vụ:"
_COLON = rx(r":\s")
_SUBJECT_INTRO = rx(r"^(?:Đề\s+nghị|Giao|Yêu\s+cầu|Căn\s+cứ[^,]{0,200},)\s*", regex.IGNORECASE)


@dataclass
class _Draft:
    section: str
    description: str
    prov: dict[str, Any]  # ``Block.provenance_data``: validated with the task
    source: str
    lead: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    timeline: str | None = None
    product: str | None = None


def _label_value(text: str, label: regex.Pattern[str]) -> str | None:
    m = label.match(text)
    if not m:
        return None
    rest = text[m.end():]
    # "Cơ quan chủ trì: X; cơ quan phối hợp: Y" on one line (a further label needs its ":")
    nxt = ANY_LABEL.search(rest) if LABEL_MARK in rest else None
    return (rest[: nxt.start()] if nxt else rest).strip(" ;.")


# Every TIMELINE_RE match ends in "ngày …", "tháng …", "[Qq]uý …" or "năm …" after at most five
# words ("Định kỳ chậm nhất là tháng 6"), and it has no lookbehind: the search can start at the sixth
# word back from the first of these words, and a text without them has no match
# (tests/test_speed_tasks.py). Most texts handed to ``find_timeline`` have none of them.
_TIMELINE_WORDS = ("ngày", "tháng", "uý", "năm")
_WORDS_BACK = rx(r"(?r)(?:\S+\s+){0,5}\S*")  # matched backwards from the first such word


def _timeline_floor(text: str) -> int | None:
    """Where the first TIMELINE_RE match can start at the earliest; None: there is none."""
    firsts = [i for w in _TIMELINE_WORDS if (i := text.find(w)) >= 0]
    if not firsts:
        return None
    m = _WORDS_BACK.match(text, 0, min(firsts))
    return m.start() if m else 0


@lru_cache(maxsize=4096)
def find_timeline(text: str) -> str | None:
    """Cached: a section's own text is searched for the subject and again for its tasks."""
    floor = _timeline_floor(text)  # the search costs ~45 ns a character; str.find is C
    if floor is None:
        return None
    m = TIMELINE_RE.search(text, floor)
    return collapse(m.group(0)) if m else None


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for it in items:
        k = fold_spaced(it)
        if k not in seen:
            seen.add(k)
            out.append(it)
    return out


LABELS = (("lead", LEAD_LABEL), ("partner", PARTNER_LABEL), ("time", TIME_LABEL), ("product", PRODUCT_LABEL))
# A further label on the same line, after "; " or ". ": "Cơ quan chủ trì: X; cơ quan phối hợp: Y".
_LATER_LABELS = [(role, label, rx(r"[;.]\s*" + label.pattern.removeprefix(_BUL), regex.IGNORECASE))
                 for role, label in LABELS[1:]]


def _may_have_later_label(text: str) -> bool:
    """A further label needs a ";" or "." and, after it, the ":" every label ends in; most labelled
    lines ("- Cơ quan chủ trì: Sở Nội vụ.") have their only ":" first (tests/test_speed_tasks.py)."""
    seps = [i for i in (text.find(";"), text.find(".")) if i >= 0]
    return bool(seps) and text.find(LABEL_MARK, min(seps)) >= 0


def _assign(d: _Draft, role: str, value: str) -> None:
    if role == "lead":
        d.lead = split_agencies(value)
    elif role == "partner":
        d.partners = split_agencies(value)
    elif role == "time":
        d.timeline = value or d.timeline
    else:
        d.product = value or d.product


def _labelled(node: Node) -> list[_Draft]:
    drafts: list[_Draft] = []
    blocks = node.own_blocks()
    cur: _Draft | None = None
    pending: str | None = None  # label whose value is on the next paragraph
    for i, b in enumerate(blocks):
        t = b.text
        if pending is not None and cur is not None and not (LABEL_MARK in t[:40] and ANY_LABEL.search(t[:40])):
            _assign(cur, pending, t.strip(" ;."))
            pending = None
            continue
        pending = None
        if LABEL_MARK not in t:
            continue  # no label on this line (none of the four matches without its ":")
        for role, label in LABELS:
            value = _label_value(t, label)
            if value is None:
                continue
            if role == "lead" and (cur is None or cur.lead):
                desc = node.heading if not drafts else _previous_text(blocks, i)
                cur = _Draft(node.id, desc, b.provenance_data(), "label")
                drafts.append(cur)
            if cur is None:
                break
            if not value:
                pending = role
            else:
                _assign(cur, role, value)
            # further labels on the same line: "Cơ quan chủ trì: X; cơ quan phối hợp: Y"
            for role2, label2, later in _LATER_LABELS if _may_have_later_label(t) else ():
                m2 = later.search(t) if role2 != role else None
                if m2:
                    _assign(cur, role2, _label_value(t[m2.start():].lstrip(";. "), label2) or "")
            break
    return [d for d in drafts if d.lead]


def _previous_text(blocks: list[Block], i: int) -> str:
    for j in range(i - 1, -1, -1):
        text = _BULLET.sub("", blocks[j].text)
        if not ANY_LABEL.match(text):
            return collapse(text)[:400]
    return ""


def _clause_start(text: str, pos: int) -> int:
    cut = 0
    for m in _CLAUSE_OPEN.finditer(text[:pos]):
        cut = m.end()
    return cut


# "chủ trì" / "Chủ trì" share "hủ": a paragraph without it has no hit of LEAD_VERB or _CHU_TRI_ITEM.
_CHU_TRI_MARK = "hủ"


def _prose(block: Block, section: str, implicit: list[str] | None = None) -> _Draft | None:
    """"X chủ trì, phối hợp với Y …": leads before each "chủ trì", partners after "phối hợp với".

    ``implicit`` is the subject of an item headed by an agency ("2. Văn phòng UBND tỉnh" / "a)
    Chủ trì, phối hợp với …"): a clause that starts at "Chủ trì" belongs to it."""
    text = block.text
    if _CHU_TRI_MARK not in text:
        return None  # both "chủ trì" grammars need "hủ" (tests/test_shortcuts.py): no lead here
    hits = list(LEAD_VERB.finditer(text)) + list(_CHU_TRI_ITEM.finditer(text))
    hits.sort(key=lambda m: m.start())
    leads: list[str] = []
    partners: list[str] = []
    first = None
    for h in hits:
        if implicit and h.group(0).lstrip(" -–+•*").lstrip("abcdđeghiklmnopqrstuvxy) ").startswith("Chủ"):
            leads += implicit
            first = (_clause_start(text, h.start()), h)
            break
        if h.group(0).strip().startswith(("Chủ", "-", "+", "•", "*")) or _LETTER_ITEM.match(h.group(0).strip()):
            continue
        start = _clause_start(text, h.start())
        subject = _SUBJECT_INTRO.sub("", text[start:h.start()].strip())
        giao = _GIAO.search(subject)
        if giao and is_agency_start(subject[giao.end():]):
            # "Chủ tịch UBND tỉnh giao Sở Nội vụ chủ trì": the one given the task leads it
            start += len(text[start:h.start()]) - len(text[start:h.start()].lstrip()) + giao.end()
            subject = subject[giao.end():]
        if subject and not is_agency_start(subject):
            # "Định kỳ, Thường trực Ủy ban … chủ trì": skip a leading adverbial phrase
            for cm in _COMMA.finditer(subject):
                if is_agency_start(subject[cm.end():]):
                    start += len(text[start:h.start()]) - len(text[start:h.start()].lstrip()) + cm.end()
                    subject = subject[cm.end():]
                    break
        if subject and is_agency_start(subject):
            items = split_agencies(subject)
            if items:
                leads += items
                first = (start, h)
                break
    if first is None:
        return None
    start, h = first
    pos = h.end()
    while True:
        rest = text[pos:]
        stripped = rest.lstrip(" ,")
        pm = PARTNER_INTRO.match(stripped)
        if not pm:
            break
        seg_start = pos + (len(rest) - len(stripped)) + pm.end()
        nxt = LEAD_VERB.search(text, seg_start)
        end_m = CLAUSE_END.search(text, seg_start)
        if nxt is not None and (end_m is None or nxt.start() < end_m.start()):
            # "… phối hợp với A, B chủ trì, phối hợp với C": B leads a second strand
            items = split_agencies(text[seg_start:nxt.start()])
            if items and is_agency_start(items[-1]):
                partners += items[:-1]
                leads.append(items[-1])
            else:
                partners += items
            pos = nxt.end()
            continue
        partners += split_agencies(text[seg_start: end_m.start() if end_m else len(text)], prose=True)
        break
    sentence_end = CLAUSE_END.search(text, h.end())
    desc = collapse(text[start: sentence_end.start() if sentence_end else len(text)])
    lead_set = {fold_spaced(x) for x in leads}
    partners = [p for p in partners if fold_spaced(p) not in lead_set]
    return _Draft(section, desc[:500], block.provenance_data(start), "prose", _dedupe(leads), _dedupe(partners),
                  find_timeline(text))


# "- Giao Công an tỉnh tham mưu …", "Giao Văn phòng Ủy ban nhân dân tỉnh …": an assignment without "chủ trì".
GIAO_RE = rx(r"(?:^|(?<=[.;:]\s))\s*(?:[-–+•*]\s*)?Giao\s+(?=\p{Lu}|phòng\s)")
_GIAO_MARK = "Giao"  # the literal GIAO_RE needs (tests/test_shortcuts.py)


def _giao(block: Block, section: str) -> _Draft | None:
    if _GIAO_MARK not in block.text:
        return None
    m = GIAO_RE.search(block.text)
    if m is None:
        return None
    end = CLAUSE_END.search(block.text, m.end())
    clause = block.text[m.end(): end.start() if end else len(block.text)]
    if LEAD_VERB.search(clause):
        return None  # "Giao X chủ trì …" is read by ``_prose``
    leads = split_agencies(clause, prose=True)[:1]
    if not leads or not is_agency_start(leads[0]):
        return None
    partners: list[str] = []
    pm = PARTNER_INTRO.search(clause)
    if pm:
        partners = [p for p in split_agencies(clause[pm.end():], prose=True) if is_agency_start(p)]
    return _Draft(section, collapse(block.text[m.start():end.start() if end else None])[:500],
                  block.provenance_data(m.start()), "prose", leads, partners, find_timeline(clause))


def _subject(node: Node) -> _Draft | None:
    """An item of "TỔ CHỨC THỰC HIỆN" whose subject is the agency that must act."""
    text = node.head.text
    m = _ITEM_NUMBER.match(text)
    body = text[m.end() if m else 0:]
    body = _SUBJECT_INTRO.sub("", body.strip())
    if not is_agency_start(body):
        return None
    # the subject runs to the first verb or ":" ("2. Sở Nội vụ: …")
    head = _COLON.split(body, maxsplit=1)[0]
    items = split_agencies(head, prose=True)
    if not items:
        return None
    partners: list[str] = []
    pm = PARTNER_INTRO.search(body)
    if pm:
        end_m = CLAUSE_END.search(body, pm.end())
        partners = split_agencies(body[pm.end(): end_m.start() if end_m else len(body)], prose=True)
    own_blocks = node.own_blocks()
    own = " ".join(b.text for b in own_blocks)
    timeline = find_timeline(text) or find_timeline(own)
    # "2. Sở Nội vụ:" heads a list of duties: describe the task by its first duty
    desc = node.heading
    if len(items) == 1 and collapse(head).rstrip(":.") == items[0] and own_blocks:
        desc = _BULLET.sub("", own_blocks[0].text)
    return _Draft(node.id, desc[:500], node.head.provenance_data(), "prose", _dedupe(items), _dedupe(partners),
                  timeline)


def _names_agency(node: Node) -> bool:
    """A heading that is nothing but agencies ("b) Sở Y tế", "2.3. Công an tỉnh và các địa
    phương") assigns the section's duties to them wherever it stands."""
    head = collapse(node.heading).rstrip(":. ")
    if not head or len(head) > 120:
        return False
    subject = _SUBJECT_INTRO.sub("", head)
    if not is_agency_start(subject):
        return False
    items = split_agencies(subject, prose=True)
    return bool(items) and fold_spaced(" ".join(items)) == fold_spaced(subject)


def _in_organising(node: Node) -> bool:
    return any(a.kind == "roman" and ORGANISING_RE.search(fold_spaced(a.heading)) for a in [node, *node.ancestors()])


def _table_tasks(sk: Skeleton) -> list[_Draft]:
    drafts: list[_Draft] = []
    for k, t in enumerate(sk.tables):
        tt = sk.task_tables[k] if k in sk.task_tables else classify(t)  # appendix tables: classified once
        owner = sk.table_owner.get(t.index)
        if tt is None or owner is None:
            continue
        for k, r in enumerate(tt.rows, 1):
            # a row carries its own id ("PL.II.5"), under its Roman group where the table has them
            base = f"{owner}.{r.group}" if r.group else owner
            section = f"{base}.{r.stt or k}"
            prov = {"page": t.page, "line": t.line + r.row, "line_end": None, "origin": "table"}
            drafts.append(_Draft(section, r.content[:500], prov, "table", _agency_cell(r.lead),
                                 _agency_cell(r.partner), r.time or None, r.product or None))
    return drafts


def _agency_cell(text: str) -> list[str]:
    """Agencies of a table cell; "Theo phân công tại Quyết định số …" names none."""
    return [a for a in split_agencies(text) if is_agency_start(a)]


def extract_tasks(sk: Skeleton) -> list[Task]:
    drafts: list[_Draft] = []
    subject_of: dict[str, list[str]] = {}  # id of an agency-headed item → its agencies
    for node in sk.nodes():
        found = _labelled(node)
        if not found:
            subject = None
            if node.kind in ("arabic", "dotted", "letter") and (_in_organising(node) or _names_agency(node)):
                subject = _subject(node)
                if subject is not None:
                    subject_of[node.id] = subject.lead
            implicit = next((subject_of[a.id] for a in [node, *node.ancestors()] if a.id in subject_of), None)
            prose = [d for d in (_prose(b, node.id, implicit) or _giao(b, node.id) for b in [node.head, *node.body])
                     if d is not None]
            if prose and len(node.heading) > 20:
                head_prov = node.head.provenance_data()  # once, not once per draft
                for d in prose:
                    if d.prov == head_prov:
                        d.description = node.heading[:500]
            # duties listed under one agency ("2. Văn phòng UBND tỉnh" / "a) Chủ trì …" / "b) Chủ trì …")
            # are one task of that section, not one per bullet
            same = [d for d in prose if implicit is not None and d.lead == implicit]
            if subject is None and same:
                subject = same[0]
            if subject is not None:
                for d in same:
                    if d is not subject:
                        subject.partners = _dedupe(subject.partners + d.partners)
                        subject.timeline = subject.timeline or d.timeline
                found = [subject] + [d for d in prose if d not in same]
            else:
                found = prose
        if found and not any(d.timeline for d in found):
            own = " ".join(b.text for b in node.own_blocks())
            tl = find_timeline(own)
            if tl and len(found) == 1:
                found[0].timeline = tl
        drafts += found
    # the deepest section owns an assignment: an agency-headed item whose sub-items carry its
    # tasks is not a task of its own
    drafts = [d for d in drafts if not (
        d.section in subject_of and d.source == "prose" and d.lead == subject_of[d.section]
        and any(o.section.startswith(d.section + ".") and o.lead == d.lead for o in drafts))]
    drafts += _table_tasks(sk)
    tasks: list[Task] = []
    counts: dict[str, int] = {}
    for d in drafts:
        counts[d.section] = counts.get(d.section, 0) + 1
        tid = d.section if counts[d.section] == 1 else f"{d.section}#{counts[d.section]}"
        tasks.append(Task.model_validate({"id": tid, "section": d.section, "description": d.description,
                                          "lead": d.lead, "partners": d.partners, "timeline": d.timeline,
                                          "product": d.product, "source": d.source, "provenance": d.prov}))
    return tasks
