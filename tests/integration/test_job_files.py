"""The files bucket on moto: objects written and read back, presigned links that fetch and upload the file."""

from __future__ import annotations

import pytest
import requests

from chalicelib.adapters.files import FileMissingError


@pytest.fixture
def files(stack):
    from chalicelib.bootstrap import container

    return container().jobs._files  # the adapter the app's job service was wired with


def test_a_result_is_stored_and_its_presigned_link_downloads_it_under_its_vietnamese_name(files, stack, tmp_path, unique):
    source = tmp_path / "out.csv"
    source.write_bytes("\ufeffMã mục,Câu hỏi\r\nKB-1,Đóng BHXH?\r\n".encode())
    key = f"jobs/hanoi/{unique}/ngân hàng.csv"
    assert files.put(key=key, path=source, content_type="text/csv; charset=utf-8") == source.stat().st_size
    url = files.download_url(key=key, file_name="ngân hàng.csv", content_type="text/csv; charset=utf-8", seconds=60)
    assert url.startswith(stack.endpoint + "/"), "locally the link is the emulator's, on loopback"
    reply = requests.get(url, timeout=10)
    assert reply.status_code == 200 and reply.content == source.read_bytes()
    assert "filename*=UTF-8''ng%C3%A2n%20h%C3%A0ng.csv" in reply.headers["Content-Disposition"]
    copy = tmp_path / "copy.csv"
    files.fetch(key=key, path=copy)
    assert copy.read_bytes() == source.read_bytes()


def test_a_presigned_form_uploads_one_file_and_a_missing_key_is_told_apart(files, tmp_path, unique):
    key = f"uploads/hanoi/leader/{unique}"
    assert not files.exists(key=key)
    url, fields = files.upload_form(key=key, max_bytes=1024, seconds=60)
    reply = requests.post(url, data=fields, files={"file": ("bank.csv", b"a,b\r\n")}, timeout=10)
    assert reply.status_code in (200, 201, 204), reply.text
    assert files.exists(key=key)
    with pytest.raises(FileMissingError):
        files.fetch(key=f"uploads/hanoi/leader/none-{unique}", path=tmp_path / "x")


def test_the_bucket_is_private_encrypted_and_expires_its_objects(stack):
    import boto3

    s3 = boto3.client("s3", endpoint_url=stack.endpoint, region_name=stack.region)
    block = s3.get_public_access_block(Bucket=stack.files_bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    rules = s3.get_bucket_lifecycle_configuration(Bucket=stack.files_bucket)["Rules"]
    assert rules[0]["Expiration"]["Days"] == 7
    encryption = s3.get_bucket_encryption(Bucket=stack.files_bucket)["ServerSideEncryptionConfiguration"]
    assert encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
