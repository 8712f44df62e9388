"""Agent scripts of Decision 681/QĐ-BHXH, Annex 1 (the deadlines of Annex 2 are in chalicelib/sla/annex2.py)."""

from __future__ import annotations

from dataclasses import dataclass

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
