"""E-mail channel against an aiosmtpd sink on an ephemeral port."""

import json
import time

import pytest

from seawarden.deliver import DeliveryError
from seawarden.deliver.config import SmtpConfig
from seawarden.deliver.smtp import SmtpChannel, build_message
from seawarden.deliver.summary import subject
from tests.deliver.conftest import free_port, make_record
from tests.deliver.peers import SmtpSink

pytestmark = pytest.mark.anyio


def channel_for(port: int) -> SmtpChannel:
    return SmtpChannel(
        SmtpConfig(
            name="mail",
            org="fi-navy",
            host="127.0.0.1",
            port=port,
            security="none",
            timeout_s=3,
            sender="SeaWarden <alerts@seawarden.example>",
            recipients=["watch@navy.example", "duty@navy.example"],
        )
    )


def test_subject_reads_like_a_watch_officer_wants():
    assert (
        subject(make_record()) == "[SeaWarden HIGH] anchor_drag_suspected EAGLE S (518998865) near estlink-2"
    )
    assert subject(make_record(name=None, infrastructure=None, area=None, version=3)) == (
        "[SeaWarden HIGH] anchor_drag_suspected 518998865 (update 3)".replace("518998865", "MMSI 518998865")
    )
    injected = subject(make_record(name="EVIL\r\nBcc: all@example.org"))
    assert "\n" not in injected and "\r" not in injected


async def test_mail_with_summary_and_json_attachment_reaches_the_sink(record):
    with SmtpSink() as sink:
        channel = channel_for(sink.port)
        started = time.perf_counter()
        await channel.send(record, idempotency_key="a-1:v1:mail")
        print(f"\nSMTP delivery latency: {1000 * (time.perf_counter() - started):.1f} ms")
        await channel.close()
    ((rcpts, message),) = sink.messages
    assert rcpts == ["watch@navy.example", "duty@navy.example"]
    # long subjects are folded on the wire; MUAs unfold (RFC 5322 2.2.3)
    assert (
        message["Subject"].strip()
        == "[SeaWarden HIGH] anchor_drag_suspected EAGLE S (518998865) near estlink-2"
    )
    assert message["Importance"] == "high"
    assert message["Message-ID"].endswith("@seawarden.example>")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("RELEASABLE TO: JEF, NATO")
    for fact in (
        "EAGLE S (518998865)",
        "9329760",
        "estlink-2",
        "59.98000°N 25.25000°E",
        "dragged anchor",
        "2024-12-25T12:00:00Z",
    ):
        assert fact in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "seawarden-alert-a-518998865-1735128000-v1.json"
    assert json.loads(attachment.get_content()) == record


async def test_permanent_and_temporary_smtp_refusals(record):
    with SmtpSink(rcpt_reply="550 5.1.1 no such user") as sink, pytest.raises(DeliveryError) as caught:
        await channel_for(sink.port).send(record, idempotency_key="k")
    assert not caught.value.retryable
    with SmtpSink(data_reply="451 4.3.0 try again later") as sink, pytest.raises(DeliveryError) as caught:
        await channel_for(sink.port).send(record, idempotency_key="k")
    assert caught.value.retryable and "451" in caught.value.detail
    with pytest.raises(DeliveryError) as caught:
        await channel_for(free_port()).send(record, idempotency_key="k")
    assert caught.value.retryable


def test_same_key_same_message_id(record):
    kw = dict(sender="a@b.example", recipients=["c@d.example"])
    one = build_message(record, idempotency_key="k1", **kw)
    assert one["Message-ID"] == build_message(record, idempotency_key="k1", **kw)["Message-ID"]
    assert one["Message-ID"] != build_message(record, idempotency_key="k2", **kw)["Message-ID"]
