"""Vietnamese answers composed from knowledge-base results.

Wording lives here (not in actions, not in templates) so every channel says the same
thing and tests can read the exact sentences. Every answer that states a fact ends
with its legal basis, the source link and the date it was checked.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Optional, Sequence
from zoneinfo import ZoneInfo

from bot.knowledge.catalog import Catalog, Guide, Procedure
from bot.knowledge.dossier import DossierCode
from bot.knowledge.fees import CaseQuote, Fee, Source
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
        text = "có thể được miễn" if fee.total_for(1) == 0 else f"khoảng {text}"
        text += " (CHƯA XÁC MINH, vui lòng kiểm tra lại trước khi nộp)"
    return text


def _quote_line(quote: CaseQuote, quantity: Optional[int]) -> str:
    in_person, online = quote.in_person, quote.online
    if quote.same_on_both_channels:
        line = (
            f"• {quote.case}: {_price(in_person, quantity)} (nộp trực tiếp hay trực tuyến như nhau)"
        )
    elif in_person and online:
        line = (
            f"• {quote.case}: nộp trực tiếp {_price(in_person, quantity)}; "
            f"nộp trực tuyến {_price(online, quantity)}"
        )
    else:
        fee = in_person or online
        line = f"• {quote.case}: {_price(fee, quantity)}"
    for past in quote.expired_reductions:
        channel = "khi nộp trực tuyến " if past.channel.value == "online" else ""
        line += (
            f"\n  (Mức giảm {channel}{money(past.amount)} chỉ áp dụng "
            f"từ {day_text(past.valid_from)}"
            f" đến {day_text(past.valid_to)}, nay đã hết.)"
        )
    return line


def sources_line(facts: Iterable[object]) -> str:
    """'Căn cứ: ... Nguồn: ...' for the distinct sources of the facts shown."""
    seen: dict[str, tuple[Source, date]] = {}
    for fact in facts:
        source: Source = fact.source
        checked: date = fact.verified_on
        if source.key not in seen or checked > seen[source.key][1]:
            seen[source.key] = (source, checked)
    lines = [
        f"{'Căn cứ' if source.legal_basis else 'Nguồn'}: {source.title} — {source.url} "
        f"(kiểm tra ngày {day_text(checked)})"
        for source, checked in seen.values()
    ]
    return "\n".join(lines)


def _group_rates(procedure: Procedure, day: date) -> Optional[str]:
    """'Mức riêng: ...' for beneficiary groups with their own rate on `day`."""
    special = []
    for group in procedure.fees.beneficiaries():
        for quote in procedure.fees.applicable_on(day, group):
            fee = quote.in_person or quote.online
            if fee and fee.beneficiary:
                special.append(f"{group}: {_price(fee)}")
    return "Mức riêng: " + "; ".join(dict.fromkeys(special)) + "." if special else None


def _shown_fees(quotes: Sequence[CaseQuote]) -> list[Fee]:
    return [f for q in quotes for f in (q.in_person, q.online, *q.expired_reductions) if f]


def fee_answer(
    procedure: Procedure,
    day: date,
    beneficiary: Optional[str] = None,
    quantity: Optional[int] = None,
) -> str:
    quotes = procedure.fees.applicable_on(day, beneficiary)
    if not quotes:
        return _no_fee_today(procedure, day)
    header = f"Lệ phí «{procedure.name}» áp dụng ngày {day_text(day)}"
    if beneficiary:
        header += f" (đối tượng: {beneficiary})"
    lines = [header + ":"]
    lines += [_quote_line(q, quantity) for q in quotes]
    if not beneficiary:
        lines.append(_group_rates(procedure, day) or "")
    elif not any(f.beneficiary for f in _shown_fees(quotes)):
        lines.append(
            f"Dữ liệu của Trợ lý không có mức riêng cho {beneficiary}; trên đây là mức chung."
        )
    lines.append(sources_line(_shown_fees(quotes)))
    return "\n".join(line for line in lines if line)


def _no_fee_today(procedure: Procedure, day: date) -> str:
    """No verified general rate today: say so, show the last one we know, point to the portal."""
    lines = [
        f"Trợ lý chưa có mức lệ phí «{procedure.name}» áp dụng ngày {day_text(day)} "
        "đã được kiểm chứng, nên không đưa ra con số để tránh sai sót."
    ]
    last_day, previous = procedure.fees.last_known_before(day)
    if previous and last_day is not None:
        lines.append(f"Mức gần nhất Trợ lý có (áp dụng đến {day_text(last_day)}):")
        lines += [_quote_line(q, None) for q in previous]
    lines.append(_group_rates(procedure, day) or "")
    lines.append(
        f"Anh/chị vui lòng xem mức hiện hành tại {portal_of(procedure)} "
        "hoặc gõ «gặp nhân viên» để được hỗ trợ."
    )
    lines.append(sources_line(_shown_fees(previous)))
    return "\n".join(line for line in lines if line)


def documents_answer(procedure: Procedure) -> str:
    if not procedure.documents:
        return (
            f"Trợ lý chưa có danh sách giấy tờ đã xác minh cho «{procedure.name}». "
            f"Anh/chị xem thành phần hồ sơ tại {portal_of(procedure)}."
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
    lines.append(sources_line(procedure.documents))
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


def agency_answer(procedure: Procedure) -> str:
    where = procedure.agency or "chưa có thông tin đã xác minh"
    flag = "" if procedure.verified else " (chưa xác minh)"
    lines = [
        f"«{procedure.name}» do {where}{flag} giải quyết.",
        f"Hình thức: {ONLINE_LEVEL.get(procedure.online, ONLINE_LEVEL['none'])}.",
    ]
    if procedure.portal_url and procedure.online != "none":
        lines.append(f"Nộp trực tuyến tại: {procedure.portal_url}")
    lines.append(sources_line([procedure]))
    return "\n".join(lines)


def online_answer(procedure: Procedure, day: date) -> str:
    """Can it be filed online, and is it cheaper online today?"""
    lines = [f"«{procedure.name}»: {ONLINE_LEVEL.get(procedure.online, ONLINE_LEVEL['none'])}."]
    cheaper = procedure.fees.cheaper_online_on(day)
    quotes = procedure.fees.applicable_on(day)
    if cheaper:
        for quote in cheaper:
            lines.append(
                f"• {quote.case}: trực tuyến {_price(quote.online)} "
                f"thay vì {_price(quote.in_person)}"
            )
    elif quotes:
        lines.append(f"Ngày {day_text(day)}, lệ phí nộp trực tuyến bằng nộp trực tiếp.")
    for quote in quotes:
        for past in quote.expired_reductions:
            lines.append(
                f"(Mức giảm {money(past.amount)} cho «{quote.case}» áp dụng từ "
                f"{day_text(past.valid_from)} đến {day_text(past.valid_to)}, nay đã hết.)"
            )
    if procedure.portal_url and procedure.online != "none":
        lines.append(f"Nộp tại: {procedure.portal_url}")
    lines.append(sources_line([procedure, *_shown_fees(quotes)]))
    return "\n".join(lines)


def cheaper_online_answer(catalog: Catalog, day: date) -> str:
    """Which procedures cost less online today: computed from the data, never listed by hand."""
    found = catalog.cheaper_online_on(day)
    if not found:
        return (
            f"Theo dữ liệu của Trợ lý, ngày {day_text(day)} không có thủ tục nào rẻ hơn khi nộp "
            "trực tuyến (các mức giảm theo Thông tư 63/2023/TT-BTC đã hết hạn ngày 31/12/2025)."
        )
    lines = [f"Các thủ tục rẻ hơn khi nộp trực tuyến (ngày {day_text(day)}):"]
    shown: list[Fee] = []
    for procedure, quotes in found:
        for quote in quotes:
            lines.append(
                f"• {procedure.name} – {quote.case}: {money(quote.online.amount)} "
                f"thay vì {money(quote.in_person.amount)}"
            )
            shown += [quote.online, quote.in_person]
    lines.append(sources_line(shown))
    return "\n".join(lines)


def unknown_procedure_answer() -> str:
    return (
        "Xin lỗi anh/chị, thủ tục này chưa có trong dữ liệu của Trợ lý nên Trợ lý không "
        f"dám trả lời để tránh sai sót. Anh/chị có thể tra cứu tại {settings.portal_search_url} "
        "hoặc gõ «gặp nhân viên» để được cán bộ hỗ trợ."
    )


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
    lines.append(f"Trang thủ tục: {portal_of(procedure)}")
    lines.append(sources_line([procedure, *([steps] if steps else [])]))
    return "\n".join(lines)


def checklist_answer(procedure: Procedure, day: date) -> str:
    """Everything for one procedure in one compact message, for today."""
    lines = [f"✅ Checklist «{procedure.name}» (ngày {day_text(day)})"]
    if procedure.documents:
        papers = "; ".join(
            d.name + (f" ({d.form})" if d.form else "") + ("" if d.verified else " [chưa xác minh]")
            for d in procedure.documents
        )
        lines.append(f"📄 Giấy tờ: {papers}")
    else:
        lines.append(f"📄 Giấy tờ: chưa có danh sách đã xác minh, xem {portal_of(procedure)}")
    quotes = procedure.fees.applicable_on(day)
    if quotes:
        lines.append("💰 Lệ phí hôm nay:")
        lines += [_quote_line(q, None).split("\n")[0] for q in quotes]
    else:
        lines.append(
            f"💰 Lệ phí: chưa có mức đã kiểm chứng cho hôm nay, xem {portal_of(procedure)}"
        )
    lines.append(f"🏢 Nơi giải quyết: {procedure.agency or 'chưa có thông tin đã xác minh'}")
    if procedure.processing_time:
        lines.append(f"⏱ Thời hạn: {procedure.processing_time}")
    lines.append(f"🌐 {ONLINE_LEVEL.get(procedure.online, ONLINE_LEVEL['none']).capitalize()}")
    lines.append(f"🔗 {portal_of(procedure)}")
    lines.append(sources_line([procedure, *procedure.documents, *_shown_fees(quotes)]))
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
