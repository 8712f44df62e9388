"""Agent scripts, communication rules and deadlines of Decision 681/QĐ-BHXH, Annexes 1 and 2."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

# References are to the "Quy trình" issued with Decision 681/QĐ-BHXH (09/7/2021), seeds/001_….
# Annex 1 ("Phụ lục 1") numbering as printed: §1 attitude; §2 "Tiếp nhận cuộc gọi" (table with
# parts I–IV); a second "2. Cuộc gọi đi" with §2.1 outbound calls and §2.2 portal/fanpage/email.
# Annex 2 ("Phụ lục 2"): §1 deadline table (parts I hotline, II portal/fanpage, III email);
# §2.1 information calls; the second "2." = complaint calls (called §2.2 in DOMAIN.md).
#
# Placeholders: {agent_code} replaces "Mã số ..." / "mã số/..."; {callback_time} replaces
# "trong thời gian..."; {requested_info} replaces "cung cấp thông tin....". Forms of address
# ("anh/chị") and slash alternatives ("tổ chức/cá nhân khác/không có ca trực") are kept verbatim:
# Annex 1 §1 leaves the choice (anh, chị, cô, chú, quý khách) to the agent.


@dataclass(frozen=True)
class Script:
    """One agent script; verbatim=False marks product-drafted wording the decision does not give."""

    key: str
    title: str
    text: str
    ref: str = ""
    verbatim: bool = True


@dataclass(frozen=True)
class Rule:
    """One communication rule of Annex 1, quoted verbatim."""

    key: str
    ref: str
    text: str


@dataclass(frozen=True)
class Limit:
    """One maximum processing time of Annex 2 §1."""

    key: str
    channel: str
    step: str
    amount: int
    unit: str  # "minutes" | "working_days" | "immediate" | "rings" | "daily"
    label: str
    ref: str = ""


# ---------------------------------------------------------------------------
# Scripts — Decision 681 Annex 1 §2 "Tiếp nhận cuộc gọi", parts I–IV (verbatim)
# ---------------------------------------------------------------------------

SCRIPTS: tuple[Script, ...] = (
    # Annex 1 §2 I.1 — greeting: the agent names only the agent code (see also III.2).
    Script(
        key="greeting",
        title="Xưng danh rõ ràng và mời tổ chức, cá nhân trao đổi.",
        text="Mã số {agent_code} tổng đài điện thoại của BHXH Việt Nam xin nghe. Em có thể giúp gì cho anh/chị không ạ?",
        ref="681 Annex 1 §2 I.1",
    ),
    # Annex 1 §2 I.2
    Script(
        key="no_signal_repeat",
        title="GDV không nghe rõ tín hiệu từ tổ chức, cá nhân",
        text="Rất tiếc em không nghe rõ được lời anh/chị. Anh/chị có thể vui lòng nhắc lại được không ạ?",
        ref="681 Annex 1 §2 I.2",
    ),
    Script(
        key="no_signal_hangup",
        title="Nếu tiếp tục không nghe thấy tín hiệu từ tổ chức, cá nhân",
        text="Hiện tại em không nghe thấy tín hiệu đường truyền từ phía anh/chị. Anh/chị vui lòng liên lạc "
        "lại tổng đài sau. Em xin phép được cúp máy trước. Em chào anh/chị ạ.",
        ref="681 Annex 1 §2 I.2",
    ),
    # Annex 1 §2 II.1
    Script(
        key="ask_repeat",
        title="GDV chưa hiểu nội dung tổ chức, cá nhân yêu cầu hỗ trợ",
        text="Anh/chị vui lòng nhắc lại câu hỏi giúp em được không ạ?",
        ref="681 Annex 1 §2 II.1",
    ),
    # Annex 1 §2 II.2
    Script(
        key="offer_more_help",
        title="GDV đã cung cấp đầy đủ thông tin cần thiết nhưng tổ chức, cá nhân vẫn chưa hiểu rõ hoặc đang "
        "có nhu cầu hỗ trợ một vấn đề khác",
        text="Anh/chị có cần em làm rõ thêm thông tin nào không ạ? Em có thể hỗ trợ thêm gì cho anh/chị không ạ?",
        ref="681 Annex 1 §2 II.2",
    ),
    # Annex 1 §2 II.3 — the agent restates the request (681 Art. 6.1 step 2: "GDV tóm tắt lại yêu cầu
    # để khẳng định đã hiểu đúng ý tổ chức, cá nhân").
    Script(
        key="confirm_request",
        title="Tổ chức, cá nhân đã trình bày nhiều lần về một vấn đề mà GDV đã nắm được hoặc tổ chức, cá nhân "
        "diễn đạt nhiều lần nhưng không thoát ý",
        text="Em xin lỗi được ngắt lời anh/chị, em xin phép được tóm tắt lại vấn đề/yêu cầu của anh/chị như sau ạ.",
        ref="681 Annex 1 §2 II.3; Art. 6.1 step 2",
    ),
    # Annex 1 §2 II.4
    Script(
        key="hold",
        title="GDV cần thời gian để tra cứu thông tin hoặc cần sự hỗ trợ từ Trưởng nhóm/Lãnh đạo.",
        text="Anh/chị vui lòng giữ máy để em kiểm tra thông tin ạ.",
        ref="681 Annex 1 §2 II.4",
    ),
    Script(
        key="hold_return",
        title="Sau khi kết nối trở lại, cần cảm ơn hoặc xin lỗi tổ chức, cá nhân",
        text="Cảm ơn anh/chị đã chờ máy. Em xin lỗi đã để anh/chị phải chờ máy lâu.",
        ref="681 Annex 1 §2 II.4",
    ),
    # Annex 1 §2 II.5 — callback appointment (681 Art. 6.1 step 3, hand-over to a CCC officer).
    Script(
        key="callback_appointment",
        title="Trường hợp vấn đề tổ chức, cá nhân gặp phải không thể xử lý được ngay hoặc vượt thẩm quyền giải quyết của GDV",
        text="Trường hợp của anh/chị em cần phải kiểm tra lại thông tin với các đơn vị nghiệp vụ. Anh/chị vui "
        "lòng cúp máy trước. Ngay khi có kết quả, trong thời gian {callback_time} em sẽ liên hệ lại để thông "
        "báo với anh/chị. Rất mong anh/chị thông cảm. Em có thể liên hệ lại theo số điện thoại anh/chị đang "
        "gọi cho Tổng đài được không ạ?",
        ref="681 Annex 1 §2 II.5",
    ),
    # Annex 1 §2 II.6
    Script(
        key="system_error",
        title="Hệ thống đang bị lỗi khiến GDV không thể hỗ trợ tổ chức, cá nhân ngay trong cuộc gọi",
        text="Hiện tại hệ thống Ngân hàng câu hỏi đang cập nhật dữ liệu, vì vậy em rất tiếc chưa thể kiểm tra "
        "thông tin anh/chị yêu cầu. Anh/chị vui lòng để lại thông tin. Em sẽ kiểm tra và liên hệ lại anh/chị "
        "sau ạ.",
        ref="681 Annex 1 §2 II.6",
    ),
    # Annex 1 §2 II.7
    Script(
        key="not_offered",
        title="Tổ chức, cá nhân hỏi về các chế độ, tiện ích mà hiện BHXH Việt Nam chưa thực hiện",
        text="Rất tiếc hiện nay BHXH Việt Nam chưa thực hiện chế độ/tiện ích đó. Em xin ghi nhận ý kiến của "
        "anh/chị và sẽ chuyển đến các đơn vị chuyên môn ạ. Em cảm ơn ý kiến đóng góp của anh/chị ạ.",
        ref="681 Annex 1 §2 II.7",
    ),
    # Annex 1 §2 II.8
    Script(
        key="previous_agent_absent",
        title="Tổ chức, cá nhân muốn gặp GDV đã hỗ trợ tổ chức, cá nhân cuộc gọi trước đó nhưng hiện không có mặt",
        text="Em rất tiếc nhưng hiện nay bạn GDV đó đang bận hỗ trợ một tổ chức/cá nhân khác/không có ca trực. "
        "Em có thể hỗ trợ anh/chị luôn được không ạ?",
        ref="681 Annex 1 §2 II.8",
    ),
    Script(
        key="previous_agent_callback",
        title="Tổ chức, cá nhân vẫn nhất định muốn gặp GDV hỗ trợ trước",
        text="Anh/chị vui lòng để lại thông tin, em sẽ yêu cầu bạn GDV đó gọi lại anh/chị ngay khi có thể.",
        ref="681 Annex 1 §2 II.8",
    ),
    # Annex 1 §2 III.1
    Script(
        key="harassment_redirect",
        title="Tổ chức, cá nhân quấy rối, trêu đùa, có lời lẽ khiếm nhã....",
        text="Tổng đài điện thoại của BHXH Việt Nam chỉ hỗ trợ những thông tin liên quan đến BHXH, BHTN, BHYT. "
        "Nếu anh/chị thực sự có nhu cầu được giải đáp về các chế độ này em rất sẵn sàng được hỗ trợ anh/chị. "
        "Anh/chị cần hỗ trợ vấn đề nào không ạ?",
        ref="681 Annex 1 §2 III.1",
    ),
    Script(
        key="harassment_hangup",
        title="Nếu tổ chức, cá nhân vẫn không có yêu cầu hỗ trợ mà cố ý trêu đùa",
        text="Nếu thực sự anh/chị không có nhu cầu hỗ trợ; tư vấn về BHXH, BHTN, BHYT, em xin phép được cúp "
        "máy trước. Em chào anh/chị ạ.",
        ref="681 Annex 1 §2 III.1",
    ),
    # Annex 1 §2 III.2 — agents work by code and never give their name or personal details.
    Script(
        key="agent_identity_refusal",
        title="Tổ chức, cá nhân muốn xin tên và thông tin cá nhân của GDV",
        text="Cảm ơn anh/chị đã quan tâm ạ. Hiện tại, Tổng đài điện thoại của BHXH Việt Nam đều làm việc theo "
        "mã số và không được phép cung cấp thông tin cá nhân cho tổ chức, cá nhân. Rất mong anh/chị thông cảm ạ.",
        ref="681 Annex 1 §2 III.2",
    ),
    # Annex 1 §2 III.3 — complaints about benefits or staff attitude.
    Script(
        key="complaint_apology",
        title="Tổ chức, cá nhân khiếu nại, phàn nàn về các chế độ BHXH, BHTN, BHYT, thái độ của cán bộ ngành BHXH Việt Nam",
        text="Em rất xin lỗi vì anh/chị gặp phải vấn đề không hài lòng như vậy ạ.",
        ref="681 Annex 1 §2 III.3",
    ),
    Script(
        key="complaint_calm",
        title="Tổ chức, cá nhân vẫn bức xúc",
        text="Em rất hiểu tâm trạng của anh/chị lúc này, mong anh/chị hết sức bình tĩnh và cung cấp thông tin "
        "{requested_info} để em có thể hỗ trợ tốt nhất, nhanh nhất cho anh/chị ạ.",
        ref="681 Annex 1 §2 III.3",
    ),
    Script(
        key="complaint_thanks",
        title="Sau khi tổ chức, cá nhân đã cung cấp thông tin và nguyên nhân",
        text="Em xin cảm ơn anh/chị đã thông tin, phản hồi. Ý kiến đóng góp của anh/chị hết sức hữu ích để "
        "ngành BHXH Việt Nam cải tiến chất lượng phục vụ. Em đã ghi nhận đầy đủ thông tin anh/chị cung cấp để "
        "kiểm tra xác minh xử lý thỏa đáng cho anh/chị ạ.",
        ref="681 Annex 1 §2 III.3",
    ),
    # Annex 1 §2 III.4 — customer asks to be transferred to a manager.
    Script(
        key="transfer_previous_call",
        title="Trường hợp tổ chức, cá nhân yêu cầu chuyển máy vì lý do không hài lòng với GDV hỗ trợ cuộc gọi trước",
        text="Em rất xin lỗi vì anh/chị chưa hài lòng vì cuộc gọi trước. Anh/chị có thể vui lòng cho em biết "
        "cuộc gọi đã khiến anh/chị không hài lòng diễn ra vào thời điểm và nội dung khiến anh/chị chưa hài lòng "
        "là gì không ạ? Ý kiến phản hồi của anh/chị sẽ được em chuyển đến bộ phận giám sát chất lượng để kiểm "
        "tra và khi có kết quả em sẽ phản hồi sớm nhất có thể tới anh/chị ạ.",
        ref="681 Annex 1 §2 III.4",
    ),
    Script(
        key="transfer_reassure",
        title="Trường hợp tổ chức, cá nhân không hài lòng về chính cuộc gọi GDV đang hỗ trợ",
        text="Với vấn đề anh/chị đang quan tâm, em mã số {agent_code} có thể hỗ trợ anh/chị và xin chịu trách "
        "nhiệm với những thông tin mà em cung cấp. Rất mong anh/chị tin tưởng và cho em cơ hội để em có thể "
        "hoàn thành tốt nhiệm vụ của mình được không ạ?",
        ref="681 Annex 1 §2 III.4",
    ),
    Script(
        key="transfer_manager_unavailable",
        title="Nếu tổ chức, cá nhân không đồng ý, vẫn yêu cầu được gặp quản lý",
        text="Do hiện tại cấp trên của em đang bận họp/đi công tác... nên hiện tại em chưa thể chuyển máy ngay. "
        "Để tránh làm mất thời gian của anh/chị, em có thể liên hệ lại theo số máy mà anh/chị đang gọi được "
        "không ạ?",
        ref="681 Annex 1 §2 III.4",
    ),
    # Annex 1 §2 IV — closing.
    Script(
        key="closing",
        title="Cảm ơn và kết thúc",
        text="Cảm ơn anh/chị đã liên hệ Tổng đài điện thoại của BHXH Việt Nam. Nếu cần hỗ trợ thêm thông tin, "
        "anh/chị vui lòng liên hệ lại Tổng đài điện thoại của BHXH Việt Nam. Em chào anh/chị ạ.",
        ref="681 Annex 1 §2 IV",
    ),
    # Annex 2 §2.1 (information calls) and second §2 (complaint calls) — identity fields to ask for.
    # Wording verbatim; list layout normalised to one item per line.
    Script(
        key="identity_request_individual",
        title="Đối với cá nhân",
        text="Đề nghị cung cấp đủ thông tin về:\n1. Họ và tên\n2. Số CMND/CCCD/Hộ chiếu\n"
        "3. Mã số BHXH/số sổ BHXH/mã thẻ BHYT\n4. Nội dung cần hỗ trợ.",
        ref="681 Annex 2 §2.1 item 2.2; §2 (complaints) item 2",
    ),
    Script(
        key="identity_request_organisation",
        title="Đối với tổ chức",
        text="Đề nghị cung cấp đủ thông tin về:\n1. Tên của tổ chức\n2. Mã số đơn vị\n3. Nội dung cần hỗ trợ.",
        ref="681 Annex 2 §2.1 item 2.2; §2 (complaints) item 2",
    ),
    # --- Product-drafted wording (verbatim=False): the decision requires the step but gives no words. ---
    # Annex 1 §2.1: on an outbound call the agent states who they are, where from and why, then
    # confirms the customer's identity.
    Script(
        key="outbound_opening",
        title="Mở đầu cuộc gọi đi (xưng danh, nơi gọi, lý do gọi, xác nhận đúng đối tượng)",
        text="Em chào anh/chị, em là giao dịch viên mã số {agent_code} gọi từ Tổng đài điện thoại của BHXH "
        "Việt Nam về việc {call_reason}. Cho em hỏi có phải em đang nói chuyện với anh/chị {customer_name} "
        "không ạ?",
        ref="681 Annex 1 §2.1 (rule only; wording drafted)",
        verbatim=False,
    ),
    # Annex 1 §2.1: if a call must be made outside working hours, apologise at the start of the call.
    Script(
        key="outbound_out_of_hours_apology",
        title="Xin lỗi khi buộc phải gọi ngoài giờ làm việc",
        text="Em xin lỗi vì đã làm phiền anh/chị vào thời gian này.",
        ref="681 Annex 1 §2.1 (rule only; wording drafted)",
        verbatim=False,
    ),
    # Art. 6.1 step 4: the agent reports the result and asks for a rating of the call.
    Script(
        key="rating_request",
        title="Xin ý kiến đánh giá cuộc gọi",
        text="Anh/chị có hài lòng với kết quả hỗ trợ của em trong cuộc gọi này không ạ?",
        ref="681 Art. 6.1 step 4 (wording drafted)",
        verbatim=False,
    ),
    # Art. 6.1 step 4: if not satisfied, record the reason and propose a suitable remedy.
    Script(
        key="rating_unsatisfied",
        title="Tổ chức, cá nhân không hài lòng",
        text="Anh/chị vui lòng cho em biết lý do anh/chị chưa hài lòng để em ghi nhận và đề xuất phương án "
        "giải quyết phù hợp cho anh/chị ạ.",
        ref="681 Art. 6.1 step 4 (wording drafted)",
        verbatim=False,
    ),
)

SCRIPT_BY_KEY: dict[str, Script] = {s.key: s for s in SCRIPTS}


# ---------------------------------------------------------------------------
# Rules — Decision 681 Annex 1 (verbatim)
# ---------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    # Annex 1 §1 — attitude and skills of agents (GDV).
    Rule("attitude_friendly", "681 Annex 1 §1", "Luôn giữ thái độ thân thiện, từ tốn, niềm nở."),
    Rule("voice", "681 Annex 1 §1", "Giọng nói nhẹ nhàng, dễ nghe, âm lượng vừa phải."),
    Rule("self_control", "681 Annex 1 §1", "Biết tiết chế cảm xúc và giữ bình tĩnh để xử lý hiệu quả cuộc gọi."),
    Rule(
        "plain_language",
        "681 Annex 1 §1",
        "Sử dụng từ ngữ phổ thông, không dùng những từ lóng, hạn chế sử dụng các thuật ngữ chuyên ngành, "
        "những từ đa nghĩa, từ ngữ mang tính chất địa phương gây khó hiểu cho khách hàng.",
    ),
    Rule(
        "form_of_address",
        "681 Annex 1 §1",
        "Tùy từng đối tượng khách hàng lựa chọn cách xưng hô phù hợp như anh, chị, cô, chú hoặc quý khách.",
    ),
    Rule(
        "hang_up_last",
        "681 Annex 1 §1",
        "Khi cúp máy điện thoại phải thực hiện nhẹ nhàng, tránh gây ra tiếng động mạnh có thể làm cho khách "
        "hàng khó chịu hay mất tập trung. Kết thúc cuộc gọi, GDV chỉ được cúp máy sau khi khách hàng đã cúp.",
    ),
    # Annex 1 §2 II.8 — customer insists on the previous agent.
    Rule(
        "previous_agent_handover",
        "681 Annex 1 §2 II.8",
        "Ghi nhận đầy đủ thông tin tổ chức, cá nhân và thông báo lại cho GDV đã hỗ trợ về việc tổ chức, cá "
        "nhân cần gặp hoặc báo cáo Trưởng nhóm/Lãnh đạo.",
    ),
    # Annex 1 §2 III.2 — the agent code is the only identity an agent gives.
    Rule(
        "agent_code_only",
        "681 Annex 1 §2 III.2",
        "Tổng đài điện thoại của BHXH Việt Nam đều làm việc theo mã số và không được phép cung cấp thông tin "
        "cá nhân cho tổ chức, cá nhân.",
    ),
    # Annex 1 §2 III.4 — after a request to reach a manager.
    Rule(
        "report_manager_request",
        "681 Annex 1 §2 III.4",
        "Khi kết thúc cuộc gọi, GDV báo cáo lại Trưởng nhóm/Lãnh đạo nội dung cuộc gọi để có phương án xử lý phù hợp.",
    ),
    # Annex 1 §2.1 — outbound calls (asking for information or announcing a result).
    Rule(
        "outbound_timing",
        "681 Annex 1 §2.1",
        "Lựa chọn thời gian gọi thích hợp: GDV nên tránh các khoảng thời gian ngoài giờ làm việc như sáng "
        "sớm, buổi tối hoặc giờ nghỉ trưa. Trong trường hợp bắt buộc phải liên hệ vào các khoảng thời gian "
        "này, GDV nên chủ động xin lỗi vì đã làm phiền tổ chức, cá nhân ngay từ đầu cuộc gọi.",
    ),
    Rule(
        "outbound_prepare",
        "681 Annex 1 §2.1",
        "Chuẩn bị sẵn sàng các hệ thống hỗ trợ, tra cứu thông tin tổ chức, cá nhân để có thể kiểm tra và hỗ "
        "trợ tổ chức, cá nhân nhanh chóng. Nắm rõ các thông tin về tổ chức, cá nhân cần liên hệ (độ tuổi giới "
        "tính,...) để lựa chọn cách xưng hô phù hợp.",
    ),
    Rule(
        "outbound_identify",
        "681 Annex 1 §2.1",
        "Khi mở đầu cuộc gọi, GDV cần xưng danh, cung cấp đầy đủ thông tin từ đâu đến, lý do gọi. GDV cần xác "
        "nhận lại thông tin của tổ chức, cá nhân để chắc chắn rằng cuộc gọi đang thực hiện đúng đối tượng.",
    ),
    Rule(
        "outbound_concise",
        "681 Annex 1 §2.1",
        "Nội dung cuộc gọi cần ngắn gọn, có trọng tâm: GDV cần chuẩn bị kỹ các nội dung cần trao đổi với tổ "
        "chức, cá nhân dự kiến một số câu hỏi, tình huống tổ chức, cá nhân có thể thắc mắc để có phương án trả "
        "lời phù hợp.",
    ),
    Rule(
        "outbound_closing",
        "681 Annex 1 §2.1",
        "Kết thúc cuộc gọi GDV cần cảm ơn tổ chức, cá nhân và hướng dẫn tổ chức, cá nhân liên hệ lại nếu cần thêm thông tin.",
    ),
    # Annex 1 §2.2 — portal, fanpage, email.
    Rule(
        "written_style",
        "681 Annex 1 §2.2",
        "Sử dụng lối văn viết, tuân thủ quy định về mẫu, thể thức trình bày văn bản.",
    ),
    Rule(
        "written_tone",
        "681 Annex 1 §2.2",
        "Văn phong chặt chẽ, súc tích, luôn thể hiện sự tôn trọng tổ chức, cá nhân.",
    ),
    Rule(
        "written_sender_name",
        "681 Annex 1 §2.2",
        "Sử dụng danh nghĩa chung là BHXH Việt Nam khi giao tiếp với tổ chức, cá nhân.",
    ),
    Rule(
        "written_out_of_remit",
        "681 Annex 1 §2.2",
        "Trường hợp yêu cầu của tổ chức, cá nhân không thuộc phạm vi giải quyết của BHXH Việt Nam, cán bộ đầu "
        "mối CSKH cần trả lời ngay cho tổ chức, cá nhân.",
    ),
    Rule(
        "written_escalate",
        "681 Annex 1 §2.2",
        "Trường hợp yêu cầu của tổ chức, cá nhân ngoài khả năng giải quyết của cán bộ đầu mối CSKH, cán bộ đầu "
        "mối CSKH cần nhanh chóng ghi nhận thông tin, báo cáo Lãnh đạo đơn vị và gửi các đơn vị liên quan để "
        "kịp thời xử lý. Nếu yêu cầu của tổ chức, cá nhân chưa thể xử lý được ngay, cán bộ đầu mối CSKH cần "
        "chủ động thông báo yêu cầu đã được tiếp nhận và đang trong thời gian xử lý; đồng thời hẹn tổ chức, cá "
        "nhân thời gian phản hồi cuối cùng (nếu có).",
    ),
)

RULE_BY_KEY: dict[str, Rule] = {r.key: r for r in RULES}


# ---------------------------------------------------------------------------
# Callback hours — Decision 681 Annex 1 §2.1
# ---------------------------------------------------------------------------

# Annex 1 §2.1 names the periods to avoid ("sáng sớm, buổi tối hoặc giờ nghỉ trưa", i.e. outside
# working hours) but gives NO clock times. The windows below are a product default: the overlap of
# the usual Vietnamese office-hour regimes (07:30–11:30/13:30–17:00 and 08:00–12:00/13:00–17:00),
# local time, on working days only. Tenants may narrow them. A call outside them is allowed when
# unavoidable, but the agent must apologise at the start (script "outbound_out_of_hours_apology").
CALLBACK_WINDOWS: tuple[tuple[time, time], ...] = (
    (time(8, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
CALLBACK_WORKING_DAYS_ONLY: bool = True
CALLBACK_OUT_OF_HOURS_NEEDS_APOLOGY: bool = True


# ---------------------------------------------------------------------------
# Identity fields — Decision 681 Annex 2 §2.1 item 2.2 and the complaint table item 2
# ---------------------------------------------------------------------------

IDENTITY_FIELDS_INDIVIDUAL: tuple[tuple[str, str], ...] = (
    ("full_name", "Họ và tên"),
    ("id_number", "Số CMND/CCCD/Hộ chiếu"),
    ("insurance_code", "Mã số BHXH/số sổ BHXH/mã thẻ BHYT"),
    ("question", "Nội dung cần hỗ trợ"),
)
IDENTITY_FIELDS_ORGANISATION: tuple[tuple[str, str], ...] = (
    ("org_name", "Tên của tổ chức"),
    ("unit_code", "Mã số đơn vị"),
    ("question", "Nội dung cần hỗ trợ"),
)


# ---------------------------------------------------------------------------
# Deadlines — Decision 681 Annex 2 §1 "Thời gian xử lý tối đa"
# ---------------------------------------------------------------------------

# Channel groups used in ANNEX2_LIMITS, mapped to the Art. 5 channels they cover.
# "portal_email": Annex 2 §1 II.3 gives these limits for "Cổng Thông tin điện tử BHXH Việt Nam";
# §1 III.3 says email applies "mục 3, 4, phần II" (which also contains the fanpage limits): the
# portal limits are used for email, as DOMAIN.md does. The National Public Service Portal
# (Art. 5.2), post (5.6) and other channels (5.7) have no limit in Annex 2.
LIMIT_CHANNELS: dict[str, tuple[str, ...]] = {
    "hotline": ("hotline",),
    "portal_email": ("web_portal", "email"),
    "fanpage": ("fanpage",),
    "written": ("web_portal", "fanpage", "email"),
}

LIMIT_UNITS: tuple[str, ...] = ("minutes", "working_days", "immediate", "rings", "daily")

ANNEX2_LIMITS: tuple[Limit, ...] = (
    # Annex 2 §1 I — telephone hotline.
    Limit(
        "hotline_pickup",
        "hotline",
        "pick up an incoming call",
        3,
        "rings",
        "Nhận cuộc gọi đến: Chậm nhất sau 03 hồi chuông phải nhấc máy",
        "681 Annex 2 §1 I.1",
    ),
    Limit(
        "hotline_record_entry",
        "hotline",
        "enter the call record (incoming and outgoing calls)",
        5,
        "minutes",
        "Nhập dữ liệu cuộc gọi hệ thống (cuộc gọi đến, cuộc gọi đi): 05 phút kể từ khi kết thúc cuộc gọi",
        "681 Annex 2 §1 I.2",
    ),
    Limit(
        "hotline_unit_handling",
        "hotline",
        "record and forward a question beyond the agent to specialist units for handling",
        5,
        "working_days",
        "Thực hiện ghi nhận thông tin chuyển đơn vị nghiệp vụ phối hợp xử lý trong trường hợp câu hỏi chuyên "
        "sâu, vượt khả năng của GDV: 05 ngày làm việc",
        "681 Annex 2 §1 I.3",
    ),
    Limit(
        "hotline_relay",
        "hotline",
        "relay the specialist units' answer to the customer",
        1,
        "working_days",
        "Chuyển phản hồi từ các đơn vị nghiệp vụ đến tổ chức, cá nhân: 01 ngày làm việc",
        "681 Annex 2 §1 I.4",
    ),
    # Annex 2 §1 II (portal, fanpage) and III (email).
    Limit(
        "written_intake",
        "written",
        "collect incoming questions",
        1,
        "daily",
        "Nhận câu hỏi gửi đến: Hàng ngày",
        "681 Annex 2 §1 II.1, III.1; Art. 6.2 step 1",
    ),
    Limit(
        "written_immediate",
        "written",
        "answer a question that can be answered at once",
        0,
        "immediate",
        "Với câu trả lời được ngay: Trả lời ngay cho tổ chức, cá nhân",
        "681 Annex 2 §1 II.2, III.2",
    ),
    Limit(
        "written_out_of_remit",
        "written",
        "tell the customer the question is outside the agency's remit",
        0,
        "immediate",
        "Đối với câu hỏi không liên quan đến phạm vi, chức năng nhiệm vụ của BHXH Việt Nam thì phải thông báo "
        "ngay cho tổ chức, cá nhân đặt câu hỏi biết.",
        "681 Annex 2 §1 II.3 (portal); Annex 1 §2.2 (portal, fanpage, email)",
    ),
    Limit(
        "written_answer_one_unit",
        "portal_email",
        "answer, one unit competent",
        7,
        "working_days",
        "Chậm nhất 07 ngày làm việc đối với câu hỏi thuộc thẩm quyền giải quyết của 01 đơn vị.",
        "681 Annex 2 §1 II.3, III.3",
    ),
    Limit(
        "written_answer_many_units",
        "portal_email",
        "answer, complex question involving several units",
        10,
        "working_days",
        "Trong vòng 10 ngày làm việc đối với câu hỏi phức tạp liên quan đến nhiều đơn vị.",
        "681 Annex 2 §1 II.3, III.3",
    ),
    Limit(
        "written_relay",
        "portal_email",
        "send the unit's answer on to the customer",
        2,
        "working_days",
        "Ngay sau khi nhận được câu trả lời từ đơn vị, không quá 02 ngày làm việc, cán bộ đầu mối CSKH phải "
        "gửi câu trả lời tới tổ chức, cá nhân.",
        "681 Annex 2 §1 II.3, III.3",
    ),
    Limit(
        "fanpage_one_unit",
        "fanpage",
        "answer, one unit competent",
        1,
        "working_days",
        "Tối đa 01 ngày làm việc đối với các câu hỏi, vướng mắc, phản ánh, kiến nghị thuộc thẩm quyền giải quyết của 01 đơn vị.",
        "681 Annex 2 §1 II.3",
    ),
    Limit(
        "fanpage_two_units",
        "fanpage",
        "answer, two units must supply information",
        2,
        "working_days",
        "Tối đa 02 ngày làm việc đối với các câu hỏi, vướng mắc, phản ánh, kiến nghị yêu cầu sự phối hợp cung "
        "cấp thông tin của 02 đơn vị.",
        "681 Annex 2 §1 II.3",
    ),
    Limit(
        "fanpage_three_plus_units",
        "fanpage",
        "answer, complex case involving three or more units",
        3,
        "working_days",
        "Tối đa 03 ngày làm việc đối với các trường hợp phức tạp, liên quan đến từ 03 đơn vị trở lên.",
        "681 Annex 2 §1 II.3",
    ),
)

LIMIT_BY_KEY: dict[str, Limit] = {lim.key: lim for lim in ANNEX2_LIMITS}

# Annex 2 §1 "Ghi chú": limits are maxima and may be shortened, never lengthened.
LIMITS_NOTE = "Thời gian trả lời tổ chức, cá nhân có thể được rút ngắn hơn trong các trường hợp cần thiết."
LIMITS_MAY_BE_SHORTENED: bool = True
