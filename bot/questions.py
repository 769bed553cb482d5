"""What a message asks about a procedure, read from its words.

The intent classifier gives one question per message, but citizens ask two at once
("làm hộ chiếu cần gì và hết bao nhiêu tiền", "tách hộ nộp ở đâu, lệ phí bao nhiêu"),
name a procedure and a question in one breath ("làm hộ chiếu cho cháu ở đâu"), or
correct themselves mid-message ("lệ phí thường trú... à nhầm, tạm trú"). These cues
let the answer cover every question asked, about the procedure meant last.
"""

from __future__ import annotations

import re

from bot.text import normalize

# The words that ask each question, normalised (bot.text.normalize), whole words.
# Keys are the question keys of the procedure answers (actions/procedures.py).
QUESTION_CUES: dict[str, tuple[str, ...]] = {
    "documents": (
        "giay to", "can gi", "can nhung gi", "can nhung giay", "can mang", "mang theo",
        "mang gi", "chuan bi gi", "chuan bi nhung gi", "thanh phan ho so", "ho so gom",
        "ho so can", "can co gi", "can co nhung gi", "phai co gi", "thu tuc gom",
        "to khai nao", "mau nao", "mau to khai nao", "dung mau gi", "to khai gi",
    ),
    "fee": (
        "le phi", "phi", "bao nhieu tien", "het bao nhieu", "mat bao nhieu", "ton bao nhieu",
        "mat tien", "het tien", "ton tien", "gia bao nhieu",
        # a reduction or waiver is a question about the fee ("có được giảm không")
        "giam khong", "mien khong", "mien phi khong", "duoc giam", "duoc mien", "phi khong",
        "mat tien khong", "het tien khong",
    ),
    "processing_time": (
        "bao lau", "may ngay", "bao nhieu ngay", "mat may", "bao gio co", "bao gio xong",
        "khi nao co", "khi nao xong", "thoi han giai quyet", "thoi gian giai quyet",
        "co ket qua", "tra ket qua", "lau khong", "thoi gian the nao", "thoi gian bao lau",
        "bao nhieu thoi gian", "thoi gian xu ly",
    ),
    "agency": (
        "o dau", "cho nao", "noi nao", "co quan nao", "nop dau", "lam dau", "den dau",
        "di dau", "tai dau", "o cho nao", "nop cho ai", "ho so cho ai", "gui cho ai",
    ),
    # "hướng dẫn tôi xin giấy xác nhận...": the whole procedure, in one checklist
    "checklist": (
        "huong dan toi xin", "huong dan xin", "huong dan toi lam", "huong dan lam",
        "huong dan em lam", "huong dan minh lam", "chi toi cach", "lam the nao de xin",
        "thu tuc nhu the nao", "thu tuc ra sao", "quy trinh", "thu tuc the nao",
        "thu tuc nhu nao", "thu tuc sao",
    ),
    "online": (
        "online duoc khong", "online co duoc", "online khong", "co online", "lam online duoc",
        "nop online duoc", "qua mang duoc", "tren mang duoc", "tren vneid duoc khong",
        "qua vneid duoc khong", "tren app duoc khong", "tren dien thoai duoc khong",
    ),
}  # fmt: skip

# questions asked with a few words between ("cần nhữg gì", "hết tất cả bao nhiêu")
QUESTION_PATTERNS: dict[str, re.Pattern[str]] = {
    "documents": re.compile(
        r"\b(can|phai|mang|chuan bi)( \w+){0,3} gi\b"
        # "có cần giấy ủy quyền của bố mẹ cháu không", "ai ký tờ khai"
        r"|\bco can (mang|nop|giay|ban|to|kem|xuat trinh|photo|anh)( \w+){0,7} khong\b"
        # "tôi ly hôn rồi thì thêm gì": what else to bring, in the citizen's case (not
        # "hỏi thêm gì")
        r"|\b(?<!hoi )them (gi|giay gi|nhung gi)\b"
        # "có phải làm giấy ủy quyền không" (not "có phải đăng ký tạm trú không")
        r"|\bco phai (lam |xin |nop |mang |co )?(giay|ban sao|to khai)( \w+){0,5} khong\b"
        r"|\bai( phai| se)? (ky|khai|dung ten|lam to khai)\b"
    ),
    "fee": re.compile(
        r"\b(het|mat|ton|tra|nop)( \w+){0,2} bao nhieu( tien)?$|\bbao nhieu tien\b"
        # "giá có khác không", "giá còn vậy không" (not "gia đình")
        r"|\bgia (co|con|van|se) (khac|thay doi|vay|nhu vay|nhu cu|tang|giam)\b"
        # "có được giảm cho học sinh không"
        r"|\bduoc (giam|mien)( \w+){0,4} khong\b"
        # "tiền làm hộ chiếu là bao nhiêu", "giấy tờ gì, tiền bao nhiêu" (not "nhận được tiền")
        r"|\btien( \w+){0,4} bao nhieu\b"
    ),
    # "phải về đâu làm ạ" at the end (not "về đầu tháng sau")
    "agency": re.compile(r"\bve dau( \w+){0,2}$"),
    # how long the result stays valid: "hộ chiếu của bé dùng được bao lâu", "thẻ bhyt
    # xài đến khi nào thì hết", "mấy năm phải đổi", "hết hạn thì gia hạn được không"
    # (not "thời hạn giải quyết bao lâu", how long it takes, nor "xây dựng", "đứng tên")
    "validity": re.compile(
        r"\b((dung|xai|su dung) (duoc|dc)|co gia tri|co hieu luc|co han|thoi han su dung"
        r"|han su dung)( \w+){0,2} (bao lau|may nam|bao nhieu nam|den khi nao|den bao gio"
        r"|toi khi nao|toi bao gio|den nam nao)\b(?! (thi |moi )?(co|nhan|xong|lay))"
        r"|\b(?<!xay )(?<!tam )(dung|xai|su dung) (den|toi) (khi nao|bao gio|nam nao)\b"
        r"|\b(bao lau|may nam|bao nhieu nam)( \w+){0,2} (het han|phai doi|phai lam lai)\b"
        r"|\bhet han (vao |la )?(khi nao|bao gio|luc nao|ngay nao|nam nao)\b"
        r"|\bhet han( \w+){0,2} gia han\b"
    ),
    # a deadline to file: "hạn nộp là khi nào", "phải nộp trong bao lâu", "giờ làm còn kịp
    # không", "chậm nhất bao lâu phải nộp" (not "chậm nhất bao lâu có kết quả", nor "có kịp
    # 20/12 không": whether the result comes in time)
    "deadline": re.compile(
        r"\b(han (nop|chot|cuoi)( cung)?|thoi han nop|con kip"
        r"|(cham nhat|muon nhat)(?!( \w+){0,3} (co ket qua|xong|nhan duoc|tra ket qua|co))"
        r"|nop( \w+){0,3} trong (vong )?bao lau|trong (vong )?bao lau (phai|thi phai|ke tu)"
        r"|bao lau (phai|thi phai) (nop|lam|dang ky)|han (la|den) (khi nao|bao gio|ngay nao))\b"
    ),
    # a benefit or a contribution, not a fee: "gia đình được bao nhiêu tiền", "mức hưởng",
    # "đóng bhxh bao nhiêu phần trăm" (not "xác nhận", "lãnh sự", "Đồng Nai", nor a fee
    # asked after it: "dùng được bao lâu, làm hết bao nhiêu tiền")
    "amount": re.compile(
        r"\b(?<!giam )(?<!mien )(duoc|huong)(?! (giam|mien))"
        r"( (?!(phi|le|khong|het|mat|ton|tra|nop)\b)\w+){0,4} bao nhieu( tien)?\b"
        r"|\bmuc (huong|tro cap|ho tro|dong)\b|\bbao nhieu phan tram\b"
        r"|\bdong (bhxh|bhyt|bao hiem|tien bao hiem)( \w+){0,4} bao nhieu\b"
    ),
    # who may get it: "trường hợp nào thì được rút 1 lần", "ai được tham gia", "điều kiện
    # là gì", "nghỉ việc rồi rút bhxh 1 lần có được không" (the conditions of a fee waiver
    # are the fee's: "điều kiện gì để được 0đ")
    "conditions": re.compile(
        r"\b(dieu kien(?!( \w+){0,5} (mien|giam|0d|0 dong|phi)\b)|truong hop nao|doi tuong nao"
        r"|nhung ai"
        r"|ai (duoc|thi duoc|moi duoc|co the)(?! (mien|giam)))\b"
        r"|\b(rut|huong|lanh|tham gia)( \w+){0,7} (co )?duoc (khong|ko)\b"
        r"|\bco duoc (rut|huong|lanh|tham gia)( \w+){0,5} (khong|ko)\b"
    ),
    # who may file: "có phải làm giấy ủy quyền không", "bà nội đi đăng ký thay được không",
    # "em nộp hồ sơ 1 mình được không", "ông bà làm khai sinh hộ cháu được không", "có cần
    # cả hai cùng có mặt không" (not "hỗ trợ", "họ tên", "ở một mình")
    "who_may_file": re.compile(
        r"\b(uy quyen|(lam|di|nop|dang ky|ky|xin|khai) (thay|giup|dum|gium"
        r"|ho(?! (chieu|khau|tich|kinh doanh|ngheo|can ngheo|gia dinh|so|tro|ten|me|bo|co)\b))"
        r"|(thay|giup|gium) (chau|con|em|bo|me|ong|ba|vo|chong)|ho (chau|con|ong|ba|vo|chong)"
        r"|nho (nguoi|ai|ban|me|bo|ong|ba)|(di|nop|dang ky|lam|ky)( \w+){0,2} (mot|1) minh"
        r"|(phai|can|cung|ca hai|ca 2) co mat|ca (hai|2) (phai|cung|deu))( \w+){0,6}"
        r" (duoc khong|khong|duoc ko)\b"
    ),
}

# questions with no intent of their own: asked in words, they are answered in place of
# the question the classifier chose when the words do not ask that one
WITHOUT_INTENT = ("validity", "who_may_file", "deadline", "amount", "conditions")

# the intent that asks each question (the procedure answers' buttons send these)
QUESTION_INTENTS: dict[str, str] = {
    "documents": "ask_documents",
    "fee": "ask_fee",
    "processing_time": "ask_processing_time",
    "agency": "ask_agency",
    "online": "ask_online_discount",
    "filing": "ask_how_to_file",
    "checklist": "ask_checklist",
}

# "thế em nộp ở đâu ạ, công ty em chỉ được nghỉ thứ 7": a follow-up about the procedure
# of the conversation, whatever the words after it look like ("thế"/"vậy" then who asks
# or "còn", "thì", "nếu": not "vậy là rõ", "vay thế chấp"; "ấy quên, em đang học lớp 12":
# what the citizen forgot to say about the same question)
# ("thẻ em bị mất" is a card: "thế" + who is not followed by what happened to something)
_FOLLOW_UP_START = re.compile(
    r"^((the|vay) (con|thi|neu)|(the|vay) (e|em|a|anh|c|chi|minh|toi|tui|t)"
    r"(?! (bi|het|mat|hong|gay|da|chua|moi|cu|nay|do|can cuoc|bhyt|atm)\b)"
    r"|(a|ay|o|ah) quen"
    # "còn lệ phí?": "còn" then what is asked ("con" before these is never a child)
    r"|con(?= (le phi|phi|gia|thoi gian|thoi han|giay to|ho so|thu tuc)\b)) "
)


def starts_as_follow_up(text: str) -> bool:
    """Does the message open as a follow-up to the conversation ("thế em…", "vậy còn…")?"""
    return _FOLLOW_UP_START.match(normalize(text)) is not None


# "thế còn phí?", "còn thời gian thì sao": what follows "còn" is the question itself
_ASKS_BY_TOPIC = re.compile(r"^((the|vay) )?con ")


def asks_by_topic(text: str) -> bool:
    """Does the follow-up ask by naming a topic after «còn» («thế còn phí?»), so the
    question cues count without a question word?"""
    return _ASKS_BY_TOPIC.match(normalize(text)) is not None


# "à nhầm", "ý tôi là", "không phải ... mà là": what follows replaces what came before
CORRECTION_MARKERS = ("nham", "y toi la", "y em la", "y minh la", "y la", "khong phai", "ma la")


# words that make a cue a question rather than a topic: "lệ phí bao nhiêu", not "lệ phí
# bot nói đúng"; a request ("hướng dẫn tôi xin...") asks too
ASKING_WORDS = frozenset(["gi", "bao", "may", "dau", "nao", "khong", "sao", "huong", "chi", "ai"])


def _asks(cue: str) -> bool:
    return not ASKING_WORDS.isdisjoint(cue.split())


def _first_position(padded: str, cues: tuple[str, ...]) -> int:
    found = [padded.find(f" {cue} ") for cue in cues]
    return min((at for at in found if at >= 0), default=-1)


_TAKES_DAYS = re.compile(r"bao nhieu (ngay|thang|tuan|gio|buoi|nam)\b")


def _cues(key: str, interrogative_only: bool) -> tuple[str, ...]:
    return tuple(c for c in QUESTION_CUES[key] if _asks(c) or not interrogative_only)


def _cue_after(said: str, key: str, end: int, interrogative_only: bool) -> int:
    """Where a cue of `key` next starts in `said` after position `end`, or -1."""
    later = _first_position(f" {said[end:]} ", _cues(key, interrogative_only))
    return end + later if later >= 0 else -1


def questions_asked(text: str, interrogative_only: bool = False) -> list[str]:
    """The question keys the message asks, in the order it asks them. With
    `interrogative_only`, only cues worded as a question count ("cần giấy tờ gì", not
    "giấy tờ ... kê đủ")."""
    padded = f" {normalize(text)} "
    positions = {
        key: _first_position(padded, _cues(key, interrogative_only)) for key in QUESTION_CUES
    }
    positions.update({key: -1 for key in WITHOUT_INTENT})
    said = padded.strip()  # a cue's position above is where it starts in `said`
    matches = {key: pattern.search(said) for key, pattern in QUESTION_PATTERNS.items()}
    for key, match in matches.items():
        if match and (positions[key] < 0 or match.start() < positions[key]):
            positions[key] = match.start()
    how_many = said.find("bao nhieu", positions["fee"]) if positions["fee"] >= 0 else -1
    took = _TAKES_DAYS.match(said, how_many) if how_many >= 0 else None
    if took:  # "(tiền) mất bao nhiêu ngày" asks how long it takes, not a fee
        positions["fee"] = _cue_after(said, "fee", took.end(), interrogative_only)
    for key in WITHOUT_INTENT:
        own = matches[key]
        for other in ("processing_time", "fee"):
            if own and own.start() <= positions[other] <= own.end():
                # "dùng được bao lâu" asks how long it lasts, not how long it takes; "được
                # bao nhiêu tiền" a benefit, not a fee; the same words after it still ask
                # ("có giá trị bao lâu, xin mất bao lâu")
                positions[other] = _cue_after(said, other, own.end(), interrogative_only)
    return [key for key, at in sorted(positions.items(), key=lambda kv: kv[1]) if at >= 0]


def after_correction(text: str) -> str:
    """The part of a message after its last correction ("... à nhầm, tạm trú ạ" →
    "tạm trú ạ"), or the whole message when it corrects nothing or nothing follows."""
    words = normalize(text).split()
    padded = f" {' '.join(words)} "
    cut = -1
    for marker in CORRECTION_MARKERS:
        for match in re.finditer(rf" {marker} ", padded):
            cut = max(cut, match.end())
    rest = padded[cut:].strip() if cut >= 0 else ""
    return rest if rest else text


# where one clause of a message ends and the next begins
_CLAUSE_END = re.compile(r"[,.;:!?\n]+")


def asking_clause(text: str) -> tuple[int, int]:
    """The character span of the last clause that asks a question in words ("e ở Hà
    Nội, ny e thường trú ở Đà Nẵng, giờ đăng ký kết hôn thì làm ở đâu" → the last
    clause): the procedure named there is the one asked about, the others are context.
    The whole message when no single clause asks."""
    breaks = [m.span() for m in _CLAUSE_END.finditer(text)]
    starts = [0, *(end for _, end in breaks)]
    spans = list(zip(starts, [*(start for start, _ in breaks), len(text)]))
    asking = [(s, e) for s, e in spans if questions_asked(text[s:e], interrogative_only=True)]
    return asking[-1] if asking else (0, len(text))


# how a procedure is named, unlike a paper ("đăng ký tạm trú", "làm hộ chiếu", "xin cấp")
_PROCEDURE_VERBS = ("dang ky", "lam ", "xin ", "cap ", "doi ", "gia han", "khai bao", "thay doi",
                    "chuyen ", "tach ", "xoa ", "nhap ")  # fmt: skip


def asks_if_needed(text: str, mention: str) -> bool:
    """Does the message ask whether the paper it names is needed ("bé có mã định danh
    rồi thì có cần bản sao giấy khai sinh không")? Then the mention is a document of the
    procedure being discussed, not a procedure of its own."""
    named = normalize(mention)
    if not named or named.startswith(_PROCEDURE_VERBS):
        return False  # "có phải đăng ký tạm trú không": a procedure, not a paper
    named = re.escape(named)
    needed = rf"\b(can|phai|mang|nop|kem|dung)( \w+){{0,2}} {named}( \w+){{0,3}} khong\b"
    return re.search(needed, normalize(text)) is not None
