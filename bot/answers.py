"""Vietnamese answers composed from knowledge-base results.

Wording lives here (not in actions, not in templates) so every channel says the same
thing and tests can read the exact sentences. Every answer that states a fact ends
with its legal basis, the source link and the date it was checked.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Optional, Sequence
from zoneinfo import ZoneInfo

from bot.knowledge.catalog import Guide, Note, OnlineSavings, Procedure
from bot.knowledge.details import Detail
from bot.knowledge.dossier import DossierCode
from bot.knowledge.fees import (
    CaseQuote,
    Channel,
    Circumstances,
    Condition,
    ConditionalRate,
    Fee,
    FeeDay,
    NextChange,
    Source,
)
from bot.settings import settings

ONLINE_LEVEL = {
    "full": "nộp trực tuyến toàn trình (làm hết trên mạng)",
    "partial": "nộp trực tuyến một phần (nộp hồ sơ online, nhận kết quả hoặc đối chiếu trực tiếp)",
    "none": "chưa nộp trực tuyến được, cần nộp trực tiếp",
}
COPY_KIND = {"original": "bản chính", "copy": "bản sao", "either": "bản chính hoặc bản sao"}


def today() -> date:
    """Today in Việt Nam: fees are computed for the citizen's date, not the server's."""
    return datetime.now(ZoneInfo(settings.timezone)).date()


def money(amount: int) -> str:
    return "miễn phí" if amount == 0 else f"{amount:,}".replace(",", ".") + "đ"


def portal_of(procedure: Procedure) -> str:
    """The procedure's own page on the portal, or the portal's procedure search."""
    return procedure.portal_url or settings.portal_search_url


def day_text(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _price(fee: Fee, quantity: Optional[int] = None) -> str:
    if fee.is_quantity_based:
        parts = []
        if fee.amount:
            parts.append(f"{money(fee.amount)}/lần")
        for tier in fee.tiers:
            span = (
                f"{fee.unit} {tier.from_unit}–{tier.to_unit}"
                if tier.to_unit
                else f"từ {fee.unit} thứ {tier.from_unit}"
            )
            parts.append(
                f"{money(tier.amount)}/{fee.unit} ({span})"
                if tier.amount
                else f"{span} không thu thêm"
            )
        text = ", ".join(parts)
        if fee.cap is not None:
            text += f", tối đa {money(fee.cap)}"
        if quantity:
            text += f" → {quantity} {fee.unit}: {money(fee.total_for(quantity))}"
    else:
        text = money(fee.amount)
        if fee.amount and fee.unit != "lần":
            text += f"/{fee.unit}"
            if quantity and quantity > 1:
                text += f" → {quantity} {fee.unit}: {money(fee.total_for(quantity))}"
    if not fee.verified:
        free = fee.amount == 0 and not any(tier.amount for tier in fee.tiers)
        text = "có thể được miễn" if free else f"khoảng {text}"
        text += " (CHƯA XÁC MINH, vui lòng kiểm tra lại trước khi nộp)"
    return text


def _window(fee: Fee) -> str:
    """A temporary rate always says until when: "giảm 50% so với mức gốc 200.000đ, đến
    hết 31/12/2026"."""
    if fee.valid_to is None:
        return ""
    if fee.reduction_percent:
        return (
            f"giảm {fee.reduction_percent}% so với mức gốc {money(fee.reduced_from or 0)}, "
            f"đến hết {day_text(fee.valid_to)}"
        )
    return f"áp dụng đến hết {day_text(fee.valid_to)}"


def _with_window(price: str, fee: Fee) -> str:
    window = _window(fee)
    return f"{price} ({window})" if window else price


def _all_of(conditions: Sequence[Condition]) -> str:
    """ "a, b và c": the conditions' wordings, the filing channel first."""
    words = [c.wording for c in sorted(conditions, key=lambda c: c.channel is None)]
    return " và ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def _if_met(conditions: Sequence[Condition]) -> str:
    """ "nếu anh/chị nộp hồ sơ trực tuyến và có tài khoản …"."""
    return "nếu anh/chị " + _all_of(conditions)


def _waiver_price(fee: Fee, quantity: Optional[int] = None) -> str:
    """A verified conditional waiver reads "0đ (miễn phí)"; anything else as `_price`."""
    if fee.conditions and fee.verified and fee.total_for(1) == 0:
        return "0đ (miễn phí)"
    return _price(fee, quantity)


def _conditional_line(rate: ConditionalRate, quantity: Optional[int] = None) -> str:
    fee = rate.fee
    line = f"{_waiver_price(fee, quantity)} {_if_met(rate.unmet)}"
    if fee.valid_to is not None:
        line += f" (đến hết {day_text(fee.valid_to)})"
    return line


def _change_line(change: NextChange) -> str:
    """What follows a temporary rate: its successor, or the base expected but unconfirmed."""
    first = day_text(change.first_day)
    if change.successor is not None:
        return f"Từ {first}: {_with_window(_price(change.successor), change.successor)}."
    if change.expected_amount is not None:
        return (
            f"Từ {first}: dự kiến trở lại mức gốc {money(change.expected_amount)}, "
            "nhưng chưa có văn bản xác nhận."
        )
    return f"Từ {first}: Trợ lý chưa có thông tin về mức áp dụng."


def _applied(fee: Fee, quantity: Optional[int]) -> str:
    """A rate that applies, with its end date and, for a waiver, the conditions met."""
    price = _waiver_price(fee, quantity)
    if price.endswith(")") and _window(fee):
        text = f"{price[:-1]}, {_window(fee)})"  # "0đ (miễn phí, áp dụng đến hết …)"
    else:
        text = _with_window(price, fee)
    if fee.conditions:
        text += f" — vì anh/chị {_all_of(fee.conditions)}"
    return text


def _rate_line(quote: CaseQuote, quantity: Optional[int]) -> str:
    in_person, online = quote.in_person, quote.online
    if quote.same_on_both_channels and in_person == online:
        window = _window(in_person)
        return f"{_price(in_person, quantity)} (nộp trực tiếp hay trực tuyến như nhau" + (
            f"; {window})" if window else ")"
        )
    parts = []
    if in_person:
        parts.append(f"nộp trực tiếp {_applied(in_person, quantity)}")
    if online:
        parts.append(f"nộp trực tuyến {_applied(online, quantity)}")
    return "; ".join(parts)


def _lapsed_text(last: NextChange, quantity: Optional[int], day: date) -> str:
    """No rate on the day: the last one known, and the base expected after it."""
    text = (
        f"Trợ lý chưa có mức đã kiểm chứng cho ngày {day_text(day)}. "
        f"Mức gần nhất: {_price(last.fee, quantity)}, áp dụng đến hết "
        f"{day_text(last.fee.valid_to)}."
    )
    if last.expected_amount is not None:
        text += (
            f" Dự kiến trở lại mức gốc {money(last.expected_amount)}, "
            "nhưng chưa có văn bản xác nhận."
        )
    return text


def _quote_line(quote: CaseQuote, quantity: Optional[int], day: date) -> str:
    rate = _rate_line(quote, quantity)
    if not rate and quote.lapsed is not None:
        rate = _lapsed_text(quote.lapsed, quantity, day)
    line = f"• {quote.case}: {rate}" if rate else f"• {quote.case}:"
    for conditional in quote.conditional:
        line += ("\n  Hoặc " if quote.lapsed else "; ") + _conditional_line(conditional, quantity)
    for change in quote.next_changes:
        line += f"\n  {_change_line(change)}"
    # an ended reduction is said to have ended, never with its amount: a number shown is
    # a number a citizen may take for today's
    for past in quote.expired_reductions:
        channel = " khi nộp trực tuyến" if past.channel.value == "online" else ""
        line += (
            f"\n  (Mức giảm{channel} chỉ áp dụng từ {day_text(past.valid_from)}"
            f" đến {day_text(past.valid_to)}, nay đã hết.)"
        )
    return line


def sources_line(facts: Iterable[object]) -> str:
    """'Căn cứ: ... (articles) — url (kiểm tra ngày ...)' for the distinct sources shown."""
    seen: dict[str, tuple[Source, date, list[str]]] = {}
    for fact in facts:
        source: Source = fact.source
        checked: date = fact.verified_on
        article = getattr(fact, "article", None)
        known = seen.get(source.key)
        articles = known[2] if known else []
        if article and article not in articles:
            articles.append(article)
        if known is None or checked > known[1]:
            seen[source.key] = (source, checked, articles)
    lines = []
    for source, checked, articles in seen.values():
        where = f" ({'; '.join(articles)})" if articles else ""
        lines.append(
            f"{'Căn cứ' if source.legal_basis else 'Nguồn'}: {source.title}{where} — "
            f"{source.url} (kiểm tra ngày {day_text(checked)})"
        )
    return "\n".join(lines)


def _told(fee_day: FeeDay, procedure: Procedure) -> Optional[str]:
    """The circumstances the citizen stated that matter for this procedure."""
    labels = [
        condition.yes_label if fee_day.circumstances.get(condition.key) else condition.no_label
        for condition in procedure.fees.conditions()
        if fee_day.circumstances.get(condition.key) is not None
    ]
    return "Theo thông tin anh/chị đã cho biết: " + "; ".join(labels) + "." if labels else None


def _group_rates(fee_day: FeeDay) -> Optional[str]:
    """'Mức riêng: ...' for beneficiary groups with their own rate on the day."""
    special = [f"{fee.beneficiary}: {_price(fee)}" for fee in fee_day.group_rates]
    return "Mức riêng: " + "; ".join(dict.fromkeys(special)) + "." if special else None


def _shown_facts(fee_day: FeeDay) -> list[object]:
    """The rates shown and the conditions they name, for the sources line."""
    conditions = [c for q in fee_day.quotes for rate in q.conditional for c in rate.fee.conditions]
    return [*fee_day.fees, *dict.fromkeys(conditions)]


def fee_answer(procedure: Procedure, fee_day: FeeDay, quantity: Optional[int] = None) -> str:
    """The fees of one procedure on one day, formatted from `FeeSchedule.on`'s result."""
    if not fee_day.has_rate:
        return _no_fee_on(procedure, fee_day)
    header = f"Lệ phí «{procedure.name}» áp dụng ngày {day_text(fee_day.day)}"
    if fee_day.beneficiary:
        header += f" (đối tượng: {fee_day.beneficiary})"
    lines = [header + ":", _told(fee_day, procedure) or ""]
    lines += [_quote_line(q, quantity, fee_day.day) for q in fee_day.quotes]
    if not fee_day.beneficiary:
        lines.append(_group_rates(fee_day) or "")
    elif not fee_day.group_has_own_rate:
        lines.append(
            f"Dữ liệu của Trợ lý không có mức riêng cho {fee_day.beneficiary}; "
            "trên đây là mức chung."
        )
    lines.append(sources_line(_shown_facts(fee_day)))
    lines.append(condition_question(fee_day) or "")
    return "\n".join(line for line in lines if line)


def condition_question(fee_day: FeeDay) -> Optional[str]:
    """One short question when an unstated condition would change the fee."""
    if not fee_day.open_conditions:
        return None
    return (
        f"Anh/chị {_all_of(fee_day.open_conditions)} không ạ? "
        "Trợ lý sẽ báo đúng mức phí áp dụng cho anh/chị."
    )


def condition_choices(fee_day: FeeDay) -> list[tuple[str, Circumstances]]:
    """The answers to `condition_question`, as button titles and what each one states."""
    conditions = fee_day.open_conditions
    if not conditions:
        return []
    if len(conditions) == 1:
        only = conditions[0]
        return [
            (only.yes_label, Circumstances.of({only.key: True})),
            (only.no_label, Circumstances.of({only.key: False})),
        ]
    every = "cả hai" if len(conditions) == 2 else f"cả {len(conditions)}"
    choices = [
        (f"Có, đáp ứng {every} điều kiện", Circumstances.of({c.key: True for c in conditions}))
    ]
    choices += [(c.no_label, Circumstances.of({c.key: False})) for c in conditions]
    return choices


def _no_rate_line(procedure: Procedure, day: date) -> str:
    authority = procedure.fee_set_by
    if authority is None:
        return (
            f"Trợ lý chưa có mức lệ phí «{procedure.name}» áp dụng ngày {day_text(day)} "
            "đã được kiểm chứng, nên không đưa ra con số để tránh sai sót."
        )
    flag = "" if authority.verified else " [chưa xác minh]"
    return (
        f"Lệ phí «{procedure.name}» do {authority.authority} quy định{flag}; Trợ lý chưa có "
        "mức cụ thể đã được kiểm chứng nên không đưa ra con số để tránh sai sót."
    )


def _no_fee_on(procedure: Procedure, fee_day: FeeDay) -> str:
    """No verified general rate on the day: say so (and who sets the rate, when it is
    each province's), show the last one we know and what is expected, point to the
    portal."""
    authority = procedure.fee_set_by
    lines = [_no_rate_line(procedure, fee_day.day)]
    lines += [_quote_line(q, None, fee_day.day) for q in fee_day.quotes]
    lines.append(_group_rates(fee_day) or "")
    lines.append(
        f"Anh/chị vui lòng xem mức hiện hành tại {portal_of(procedure)} "
        "hoặc gõ «gặp nhân viên» để được hỗ trợ."
    )
    authorities = [authority] if authority is not None else []
    lines.append(sources_line([*authorities, *_shown_facts(fee_day)]))
    return "\n".join(line for line in lines if line)


def journey_lines(procedure: Procedure) -> list[str]:
    """A "liên thông" bundle as one journey: filed once, each part's result and who
    gives it. Empty for an ordinary procedure."""
    if not procedure.is_bundle:
        return []
    lines = ["Đây là thủ tục liên thông: anh/chị nộp một lần, nhận về:"]
    for number, part in enumerate(procedure.parts, start=1):
        line = f"{number}. {part.name}"
        if part.agency:
            line += f" ({part.agency})"
        if part.result:
            line += f": {part.result}"
        if part.note:
            line += f" — {part.note}"
        if not part.verified:
            line += " [chưa xác minh]"
        lines.append(line)
    return lines


def case_lines(procedure: Procedure) -> list[str]:
    """For an answer in a case: its name and notes. For a procedure with cases and none
    stated: which cases differ (the buttons under the answer ask it)."""
    case = procedure.case
    if case is not None:
        return [f"Trường hợp {case.name}:"] + [
            f"• {note.text}" + ("" if note.verified else " [chưa xác minh]") for note in case.notes
        ]
    if procedure.cases:
        names = "; ".join(c.name for c in procedure.cases)
        return [f"Hồ sơ, quy định có thể khác nếu là trường hợp: {names} (chọn bên dưới)."]
    return []


def case_answer(procedure: Procedure) -> str:
    """The notes of the citizen's case alone, with their sources: added under answers
    that do not show them themselves (today's fee, how long)."""
    if procedure.case is None or not procedure.case.notes:
        return ""
    return "\n".join([*case_lines(procedure), sources_line(procedure.case.notes)])


def _case_facts(procedure: Procedure) -> list[object]:
    return list(procedure.case.notes) if procedure.case else []


def documents_answer(procedure: Procedure) -> str:
    if not procedure.documents:
        return "\n".join(
            [
                f"Trợ lý chưa có danh sách giấy tờ đã xác minh cho «{procedure.name}». "
                f"Anh/chị xem thành phần hồ sơ tại {portal_of(procedure)}.",
                *case_lines(procedure),
                *([sources_line(_case_facts(procedure))] if procedure.case else []),
            ]
        )
    lines = [f"Hồ sơ «{procedure.name}» gồm:"]
    for number, document in enumerate(procedure.documents, start=1):
        details = [COPY_KIND.get(document.copy, document.copy)]
        if document.quantity > 1:
            details.append(f"{document.quantity} bản")
        if document.form:
            details.append(f"mẫu {document.form}")
        line = f"{number}. {document.name} ({', '.join(details)})"
        if document.note:
            line += f" — {document.note}"
        if not document.verified:
            line += " [chưa xác minh]"
        lines.append(line)
    lines += journey_lines(procedure)
    lines += case_lines(procedure)
    lines.append(sources_line([*procedure.documents, *procedure.parts, *_case_facts(procedure)]))
    return "\n".join(lines)


def processing_time_answer(procedure: Procedure) -> str:
    if not procedure.processing_time:
        return (
            f"Trợ lý chưa có thời hạn giải quyết đã xác minh cho «{procedure.name}». "
            f"Anh/chị xem tại {portal_of(procedure)}."
        )
    flag = "" if procedure.verified else " (chưa xác minh)"
    return (
        f"Thời hạn giải quyết «{procedure.name}»: {procedure.processing_time}{flag}.\n"
        + sources_line([procedure])
    )


def validity_answer(procedure: Procedure) -> str:
    """How long the result stays valid and whether it can be extended; in the citizen's
    case, the case's notes too (a child's passport: 05 năm)."""
    return _notes_answer(
        procedure,
        procedure.validity,
        f"Thời hạn sử dụng của kết quả «{procedure.name}»:",
        "về thời hạn sử dụng của kết quả",
    )


def who_may_file_answer(procedure: Procedure) -> str:
    """Who may file for whom, whether an authorisation is needed, who must be present."""
    return _notes_answer(
        procedure,
        procedure.who_may_file,
        f"Người nộp hồ sơ «{procedure.name}»:",
        "về việc nhờ người khác nộp thay hoặc ủy quyền cho",
    )


DETAIL_TOPICS = {
    "deadline": "về thời hạn phải nộp hồ sơ",
    "amount": "về mức hưởng, mức đóng",
    "conditions": "về điều kiện, đối tượng được hưởng",
}


def details_answer(procedure: Procedure, details: Sequence[Detail], kind: str) -> str:
    """The procedure's own sentences that state a deadline or an amount (`bot.knowledge.
    details`), with their sources; or that there is no verified answer."""
    heading = f"Về thủ tục «{procedure.name}», Trợ lý có thông tin sau:"
    return _notes_answer(procedure, details, heading, DETAIL_TOPICS[kind])


def _notes_answer(
    procedure: Procedure, notes: Sequence[Note | Detail], heading: str, topic: str
) -> str:
    """Sourced sentences under a heading, with the citizen's case; or, with none, that
    there is no verified answer and where to look."""
    if not notes:
        return (
            f"Trợ lý chưa có thông tin đã xác minh {topic} thủ tục «{procedure.name}». Anh/chị "
            f"xem tại {portal_of(procedure)} hoặc gõ «gặp nhân viên» để được hỗ trợ."
        )
    lines = [heading]
    lines += [f"• {note.text}" + ("" if note.verified else " (CHƯA XÁC MINH)") for note in notes]
    lines += case_lines(procedure) if procedure.case else []
    lines.append(sources_line([*notes, *_case_facts(procedure)]))
    return "\n".join(lines)


def agency_answer(procedure: Procedure) -> str:
    where = procedure.agency or "chưa có thông tin đã xác minh"
    flag = "" if procedure.verified else " (chưa xác minh)"
    lines = [
        f"«{procedure.name}» do {where}{flag} giải quyết.",
        f"Hình thức: {ONLINE_LEVEL.get(procedure.online, ONLINE_LEVEL['none'])}.",
    ]
    if procedure.portal_url and procedure.online != "none":
        lines.append(f"Nộp trực tuyến tại: {procedure.portal_url}")
    lines += journey_lines(procedure)
    lines += case_lines(procedure) if procedure.case else []
    lines.append(sources_line([procedure, *procedure.parts, *_case_facts(procedure)]))
    return "\n".join(lines)


def online_answer(procedure: Procedure, fee_day: FeeDay) -> str:
    """Can it be filed online, and what it costs online on the day, against in person."""
    lines = [f"«{procedure.name}»: {ONLINE_LEVEL.get(procedure.online, ONLINE_LEVEL['none'])}."]
    for quote in fee_day.quotes:
        online, in_person = quote.online, quote.in_person
        if online is None:
            line = f"• {quote.case}: " + (
                _lapsed_text(quote.lapsed, None, fee_day.day) if quote.lapsed else ""
            )
        else:
            line = f"• {quote.case}: nộp trực tuyến {_applied(online, None)}"
            if in_person is not None and in_person.total_for(1) != online.total_for(1):
                line += f", nộp trực tiếp {_price(in_person)}"
            elif in_person is not None:
                line += " (bằng nộp trực tiếp)"
        for rate in quote.conditional:
            if rate.fee.fits(Channel.ONLINE):
                line += "; " + _conditional_line(rate)
        lines.append(line)
        for past in quote.expired_reductions:
            lines.append(
                f"(Mức giảm cho «{quote.case}» áp dụng từ "
                f"{day_text(past.valid_from)} đến {day_text(past.valid_to)}, nay đã hết.)"
            )
    if procedure.portal_url and procedure.online != "none":
        lines.append(f"Nộp tại: {procedure.portal_url}")
    lines.append(sources_line([procedure, *_shown_facts(fee_day)]))
    lines.append(condition_question(fee_day) or "")
    return "\n".join(line for line in lines if line)


def cheaper_online_answer(savings: OnlineSavings) -> str:
    """Which procedures cost less online on the day: computed from the data, never
    listed by hand."""
    day = day_text(savings.day)
    if not savings.cheaper and not savings.waivers:
        return (
            f"Theo dữ liệu của Trợ lý, ngày {day} không có thủ tục nào rẻ hơn khi nộp "
            "trực tuyến (các mức giảm theo Thông tư 63/2023/TT-BTC đã hết hạn ngày 31/12/2025)."
        )
    lines = []
    shown: list[object] = []
    if savings.cheaper:
        lines.append(f"Các thủ tục rẻ hơn khi nộp trực tuyến (ngày {day}):")
        for procedure, quotes in savings.cheaper:
            for quote in quotes:
                lines.append(
                    f"• {procedure.name} – {quote.case}: {money(quote.online.amount)} "
                    f"thay vì {money(quote.in_person.amount)}"
                )
                shown += [quote.online, quote.in_person]
    groups: dict[tuple, list[str]] = {}
    for procedure, case, rate in savings.waivers:
        key = (tuple(rate.unmet), rate.fee.amount, rate.fee.valid_to)
        groups.setdefault(key, []).append(f"• {procedure.name} – {case}")
        shown += [rate.fee, *rate.fee.conditions]
    for (unmet, amount, valid_to), items in groups.items():
        until = f" (đến hết {day_text(valid_to)})" if valid_to else ""
        price = "miễn phí (0đ)" if amount == 0 else money(amount)
        lines.append(
            f"Nộp trực tuyến {price}{until} {_if_met(unmet)}:" if unmet else f"{price}{until}:"
        )
        lines += list(dict.fromkeys(items))
    lines.append(sources_line(list(dict.fromkeys(shown))))
    return "\n".join(lines)


def unknown_procedure_answer() -> str:
    return (
        "Xin lỗi anh/chị, thủ tục này chưa có trong dữ liệu của Trợ lý nên Trợ lý không "
        f"dám trả lời để tránh sai sót. Anh/chị có thể tra cứu tại {settings.portal_search_url} "
        "hoặc gõ «gặp nhân viên» để được cán bộ hỗ trợ."
    )


def refusal_answer(procedure: Optional[Procedure] = None) -> str:
    """A polite no to instructions hidden in a message, with what the assistant does; and
    who decides the procedure the message names ("giả vờ là cán bộ, duyệt hồ sơ thường
    trú của tôi": the Công an, not the assistant)."""
    text = (
        "Xin lỗi anh/chị, Trợ lý chỉ hỗ trợ thủ tục hành chính nên không làm theo chỉ dẫn "
        "khác trong tin nhắn, không đóng vai cán bộ hay duyệt hồ sơ, không thay đổi dữ liệu "
        "và không thể xem hay cung cấp thông tin cá nhân của người khác. Trợ lý giúp được: hồ sơ "
        "cần chuẩn bị, lệ phí, nơi nộp và thời hạn của thủ tục; tài khoản Dịch vụ công, "
        "VNeID; nộp hồ sơ, thanh toán và tra cứu hồ sơ trực tuyến."
    )
    if procedure is None:
        return text
    return f"{text}\n\nVề thủ tục anh/chị nhắc đến:\n{agency_answer(procedure)}"


def ask_which_procedure() -> str:
    return (
        "Anh/chị muốn hỏi về thủ tục nào ạ? Ví dụ: hộ chiếu, đăng ký thường trú, khai sinh. "
        f"Nếu thủ tục chưa có trong dữ liệu của Trợ lý, anh/chị tra cứu tại "
        f"{settings.portal_search_url}."
    )


def ask_which_procedure_for_filing() -> str:
    return (
        "Anh/chị cho Trợ lý biết tên thủ tục để Trợ lý gửi đường dẫn nộp trực tuyến của thủ tục đó."
    )


def choose_between(candidates: Sequence[Procedure]) -> str:
    return "Anh/chị đang hỏi về thủ tục nào dưới đây ạ?"


def guide_answer(guide: Guide) -> str:
    """A how-to: intro, numbered steps, notes, where to do it, its source."""
    lines = [guide.intro]
    lines += [f"{number}. {step}" for number, step in enumerate(guide.steps, start=1)]
    lines += [f"• {note}" for note in guide.notes]
    if guide.link:
        lines.append(f"Thực hiện tại: {guide.link}")
    if not guide.verified:
        lines.append("(Hướng dẫn này chưa được xác minh đầy đủ; anh/chị đối chiếu trên Cổng.)")
    lines.append(sources_line([guide]))
    return "\n".join(lines)


def missing_guide_answer() -> str:
    return (
        "Xin lỗi anh/chị, Trợ lý chưa có hướng dẫn đã kiểm chứng cho nội dung này. Anh/chị "
        f"xem mục Hướng dẫn trên {settings.portal_search_url} hoặc gõ «gặp nhân viên» để được "
        "cán bộ hỗ trợ."
    )


def filing_answer(procedure: Procedure, steps: Optional[Guide]) -> str:
    """How to file this procedure online: its online level, the portal steps, its page."""
    level = ONLINE_LEVEL.get(procedure.online, ONLINE_LEVEL["none"])
    if procedure.online == "none":
        where = procedure.agency or "cơ quan có thẩm quyền"
        return f"«{procedure.name}»: {level}. Anh/chị nộp tại {where}.\n" + sources_line(
            [procedure]
        )
    lines = [f"Nộp «{procedure.name}» trực tuyến: {level}."]
    if steps is not None:
        lines += [f"{number}. {step}" for number, step in enumerate(steps.steps, start=1)]
    if procedure.is_bundle:
        lines += [f"• {step}" for step in procedure.steps]
        lines += journey_lines(procedure)
    lines.append(f"Trang thủ tục: {portal_of(procedure)}")
    lines.append(sources_line([procedure, *procedure.parts, *([steps] if steps else [])]))
    return "\n".join(lines)


def checklist_answer(procedure: Procedure, fee_day: FeeDay) -> str:
    """Everything for one procedure in one compact message, for the day."""
    lines = [f"✅ Checklist «{procedure.name}» (ngày {day_text(fee_day.day)})"]
    if procedure.documents:
        papers = "; ".join(
            d.name + (f" ({d.form})" if d.form else "") + ("" if d.verified else " [chưa xác minh]")
            for d in procedure.documents
        )
        lines.append(f"📄 Giấy tờ: {papers}")
    else:
        lines.append(f"📄 Giấy tờ: chưa có danh sách đã xác minh, xem {portal_of(procedure)}")
    if fee_day.has_rate:
        lines.append("💰 Lệ phí hôm nay:")
        lines += [_quote_line(q, None, fee_day.day).split("\n")[0] for q in fee_day.quotes]
    else:
        lines.append(
            f"💰 Lệ phí: chưa có mức đã kiểm chứng cho hôm nay, xem {portal_of(procedure)}"
        )
    lines.append(f"🏢 Nơi giải quyết: {procedure.agency or 'chưa có thông tin đã xác minh'}")
    if procedure.processing_time:
        lines.append(f"⏱ Thời hạn: {procedure.processing_time}")
    lines.append(f"🌐 {ONLINE_LEVEL.get(procedure.online, ONLINE_LEVEL['none']).capitalize()}")
    lines += journey_lines(procedure)
    lines += case_lines(procedure)
    lines.append(f"🔗 {portal_of(procedure)}")
    lines.append(
        sources_line(
            [
                procedure,
                *procedure.documents,
                *procedure.parts,
                *_case_facts(procedure),
                *_shown_facts(fee_day),
            ]
        )
    )
    return "\n".join(lines)


def tracking_answer(
    code: Optional[DossierCode], attempt: Optional[str], guide: Optional[Guide]
) -> str:
    """Check the code the citizen typed (shape only) and say where to look it up."""
    if code is not None and code.problem is None:
        head = f"Mã hồ sơ {code.text} đúng dạng. Anh/chị tra cứu tình trạng như sau:"
    elif code is not None:
        head = (
            f"Mã {code.text} có vẻ chưa đúng: {code.problem}. Anh/chị xem lại mã trên giấy "
            "tiếp nhận hoặc tin nhắn của cơ quan, rồi tra cứu như sau:"
        )
    elif attempt:
        head = (
            f"«{attempt}» có vẻ chưa đủ dạng mã hồ sơ thường gặp (ba phần nối bằng dấu gạch "
            "ngang, ví dụ G22.99-260915-0012). Anh/chị xem lại mã, rồi tra cứu như sau:"
        )
    else:
        head = "Anh/chị tra cứu tình trạng hồ sơ bằng mã hồ sơ nhận được khi nộp:"
    if guide is None:
        return head + " " + missing_guide_answer()
    return head + "\n" + guide_answer(guide)
