"""Speed shortcuts of tasks, agencies and the writers (issue 5) give exactly what their plain form gives.

Each fast path is held against the slow form it replaces, on real plans and on random or
adversarial values, so an edit that breaks the proof (a new float field, a grammar that no
longer needs its literal) fails here rather than changing outputs.
"""

from __future__ import annotations

import functools
import json
import math
import random
import types
import typing

import pytest
import regex
from pydantic import BaseModel, TypeAdapter, ValidationError

from khparse import agencies, pipeline, tasks
from khparse.errors import KhparseError
from khparse.models import Plan, Provenance, Section, Target
from khparse.normalize import _OLD_TONE, clean, collapse, new_tone
from khparse.pipeline import build_plan, extract
from khparse.readers import read
from khparse.sections import build_skeleton
from khparse.structure import Node
from khparse.writers import _floats_print_alike, _prints_alike, dump, dump_data
from khparse_helpers import SAMPLES, SHARED, good_plan_data


def _plain_json(plan: Plan) -> str:
    """What ``dump(plan, "json")`` was before the fast path: ``json.dumps`` of the JSON data."""
    return dump_data(plan.model_dump(mode="json"), "json")


@functools.cache
def _plans() -> list[Plan]:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    # the text-like corpus and seeds, and the sample plan as text, PDF and DOCX
    files = [p for p in sorted((SHARED / "corpus").iterdir()) if p.suffix in (".md", ".json", ".txt")]
    files += sorted((SHARED / "seeds").glob("*.txt")) + sorted(p for p in SAMPLES.iterdir() if p.suffix != ".md")
    plans = []
    for p in files:
        try:
            plans.append(extract(p, ocr="never"))
        except KhparseError:
            pass  # a legacy .doc without a converter, a scan without OCR: no plan to write
    return plans


def _with_floats(values: list[float], text: str = "Sở Nội vụ") -> Plan:
    data = good_plan_data()
    data["metadata"]["title"] = text
    plan = Plan.model_validate(data)
    plan.targets = [Target(id=str(i), section="1", indicator=text, comparator="=", value=v, value_text="1",
                           value_max=v if i % 2 else None, raw=text, provenance=Provenance(line=1))
                    for i, v in enumerate(values)]
    return plan


# --- writers.dump: pydantic's JSON writer instead of json.dumps(indent=2) -------------------------

def _float_fields(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[tuple[str, str]]:
    """(model, field) of every float field reachable from ``model``."""
    out: set[tuple[str, str]] = set()
    if model in seen:
        return out
    seen.add(model)
    for name, info in model.model_fields.items():
        stack = [info.annotation]
        while stack:
            tp = stack.pop()
            if tp is float:
                out.add((model.__name__, name))
            elif isinstance(tp, type) and issubclass(tp, BaseModel):
                out |= _float_fields(tp, seen)
            elif isinstance(tp, types.UnionType) or typing.get_origin(tp) is not None:
                stack += typing.get_args(tp)
    return out


def test_the_float_check_sees_every_float_field() -> None:
    # _floats_print_alike reads exactly these; a new float field must be added there too
    assert _float_fields(Plan, set()) == {("Plan", "confidence"), ("SourceInfo", "ocr_confidence"),
                                          ("Target", "value"), ("Target", "value_max")}
    assert not _floats_print_alike(_with_floats([1.0, 2e-5]))
    plan = Plan.model_validate(good_plan_data())
    plan.source.ocr_confidence = 1e-7
    assert not _floats_print_alike(plan)


def test_pydantic_json_is_json_dumps_on_real_plans() -> None:
    plans = _plans()
    assert len(plans) > 15
    for plan in plans:
        assert _floats_print_alike(plan)
        assert plan.model_dump_json(indent=2) + "\n" == _plain_json(plan)
        assert dump(plan, "json") == _plain_json(plan)


def test_pydantic_json_prints_floats_as_repr_where_the_check_lets_it() -> None:
    rnd = random.Random(5)
    values = [rnd.uniform(-1, 1) * 10.0 ** rnd.randint(-12, 308) for _ in range(20000)]
    values += [10.0 ** k for k in range(-12, 309)] + [0.0, -0.0, 1e-4, 9.999999999999999e-05, 1e16, 1e-10]
    values += [i / 100 for i in range(-2000, 20000)] + [float(i) for i in range(0, 100000, 7)]
    alike = [v for v in values if _prints_alike(v)]
    assert len(alike) > 30000 and 1e-4 in alike and 9.999999999999999e-05 not in alike
    # pydantic's float writer, on all of them at once, then inside a plan
    assert TypeAdapter(list[float]).dump_json(alike, indent=2).decode() == json.dumps(alike, indent=2)
    plan = _with_floats(rnd.sample(alike, 2000))
    assert plan.model_dump_json(indent=2) + "\n" == _plain_json(plan)


@pytest.mark.parametrize("value", [1e-5, -3.5e-7, 2e-9, 5e-324, 1e-300])
def test_floats_pydantic_prints_otherwise_take_the_plain_path(value: float) -> None:
    plan = _with_floats([1.5, value])
    assert dump(plan, "json") == _plain_json(plan)
    assert f"{value!r}" in dump(plan, "json")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_inf_are_still_refused(value: float) -> None:
    with pytest.raises(ValueError):
        dump(_with_floats([value]), "json")


def test_pydantic_json_escapes_every_character_as_json_does() -> None:
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    rnd = random.Random(6)
    text = "".join(chars[:0x3000]) + "".join(rnd.choices(chars, k=20000)) + '"\\/\u2028\u2029\ufeff\x7f\x85'
    plan = _with_floats([1.0], text)
    assert plan.model_dump_json(indent=2) + "\n" == _plain_json(plan)
    assert dump(plan, "json") == _plain_json(plan)


def test_a_lone_surrogate_is_passed_on_as_before() -> None:
    plan = _with_floats([1.0], "Sở \ud800 Nội vụ")
    assert dump(plan, "json") == _plain_json(plan)
    assert json.loads(dump(plan, "json"))["metadata"]["title"] == "Sở \ud800 Nội vụ"


def test_yaml_is_unchanged() -> None:
    plan = Plan.model_validate(good_plan_data())
    assert dump(plan, "yaml") == dump_data(plan.model_dump(mode="json"), "yaml")


# --- tasks.find_timeline: no search without a closing word, and from the sixth word before it ----

def _real_text() -> str:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    files = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "corpus").glob("*.md"))
    return clean("\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files))


def _plain_timeline(text: str) -> str | None:
    m = tasks.TIMELINE_RE.search(text)
    return collapse(m.group(0)) if m else None


# Pieces of deadlines, spaced in every way the grammar's \s+ allows, and words that look like them.
_TIMELINE_BITS = ["Định kỳ", "định  kỳ", "chậm nhất", "Chậm\u00a0nhất là", "chậm nhất\ttrước", "hoàn thành trong",
                  "Hoàn thành trước", "xong trong", "Xong", "trước", "Trước", "trong", "Trong", "ngày 10/12",
                  "ngày  5 / 6 / 2024", "tháng 6", "tháng 6/2024", "tháng 12 năm 2025", "Quý II/2026", "quý 3",
                  "quý IV năm 2026", "năm 2024", "hằng năm", "hàng quý", "hàngngày", "năm", "ngày", "Quý",
                  "\n", "  ", " ", ", ", "2024", "x"]


def test_find_timeline_is_the_plain_search() -> None:
    big = _real_text()
    rnd = random.Random(7)
    found = 0
    for _ in range(6000):
        i = rnd.randrange(len(big))
        t = big[i:i + rnd.randrange(1, 1500)]
        if rnd.random() < 0.6:  # splice deadline pieces into the real text
            k = rnd.randrange(len(t) + 1)
            t = t[:k] + "".join(rnd.choice(_TIMELINE_BITS) + rnd.choice(["", " ", "  ", "\n"])
                                for _ in range(rnd.randrange(1, 9))) + t[k:]
        plain = _plain_timeline(t)
        assert tasks.find_timeline.__wrapped__(t) == plain, t
        found += plain is not None
    assert found > 1000
    assert tasks.find_timeline.__wrapped__("Định kỳ chậm nhất là  tháng 6/2024") == "Định kỳ chậm nhất là tháng 6/2024"
    assert tasks._timeline_floor("không có thời hạn") is None


# --- agencies.canonical: new_tone and each expansion only where their letters occur ------------

def _plain_canonical(name: str) -> str:
    s = new_tone(collapse(name))
    for _literal, rx, repl in agencies._EXPANSIONS:
        s = rx.sub(repl, s)
    return s


def test_canonical_skips_only_what_cannot_change() -> None:
    assert all(len(k) == 2 for k in _OLD_TONE)  # the pre-check is a pair of letters
    assert all(agencies._OLD_TONE_PAIR.search(k) for k in _OLD_TONE)
    for literal, rx, _repl in agencies._EXPANSIONS:
        assert literal in rx.pattern.replace("\\b", "")
    big = _real_text()
    rnd = random.Random(8)
    names = [big[i:i + rnd.randrange(1, 120)] for i in (rnd.randrange(len(big)) for _ in range(20000))]
    names += [a.name for plan in _plans()[:8] for a in plan.agencies]
    names += ["Sở Văn hoá", "UỶ BAN", "Uỷ ban MTTQ", "UBMTTQ tỉnh", "VP UBND", "BHXH tỉnh", "quý", "Quỹ", "HOÁ"]
    changed = 0
    for n in names:
        assert agencies.canonical.__wrapped__(n) == _plain_canonical(n), n
        changed += _plain_canonical(n) != collapse(n)
    assert changed > 500


# --- agencies.word_trie: the heads and verbs as tries instead of alternations sorted longest first ----

def _sorted_alternation(words: tuple[str, ...]) -> str:
    return "(?:" + "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def _plain(pattern: regex.Pattern[str], words: tuple[str, ...]) -> regex.Pattern[str]:
    """``pattern`` with its trie of ``words`` written back as the sorted alternation it replaces."""
    trie = agencies.word_trie(words)
    assert trie in pattern.pattern
    return regex.compile(pattern.pattern.replace(trie, _sorted_alternation(words)), pattern.flags)


def test_word_trie_is_the_sorted_alternation() -> None:
    words = ("a", "ab", "abc", "abd", "b", "ba", "x y", "x", "x yz", "ư", "ưu", "(", "a.b")
    fast = regex.compile(f"(?:{agencies.word_trie(words)})(?![a-z])")
    slow = regex.compile(f"{_sorted_alternation(words)}(?![a-z])")
    rnd = random.Random(9)
    for _ in range(20000):
        t = "".join(rnd.choice("abcdxyzưu (.") for _ in range(rnd.randrange(12)))
        assert [m.span() for m in fast.finditer(t)] == [m.span() for m in slow.finditer(t)], t
        assert (fast.fullmatch(t) is None) == (slow.fullmatch(t) is None), t


def test_head_and_verb_grammars_are_their_plain_forms() -> None:
    plain = {
        "head": (agencies._HEAD_RE, _plain(agencies._HEAD_RE, agencies.HEADS)),
        "verb": (agencies._VERB_RE, _plain(agencies._VERB_RE, agencies.VERBS)),
        "and": (agencies._AND_RE, _plain(agencies._AND_RE, agencies.HEADS)),
    }
    big = _real_text()
    rnd = random.Random(10)
    words = [*agencies.HEADS, *agencies.VERBS, "Lãnh đạo Sở", "Lãnh đạo, chỉ đạo", "Tổ chức", "Tổ công tác",
             "phòng Quản lý", " và ", " cùng ", "các sở", "Bộ Chỉ huyện", "Sởi"]
    words += [f" {conj} {h}" for conj in ("và", "cùng") for h in agencies.HEADS]  # "… và Sở Y tế"
    hits = dict.fromkeys(plain, 0)
    for _ in range(8000):
        i = rnd.randrange(len(big))
        t = big[i:i + rnd.randrange(1, 200)]
        k = rnd.randrange(len(t) + 1)
        word = rnd.choice(words) + rnd.choice(["", " ", ",", "x", " A", "\n"])
        t = rnd.choice(["", " "]) + t[:k] + word + t[k:] if rnd.random() < 0.5 else word + t[k:]  # heads: at the start
        for name, (fast, slow) in plain.items():
            spans = [m.span() for m in slow.finditer(t)]
            assert [m.span() for m in fast.finditer(t)] == spans, (name, t)
            assert (fast.fullmatch(t.strip()) is None) == (slow.fullmatch(t.strip()) is None), (name, t)
            hits[name] += bool(spans)
    assert min(hits.values()) > 500, hits


# --- agencies.clean_item: each clean-up only where it can find something --------------------------

def _plain_clean_item(s: str) -> str:
    s = collapse(s)
    s = agencies._LEAD_CONJ.sub("", s)
    s = agencies._TRAIL_DOTS.sub("", s)
    s = agencies._TRAIL_CHU_TRI.sub("", s)
    s = s.strip(" .;:,-–")
    s = agencies._TRAIL_VERB.sub("", s)
    if agencies._CAC_LOWER.match(s) or (s.startswith("Các ") and agencies._COLLECTIVE_START.match(s)):
        s = "c" + s[1:]
    return s


_ITEM_ENDS = ["", ".", "..", " ...", "…", "\n…", " …\n", " chủ trì", " chủ  trì.", " chủ trì ;", "\nchủ trì,",
              " thực hiện", " triển\nkhai", " thực hiện\n…", "\n", " -", ":", " trì"]
_ITEM_STARTS = ["", "và ", "cùng  ", "với\n", "hoặc ", "Các sở", "Các Sở", "và", "vàng ", " "]


def test_clean_item_is_its_plain_form() -> None:
    big = _real_text()
    rnd = random.Random(11)
    changed = 0
    for _ in range(20000):
        i = rnd.randrange(len(big))
        s = rnd.choice(_ITEM_STARTS) + big[i:i + rnd.randrange(0, 80)]
        s += "".join(rnd.choice(_ITEM_ENDS) for _ in range(rnd.randrange(3)))
        plain = _plain_clean_item(s)
        assert agencies.clean_item(s) == plain, s
        changed += plain != collapse(s).strip(" .;:,-–")
    assert changed > 5000


# --- tasks._labelled: further labels on a line only where a ":" follows a ";" or "." ---------------

def test_no_later_label_without_a_colon_after_a_separator() -> None:
    big = _real_text()
    labels = ["Cơ quan phối hợp:", "; cơ quan phối hợp: Sở Y tế", ". Thời gian thực hiện: Năm 2025", "; Sản phẩm :",
              ";phối hợp:", ". Thời hạn:", "Tiến độ:", ":", ";", ".", "; kết quả đầu ra:"]
    rnd = random.Random(12)
    lines = [ln for ln in big.splitlines() if ":" in ln]
    found = skipped = 0
    for _ in range(20000):
        t = rnd.choice(lines)
        for _ in range(rnd.randrange(3)):
            k = rnd.randrange(len(t) + 1)
            t = t[:k] + rnd.choice(labels) + t[k:]
        hit = any(later.search(t) for _role, _label, later in tasks._LATER_LABELS)
        if not tasks._may_have_later_label(t):
            assert not hit, t
            skipped += 1
        found += hit
    assert found > 2000 and skipped > 2000


# --- pipeline.build_plan: the sections validated with the plan, from plain data --------------------

def _plain_section(node: Node) -> Section:
    text = "\n".join(b.text for b in node.own_blocks())
    return Section(id=node.id, level=node.level, number=node.number, heading=node.heading, text=text,
                   children=[_plain_section(c) for c in node.children], provenance=node.head.provenance())


def test_sections_from_plain_data_are_the_models_built_one_by_one() -> None:
    doc = read(SAMPLES / "kh-30-bacgiang.txt", None)
    plan = build_plan(doc)
    plain = [_plain_section(n) for n in build_skeleton(doc).roots]
    assert len(plain) >= 3 and plan.sections == plain
    assert all(isinstance(s, Section) for s in plan.sections)
    assert plan.model_dump_json() == plan.model_copy(update={"sections": plain}).model_dump_json()


def test_a_bad_section_is_still_refused() -> None:
    doc = read(SAMPLES / "kh-30-bacgiang.txt", None)
    data = dict(build_plan(doc))
    data["sections"] = [pipeline._section(n) for n in build_skeleton(doc).roots]
    data["sections"][0]["children"][0]["level"] = 0
    with pytest.raises(ValidationError, match="level"):
        Plan.model_validate(data)
