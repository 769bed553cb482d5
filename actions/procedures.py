"""Actions that answer questions about a procedure: thin wrappers over the knowledge layer.

Each action says which question it answers and which answer function to call; finding
the procedure (entity, then message text, then the conversation's last procedure),
ambiguity buttons and "not in our data" are shared by all of them.
"""

from __future__ import annotations

import json
import logging
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.feedback import FEEDBACK_BUTTONS
from actions.knowledge import catalog, resolver
from bot import answers
from bot.knowledge.catalog import Case, Procedure
from bot.knowledge.dates import day_asked
from bot.knowledge.details import details_for
from bot.knowledge.fees import Circumstances, FeeDay
from bot.knowledge.resolver import Resolution
from bot.questions import (
    QUESTION_INTENTS,
    WITHOUT_INTENT,
    after_correction,
    asking_clause,
    asks_if_needed,
    questions_asked,
    starts_as_follow_up,
)
from bot.text import count_value, counts_in, normalize

logger = logging.getLogger(__name__)

QUESTION_BUTTONS = tuple(
    (key, title, QUESTION_INTENTS[key])
    for key, title in (
        ("documents", "Cần giấy tờ gì?"),
        ("fee", "Lệ phí bao nhiêu?"),
        ("processing_time", "Mất bao lâu?"),
        ("agency", "Nộp ở đâu?"),
        ("online", "Nộp online được không?"),
        ("filing", "Cách nộp trực tuyến"),
        ("checklist", "Tóm tắt (checklist)"),
    )
)
KB_UNAVAILABLE = (
    "Xin lỗi anh/chị, hệ thống tra cứu của Trợ lý đang gián đoạn. Anh/chị vui lòng thử lại "
    "sau ít phút, hoặc gõ «gặp nhân viên» để được cán bộ hỗ trợ."
)


@dataclass(frozen=True)
class Found:
    procedure: Optional[Procedure] = None
    choices: tuple[Procedure, ...] = ()
    unknown_mention: Optional[str] = None


def _latest_entities(tracker: Tracker, name: str) -> List[str]:
    return [
        str(e.get("value"))
        for e in tracker.latest_message.get("entities", [])
        if e.get("entity") == name and e.get("value")
    ]


def _procedure_mentions(tracker: Tracker) -> List[str]:
    """The procedures the message names, the one in the clause that asks first ("ny e
    thường trú ở Đà Nẵng, giờ đăng ký kết hôn thì làm ở đâu": kết hôn is asked about)."""
    named = [
        e for e in tracker.latest_message.get("entities", [])
        if e.get("entity") == "procedure" and e.get("value")
    ]  # fmt: skip
    if len(named) < 2:
        return [str(e["value"]) for e in named]
    start, end = asking_clause(tracker.latest_message.get("text") or "")
    asked = [e for e in named if isinstance(e.get("start"), int) and start <= e["start"] < end]
    return [str(e["value"]) for e in [*asked, *(e for e in named if e not in asked)]]


# the readings of a mention that the whole message may pick one of (`_message_settles`)
READINGS = 8


def find_procedure(tracker: Tracker) -> Found:
    """Which procedure the citizen means now, using the conversation as context.

    The extracted mentions are tried first, then the whole message. A procedure we do not
    cover named anywhere in the message ("thi bằng lái", "cấp sổ đỏ") is never answered
    with a neighbour, nor with the procedure discussed before."""
    mentions = _procedure_mentions(tracker)
    text = tracker.latest_message.get("text") or ""
    corrected = _corrected_procedure(text)
    if corrected is not None:
        return Found(procedure=corrected)
    key = tracker.get_slot("procedure")
    if key and mentions and all(asks_if_needed(text, mention) for mention in mentions):
        return Found(procedure=catalog().get(key))  # a paper the procedure may need
    # "thế em nộp ở đâu ạ, công ty em chỉ được nghỉ thứ 7": a follow-up names a procedure
    # by one of its names, not by words it shares with one ("công ty")
    following_up = bool(key) and not mentions and starts_as_follow_up(text)
    ruled_out: Optional[str] = None
    for query in [*mentions, text]:
        resolution = resolver().resolve(query, limit=READINGS)
        if following_up:  # only the procedures it names, not those it shares words with
            resolution = Resolution(tuple(c for c in resolution.candidates if c.anchored))
        if resolution.best is None:
            continue
        if resolver().rules_out(text, resolution.best.procedure.key):
            ruled_out = ruled_out or query
            continue
        whole = resolver().resolve(text) if query != text else resolution
        if _message_settles(resolution, whole, text):
            return Found(procedure=whole.best.procedure)
        if resolution.is_ambiguous:
            return Found(choices=tuple(c.procedure for c in resolution.top(3)))
        return Found(procedure=resolution.best.procedure)
    unknown = ruled_out or (mentions[0] if mentions else None) or resolver().not_covered_in(text)
    if unknown:
        return Found(unknown_mention=unknown)
    return Found(procedure=catalog().get(key) if key else None)


def names_a_procedure(tracker: Tracker) -> bool:
    """Does the message itself name a procedure (not only the conversation before it)?"""
    text = tracker.latest_message.get("text") or ""
    queries = [*_latest_entities(tracker, "procedure"), text]
    # by one of its names, not by words it shares with one ("hồ sơ công ty em")
    return any(c.anchored for query in queries for c in resolver().resolve(query).candidates)


def _corrected_procedure(text: str) -> Optional[Procedure]:
    """The procedure named after a correction ("thường trú... à nhầm, tạm trú ạ")."""
    corrected = after_correction(text)
    if corrected == text:
        return None
    resolution = resolver().resolve(corrected)
    best = resolution.best
    if best is None or resolution.is_ambiguous or resolver().rules_out(text, best.procedure.key):
        return None
    return best.procedure


def _message_settles(mention: Resolution, whole: Resolution, text: str) -> bool:
    """True when the whole message picks one of the readings a mention leaves open.

    A partial mention ("tam") may be ambiguous where the message is not; and the words
    around a mention say which of its readings is meant ("xin lại gks cho con": the copy
    of the birth record, not a birth registration). Only a reading of the mention itself:
    the message may also name a second procedure ("làm hộ chiếu cần mang cccd không"). A
    mention that is one part of a bundle the message asks for gives way to the bundle."""
    best = whole.best
    if best is None or whole.is_ambiguous or resolver().rules_out(text, best.procedure.key):
        return False
    if mention.is_ambiguous or best.procedure.key in {c.procedure.key for c in mention.candidates}:
        return True
    # the mention is one part of a liên thông bundle the whole message asks for
    # ("làm khai sinh, nhập khẩu và thẻ bhyt cho con": the bundle, not the birth alone)
    named = mention.best.procedure.key if mention.best else None
    return named is not None and named in {part.key for part in best.procedure.parts}


def procedure_buttons(procedures: tuple[Procedure, ...], intent: str) -> List[Dict[str, str]]:
    return [
        {"title": p.name, "payload": f'/{intent}{{"procedure": "{p.name}"}}'} for p in procedures
    ]


def question_buttons(
    procedure: Procedure, answered: tuple[str, ...] = (), limit: int = len(QUESTION_BUTTONS)
) -> List[Dict[str, str]]:
    """Buttons for the questions one can ask about `procedure`, those answered left out."""
    return [
        {"title": title, "payload": f'/{intent}{{"procedure": "{procedure.name}"}}'}
        for key, title, intent in QUESTION_BUTTONS
        if key not in answered
    ][:limit]


def _quantity(tracker: Tracker) -> Optional[int]:
    """Pages or copies: the extracted entity ("5", "ba"), else a count in the message."""
    for value in _latest_entities(tracker, "quantity"):
        number = count_value(value)
        if number is not None:
            return number
    counted = counts_in(tracker.latest_message.get("text") or "")
    return counted[0][0] if counted else None


def _beneficiary(tracker: Tracker, procedure: Optional[Procedure] = None) -> Optional[str]:
    """The group the citizen named: one of the procedure's fee groups found in the
    message, else the extracted entity."""
    if procedure is not None:
        named = procedure.fees.group_named_in(tracker.latest_message.get("text") or "")
        if named:
            return named
    mentioned = _latest_entities(tracker, "beneficiary")
    return mentioned[0] if mentioned else None


def circumstances(tracker: Tracker) -> Circumstances:
    """What the citizen has told us about fee conditions: remembered for the conversation
    (slot `fee_conditions`), then a button's answer, then what this message says."""
    remembered = Circumstances.decode(tracker.get_slot("fee_conditions"))
    answered = Circumstances()
    for value in _latest_entities(tracker, "fee_condition"):
        answered = answered.updated(Circumstances.decode(value))
    stated = catalog().circumstances_in(tracker.latest_message.get("text") or "")
    return remembered.updated(answered).updated(stated)


def _day(tracker: Tracker) -> date:
    """The day asked about ("tháng 1 năm sau"), else today in Việt Nam."""
    today = answers.today()
    return day_asked(tracker.latest_message.get("text") or "", today) or today


@dataclass(frozen=True)
class Reply:
    """An answer: its text, its buttons and the slots it sets."""

    text: str
    buttons: List[Dict[str, str]] = field(default_factory=lambda: list(FEEDBACK_BUTTONS))
    events: List[EventType] = field(default_factory=list)


def _fee_day(procedure: Procedure, tracker: Tracker, beneficiary: Optional[str] = None) -> FeeDay:
    return procedure.fees.on(_day(tracker), beneficiary, circumstances(tracker))


def _with_question(text: str, procedure: Procedure, fee_day: FeeDay, intent: str) -> Reply:
    """The answer, with one button per answer to its condition question (if it asks one);
    what the citizen has said is remembered."""
    choices = answers.condition_choices(fee_day)
    buttons = [
        {
            "title": title,
            "payload": f"/{intent}"
            + json.dumps(
                {"procedure": procedure.name, "fee_condition": stated.encode()},
                ensure_ascii=False,
            ),
        }
        for title, stated in choices
    ]
    remembered = fee_day.circumstances.encode() or None
    return Reply(text, buttons or list(FEEDBACK_BUTTONS), [SlotSet("fee_conditions", remembered)])


def _fee_reply(procedure: Procedure, tracker: Tracker) -> Reply:
    fee_day = _fee_day(procedure, tracker, _beneficiary(tracker, procedure))
    text = answers.fee_answer(procedure, fee_day, _quantity(tracker))
    return _with_question(text, procedure, fee_day, "ask_fee")


def _online_reply(procedure: Procedure, tracker: Tracker) -> Reply:
    fee_day = _fee_day(procedure, tracker)
    return _with_question(
        answers.online_answer(procedure, fee_day), procedure, fee_day, "ask_online_discount"
    )


def _details_reply(procedure: Procedure, tracker: Tracker, kind: str) -> Reply:
    found = details_for(procedure, tracker.latest_message.get("text") or "", kind)
    return Reply(answers.details_answer(procedure, found, kind))


ANSWERS: Dict[str, Callable[[Procedure, Tracker], Reply]] = {
    "fee": _fee_reply,
    "documents": lambda p, t: Reply(answers.documents_answer(p)),
    "processing_time": lambda p, t: Reply(answers.processing_time_answer(p)),
    "agency": lambda p, t: Reply(answers.agency_answer(p)),
    "online": _online_reply,
    "checklist": lambda p, t: Reply(answers.checklist_answer(p, _fee_day(p, t))),
    "filing": lambda p, t: Reply(answers.filing_answer(p, catalog().guide("file_online"))),
    "validity": lambda p, t: Reply(answers.validity_answer(p)),
    "who_may_file": lambda p, t: Reply(answers.who_may_file_answer(p)),
    "deadline": lambda p, t: _details_reply(p, t, "deadline"),
    "amount": lambda p, t: _details_reply(p, t, "amount"),
    "conditions": lambda p, t: _details_reply(p, t, "conditions"),
}


# the natural next questions offered under an answer, besides the rating buttons
NEXT_QUESTIONS = 3
# at most this many questions answered in one reply ("cần gì, bao nhiêu tiền, ở đâu")
MOST_QUESTIONS = 3


def asked_in_words(tracker: Tracker, interrogative_only: bool = True) -> List[str]:
    """The questions with an answer here that the message asks in words, in order."""
    text = tracker.latest_message.get("text") or ""
    return [q for q in questions_asked(text, interrogative_only) if q in ANSWERS]


def questions_to_answer(question: str, tracker: Tracker, procedure: Procedure) -> List[str]:
    """`question`, then the other questions the message asks ("cần giấy tờ gì và hết
    bao nhiêu tiền"), in the order asked. A checklist already answers them all. The
    questions with no intent of their own (`WITHOUT_INTENT`: how long the result lasts,
    who may file, a deadline, an amount, who may get it) replace a question the words do
    not ask ("hộ chiếu của bé dùng được bao lâu"); for a procedure with no fee, "được bao
    nhiêu tiền" asks the amount paid out, not a fee."""
    if question == "checklist":
        return [question]
    asked = questions_asked(tracker.latest_message.get("text") or "")
    if "amount" in asked and not procedure.fees.cases():
        asked = [q for q in asked if q != "fee"]
        question = "amount" if question == "fee" else question
    elif "amount" in asked:  # a procedure with a fee: "bao nhiêu" is its fee, where asked
        asked = list(dict.fromkeys("fee" if q == "amount" else q for q in asked))
        question = "fee" if question == "amount" else question
    own = [q for q in asked if q in WITHOUT_INTENT]
    if own and question not in asked:
        question = own[0]
    others = [q for q in asked if q in ANSWERS and q not in (question, "checklist")]
    return [question, *others][:MOST_QUESTIONS]


# the questions whose answer depends on the citizen's case (documents, who decides)
CASE_QUESTIONS = ("documents", "checklist", "agency")


def case_of(procedure: Procedure, tracker: Tracker) -> Optional[Case]:
    """The case the citizen is in: the button they tapped, what this message says ("con
    em 8 tuổi"), else what they said before about this same procedure."""
    for key in _latest_entities(tracker, "case"):
        if (tapped := procedure.case_named(key)) is not None:
            return tapped
    stated = procedure.case_stated_in(tracker.latest_message.get("text") or "")
    if stated is not None or tracker.get_slot("procedure") != procedure.key:
        return stated
    return procedure.case_named(tracker.get_slot("procedure_case"))


def case_buttons(procedure: Procedure, intent: str) -> List[Dict[str, str]]:
    """One short question per case ("Làm cho trẻ dưới 14 tuổi?"), answered by a tap."""
    return [
        {
            "title": case.question,
            "payload": f"/{intent}"
            + json.dumps({"procedure": procedure.name, "case": case.key}, ensure_ascii=False),
        }
        for case in procedure.cases
    ]


def answer(
    dispatcher: CollectingDispatcher, question: str, procedure: Procedure, tracker: Tracker
) -> List[EventType]:
    """Say, in one reply, the answer to `question` about `procedure` (in the citizen's
    case) and to the other questions the message asks; the slots it sets."""
    case = case_of(procedure, tracker)
    general = procedure
    procedure = procedure.in_case(case)
    questions = questions_to_answer(question, tracker, procedure)
    replies = [ANSWERS[q](procedure, tracker) for q in questions]
    if case is not None and not set(questions) & set(CASE_QUESTIONS):
        replies.append(Reply(answers.case_answer(procedure)))  # "quá hạn thì sao?"
    first = replies[0]
    asks_a_condition = first.buttons != list(FEEDBACK_BUTTONS)
    asks_the_case = case is None and general.cases and question in CASE_QUESTIONS
    if asks_a_condition:
        buttons = first.buttons
    elif asks_the_case:
        intent = QUESTION_INTENTS[question]
        buttons = case_buttons(general, intent) + question_buttons(procedure, tuple(questions), 2)
    else:
        buttons = question_buttons(procedure, tuple(questions), NEXT_QUESTIONS) + first.buttons
    text = "\n\n".join(r.text for r in replies if r.text)
    dispatcher.utter_message(text=text, buttons=buttons)
    return [
        SlotSet("procedure", procedure.key),
        SlotSet("procedure_case", case.key if case else None),
        SlotSet("pending_question", None),
        SlotSet("last_question", question),
        *[event for reply in replies for event in reply.events],
    ]


class ProcedureQuestion(Action, ABC):
    """Answer one kind of question (`question`, a key of ANSWERS) about a procedure.

    Subclasses set `question` and `intent` (the intent their buttons send); rasa_sdk
    skips this abstract base when it registers actions.
    """

    intent: str = ""

    @property
    @abstractmethod
    def question(self) -> str: ...

    def name(self) -> str:
        return f"action_answer_{self.question}"

    def when_no_procedure(self, dispatcher: CollectingDispatcher) -> None:
        dispatcher.utter_message(text=answers.ask_which_procedure())

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        try:
            found = find_procedure(tracker)
            return self.respond(dispatcher, tracker, found)
        except SQLAlchemyError:
            logger.exception("knowledge base unavailable")
            dispatcher.utter_message(text=KB_UNAVAILABLE)
            return []

    def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, found: Found
    ) -> List[EventType]:
        if found.choices:
            dispatcher.utter_message(
                text=answers.choose_between(found.choices),
                buttons=procedure_buttons(found.choices, self.intent),
            )
            return [SlotSet("pending_question", self.question)]
        if found.unknown_mention or found.procedure is None:
            if found.unknown_mention:
                dispatcher.utter_message(text=answers.unknown_procedure_answer())
                return [SlotSet("pending_question", None)]
            self.when_no_procedure(dispatcher)
            return [SlotSet("pending_question", self.question)]
        return answer(dispatcher, self.question, found.procedure, tracker)


class ActionAnswerFee(ProcedureQuestion):
    question, intent = "fee", "ask_fee"


class ActionAnswerDocuments(ProcedureQuestion):
    question, intent = "documents", "ask_documents"


class ActionAnswerProcessingTime(ProcedureQuestion):
    question, intent = "processing_time", "ask_processing_time"


class ActionAnswerAgency(ProcedureQuestion):
    question, intent = "agency", "ask_agency"


class ActionAnswerOnline(ProcedureQuestion):
    """With a procedure: can it be filed online, is it cheaper. Without: which are cheaper."""

    question, intent = "online", "ask_online_discount"

    def when_no_procedure(self, dispatcher: CollectingDispatcher) -> None:
        savings = catalog().online_savings_on(answers.today())
        dispatcher.utter_message(text=answers.cheaper_online_answer(savings))


class ActionAnswerChecklist(ProcedureQuestion):
    """Documents, today's fees, where, how long and the link, in one message."""

    question, intent = "checklist", "ask_checklist"


class ActionAnswerFiling(ProcedureQuestion):
    """Filing online step by step; for a named procedure, its online level and page."""

    question, intent = "filing", "ask_how_to_file"

    def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, found: Found
    ) -> List[EventType]:
        problem = catalog().troubleshooting("dossier_", tracker.latest_message.get("text") or "")
        if problem:  # "cán bộ yêu cầu bổ sung hồ sơ online thì làm thế nào"
            dispatcher.utter_message(
                text=answers.guide_answer(problem[0]), buttons=FEEDBACK_BUTTONS
            )
            return []
        if found.procedure is not None or found.choices or found.unknown_mention:
            return super().respond(dispatcher, tracker, found)
        steps = catalog().guide("file_online")
        text = answers.guide_answer(steps) if steps else answers.missing_guide_answer()
        levels = catalog().guide("online_levels")
        if levels is not None:
            text += "\n\n" + answers.guide_answer(levels)
        text += "\n" + answers.ask_which_procedure_for_filing()
        dispatcher.utter_message(text=text, buttons=FEEDBACK_BUTTONS)
        return [SlotSet("pending_question", self.question)]


# "thế còn tạm trú thì sao", "à nhầm, ý tôi là hộ chiếu", "còn khai sinh nữa": the same
# question as before, about another procedure (normalised, whole words)
FOLLOW_UP_MARKERS = ("thi sao", "the con", "con", "nham", "y toi la", "y em la", "y minh la",
                     "y la", "nua", "vay con", "thi the nao")  # fmt: skip


def follows_up(text: str) -> bool:
    """A message that names a procedure as a follow-up, not as a new topic: a few words,
    or a follow-up marker."""
    words = normalize(text).split()
    padded = f" {' '.join(words)} "
    return len(words) <= 4 or any(f" {marker} " in padded for marker in FOLLOW_UP_MARKERS)


class ActionChooseProcedure(ProcedureQuestion):
    """The citizen named a procedure: answer the question they asked before, or offer
    the questions they can ask about it."""

    question, intent = "choose", "inform_procedure"

    def name(self) -> str:
        return "action_choose_procedure"

    def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, found: Found
    ) -> List[EventType]:
        pending = tracker.get_slot("pending_question")
        if pending not in ANSWERS and _beneficiary(tracker, found.procedure):
            pending = "fee"  # "còn người có công thì sao?": the fee for that group
        if pending not in ANSWERS and follows_up(tracker.latest_message.get("text") or ""):
            pending = tracker.get_slot("last_question")  # the same question, new procedure
        asked = asked_in_words(tracker, interrogative_only=False)
        if found.procedure is not None and asked:
            return answer(dispatcher, asked[0], found.procedure, tracker)  # "làm hộ chiếu ở đâu"
        if found.procedure is not None and pending in ANSWERS:
            return answer(dispatcher, pending, found.procedure, tracker)
        if found.procedure is not None:
            # "con em sinh được 3 tháng rồi mà chưa làm khai sinh, giờ làm còn được không":
            # what is particular to the case stated, then the questions to ask
            case = case_of(found.procedure, tracker)
            particular = answers.case_answer(found.procedure.in_case(case))
            question = f"Anh/chị muốn biết gì về thủ tục «{found.procedure.name}» ạ?"
            dispatcher.utter_message(
                text=f"{particular}\n\n{question}" if particular else question,
                buttons=question_buttons(found.procedure),
            )
            return [
                SlotSet("procedure", found.procedure.key),
                SlotSet("procedure_case", case.key if case else None),
            ]
        if found.choices:
            dispatcher.utter_message(
                text=answers.choose_between(found.choices),
                buttons=procedure_buttons(found.choices, "inform_procedure"),
            )
            return []
        dispatcher.utter_message(text=answers.unknown_procedure_answer())
        return []


# a message this short that asks in words, while a procedure is discussed, goes on from it
# when the classifier could not place it ("làm trên vneid được ko ạ")
SHORT_FOLLOW_UP_WORDS = 8
# "làm cho con", "xin cho bé", "đăng ký cho mẹ": the citizen files for someone
_FILES_FOR = re.compile(r"\b(lam|xin|dang ky|cap|nop|khai)( \w+){0,3} cho\b")


def answer_asked_in_words(
    dispatcher: CollectingDispatcher, tracker: Tracker, unsure: bool = False
) -> Optional[List[EventType]]:
    """Answer a procedure question the message asks in words, when the classifier read
    it as something else or not at all: it does not see the conversation, and a long
    message about a procedure it was not trained on reads as noise. The message must
    name the procedure ("tôi bán hàng online… tham gia bhxh tự nguyện thì bao lâu có
    sổ"), go on from the conversation ("thế còn…", "sang tháng 1 năm sau mới làm thì
    giá còn vậy không": a message that only moves the day asks the last question again)
    or state the citizen's case of the procedure discussed ("còn làm cho con trai em 5
    tuổi thì giấy tờ khác gì không"); when the classifier was `unsure`, a short question
    goes on from the conversation too. None when it does none of these."""
    text = tracker.latest_message.get("text") or ""
    goes_on = starts_as_follow_up(text) or day_asked(text, answers.today()) is not None
    if not goes_on and not asked_in_words(tracker, interrogative_only=False):
        return None  # asks nothing: no need to look the procedure up
    try:
        procedure = find_procedure(tracker).procedure
    except SQLAlchemyError:
        logger.exception("knowledge base unavailable")
        return None
    if procedure is None:
        return None
    # a case counts with a filing verb for someone ("còn làm cho con trai em 5 tuổi"), not
    # an age alone ("con em 5 tuổi bị sốt thì đi khám ở đâu")
    states_case = (
        procedure.case_stated_in(text) is not None
        and _FILES_FOR.search(normalize(text)) is not None
    )
    asked = asked_in_words(tracker, interrogative_only=not states_case)
    last = tracker.get_slot("last_question")
    if not asked and goes_on and last in ANSWERS:
        asked = [last]
    short = unsure and len(text.split()) <= SHORT_FOLLOW_UP_WORDS
    # not "con em có được miễn học phí không", which only shares a question word with
    # the procedure discussed
    if not asked or not (goes_on or short or states_case or names_a_procedure(tracker)):
        return None
    return answer(dispatcher, asked[0], procedure, tracker)


class ActionAnswerOutOfScope(Action):
    """Out of scope, unless the message asks a procedure's question in words
    (`answer_asked_in_words`)."""

    def name(self) -> str:
        return "action_answer_out_of_scope"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        answered = answer_asked_in_words(dispatcher, tracker)
        if answered is not None:
            return answered
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
