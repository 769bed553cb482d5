"""The one Vietnamese text normaliser, shared by NLU features and knowledge-base search.

Citizens type "lam ho chieu het bn", "Làm hộ chiếu hết bao nhiêu", "LAM HC HET BN TIEN".
All of these must meet the same features and the same search keys, so every comparison
in the project goes through `normalize`: NFC, lower case, no diacritics, no punctuation,
and the abbreviations and teencode people really use expanded to plain words.
"""

from __future__ import annotations

import re
import unicodedata

# Abbreviations and teencode, written in the normalised (diacritic-free) form.
# A key matches a whole word only, so "k" in "20k" or "bn" inside a word is untouched.
ABBREVIATIONS: dict[str, str] = {
    # documents and procedures
    "cccd": "can cuoc cong dan",
    "cmnd": "chung minh nhan dan",
    "cmt": "chung minh nhan dan",
    "cmtnd": "chung minh nhan dan",
    "gks": "giay khai sinh",
    "xn": "xac nhan",
    "gxn": "giay xac nhan",
    "xnthn": "xac nhan tinh trang hon nhan",
    "xntthn": "xac nhan tinh trang hon nhan",
    "tthn": "tinh trang hon nhan",
    "cty": "cong ty",
    "dn": "doanh nghiep",
    "dkdn": "dang ky doanh nghiep",
    "gpkd": "giay phep kinh doanh",
    "gcn": "giay chung nhan",
    "ds": "danh sach",
    "ktx": "ky tuc xa",
    "nc ngoai": "nuoc ngoai",
    "csdl": "co so du lieu",
    "csdlqg": "co so du lieu quoc gia",
    "gplx": "giay phep lai xe",
    "bang lai": "giay phep lai xe",
    "lltp": "ly lich tu phap",
    "dkkd": "dang ky kinh doanh",
    "hkd": "ho kinh doanh",
    "hk": "khong",
    "ks": "khai sinh",
    "dvc": "dich vu cong",
    "tthc": "thu tuc hanh chinh",
    "ubnd": "uy ban nhan dan",
    "dk": "dang ky",
    "dky": "dang ky",
    "dki": "dang ky",
    "dang ki": "dang ky",
    "sv": "sinh vien",
    "vneid": "vneid",
    "tk": "tai khoan",
    # everyday teencode
    "ko": "khong",
    "k": "khong",
    "kg": "khong",
    "kh": "khong",
    "hok": "khong",
    "hong": "khong",
    "khg": "khong",
    "dc": "duoc",
    "onl": "online",
    "onlai": "online",
    "truc tuyen": "online",
    "ntn": "nhu the nao",
    "nhu nao": "nhu the nao",
    "bn": "bao nhieu",
    "bnh": "bao nhieu",
    "j": "gi",
    "ji": "gi",
    "z": "vay",
    "v": "vay",
    "r": "roi",
    "ad": "admin",
    "ng": "nguoi",
    "vs": "voi",
    "trc": "truoc",
    "bh": "bao gio",
    "lm": "lam",
    "cx": "cung",
    "sdt": "so dien thoai",
    "tks": "cam on",
    "thanks": "cam on",
    "thank": "cam on",
}

_PHRASES = sorted(ABBREVIATIONS, key=lambda k: -len(k.split()))
_ABBREVIATION_RE = re.compile(
    r"(?<![\w])(" + "|".join(re.escape(k) for k in _PHRASES) + r")(?![\w])"
)
_NON_WORD_RE = re.compile(r"[^\w]+", re.UNICODE)
_SPACES_RE = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Unicode NFC: Vietnamese keyboards emit both composed and combining marks."""
    return unicodedata.normalize("NFC", text)


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese tone and vowel marks; đ/Đ become d/D. Length is preserved."""
    decomposed = unicodedata.normalize("NFD", text)
    without_marks = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", without_marks).replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """Lower case, no diacritics, punctuation to spaces, single spaces. No expansion."""
    folded = strip_diacritics(nfc(text)).lower().replace("_", " ")
    return _SPACES_RE.sub(" ", _NON_WORD_RE.sub(" ", folded)).strip()


def expand_abbreviations(folded: str) -> str:
    """Expand whole-word abbreviations in text that is already `fold`ed."""
    return _ABBREVIATION_RE.sub(lambda m: ABBREVIATIONS[m.group(1)], folded)


def normalize(text: str) -> str:
    """The comparison form of any Vietnamese text: folded, with abbreviations expanded."""
    return expand_abbreviations(fold(text))


# Words that negate what follows ("không", "chẳng", "chả", "chưa", "hem"; "ko", "k", "hong"
# are already "khong" after normalisation), in the normalised form.
NEGATION_WORDS: frozenset[str] = frozenset({"khong", "chang", "cha", "chua", "hem"})
NEGATION_SCOPE = 3  # syllables after a negation word that it is taken to negate


def negated_words(normalized: str) -> list[str]:
    """The syllables a negation word reaches in a normalised text, in order.

    "khong de hieu chut nao" → ["de", "hieu", "chut"]: what makes "không dễ hiểu" a
    complaint and "dễ hiểu" praise, which a bag of words alone cannot tell apart."""
    reached: list[str] = []
    left = 0
    for word in normalized.split():
        if word in NEGATION_WORDS:
            left = NEGATION_SCOPE
        elif left > 0:
            reached.append(word)
            left -= 1
    return reached


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese mark (used to split evaluation sets)."""
    return strip_diacritics(nfc(text)) != nfc(text)


# Counts of pages or copies for a fee ("5 trang", "ba bản", "2 bo"): the number only, the
# way the `quantity` entity marks it. Matched on the diacritic-free text.
NUMBER_WORDS: dict[str, int] = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
}
_COUNT_RE = re.compile(
    r"(?<!\w)(\d{1,4}|" + "|".join(NUMBER_WORDS) + r")\s*(?:trang|ban|to|bo|phieu)(?!\w)"
)


def count_value(number: str) -> int | None:
    """The value of a count as typed: digits or a number word ("3", "ba", "Năm")."""
    folded = fold(number)
    digits = re.sub(r"\D", "", folded).lstrip("0")
    if digits:  # at most four digits: "5000 chữ số" is not a page count
        return int(digits) if len(digits) <= 4 else None
    return NUMBER_WORDS.get(folded)


def counts_in(text: str) -> list[tuple[int, int, int]]:
    """(value, start, end) of each page or copy count in `text`, offsets into `text`.

    Offsets need composed (NFC) text; a message typed with combining marks yields none,
    and the caller falls back to whatever else it has."""
    if nfc(text) != text:
        return []
    found = []
    for match in _COUNT_RE.finditer(strip_diacritics(text).lower()):
        value = count_value(match.group(1))
        if value is not None:
            found.append((value, match.start(1), match.end(1)))
    return found
