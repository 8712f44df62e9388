"""The abbreviations agents and citizens type, expanded the same way in the bank and in queries.

Keys are folded (no marks, đ → d), so "tnlđ" and "tnld" share one row. Only abbreviations with one reading in
this domain are listed: "đk" (đăng ký / điều kiện), "hs" (hồ sơ / học sinh), "bn" (bao nhiêu / bạn),
"kh" (không / khách hàng), "nd" (nội dung / nghị định) and "dt" (điện thoại / đào tạo) are left
as typed on purpose — a wrong expansion would hide the entry the agent is looking for.
"""

from __future__ import annotations

ABBREVIATIONS: dict[str, str] = {
    # insurance schemes and their parts
    "bh": "bảo hiểm",
    "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế",
    "bhtn": "bảo hiểm thất nghiệp",
    "bhxhvn": "bảo hiểm xã hội việt nam",
    "bhxhtn": "bảo hiểm xã hội tự nguyện",
    "bhxhbb": "bảo hiểm xã hội bắt buộc",
    "tnld": "tai nạn lao động",
    "bnn": "bệnh nghề nghiệp",
    "tnldbnn": "tai nạn lao động bệnh nghề nghiệp",
    "tctn": "trợ cấp thất nghiệp",
    "kcb": "khám chữa bệnh",
    "kcbbd": "khám chữa bệnh ban đầu",
    "bv": "bệnh viện",
    "hdld": "hợp đồng lao động",
    "nld": "người lao động",
    "nsdld": "người sử dụng lao động",
    "ld": "lao động",
    "dn": "doanh nghiệp",
    "cty": "công ty",
    "dvc": "dịch vụ công",
    "tthc": "thủ tục hành chính",
    "mst": "mã số thuế",
    # identity papers
    "cccd": "căn cước công dân",
    "cmnd": "chứng minh nhân dân",
    "cmt": "chứng minh thư",
    # bodies and legal documents
    "ubnd": "ủy ban nhân dân",
    "ldtbxh": "lao động thương binh và xã hội",
    "ndcp": "nghị định chính phủ",
    "qd": "quyết định",
    "tp": "thành phố",
    "hcm": "hồ chí minh",
    "tphcm": "thành phố hồ chí minh",
    # chat shorthand ("rút 1 lần" is "rút một lần")
    "1": "một",
    "ko": "không",
    "k": "không",
    "kg": "không",
    "hok": "không",
    "dc": "được",
    "ng": "người",
    "ntn": "như thế nào",
    "bnhieu": "bao nhiêu",
    "vs": "với",
    "trc": "trước",
    "mn": "mọi người",
    "cx": "cũng",
    "j": "gì",
    "sdt": "số điện thoại",
    "tk": "tài khoản",
    "cskh": "chăm sóc khách hàng",
}
