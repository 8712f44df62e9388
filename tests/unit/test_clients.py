"""AWS clients are created when first used, once, from one botocore session."""

from __future__ import annotations

from chalicelib.adapters.clients import LazyClient, lazy_client, session


def test_a_client_is_created_on_first_use_only() -> None:
    sqs = lazy_client("sqs", region_name="ap-southeast-1", endpoint_url="http://127.0.0.1:1")
    assert isinstance(sqs, LazyClient) and not sqs.created
    assert sqs.meta.service_model.service_name == "sqs"
    assert sqs.created and sqs.meta.region_name == "ap-southeast-1" and sqs.meta.endpoint_url == "http://127.0.0.1:1"
    assert sqs._real() is sqs._real()


def test_clients_share_the_session() -> None:
    assert session() is session()
    ses = lazy_client("ses", region_name="ap-southeast-1")
    assert ses.can_paginate("list_identities") is True
    assert ses.exceptions.MessageRejected.__name__ == "MessageRejected"
