"""Network sources against real peers on 127.0.0.1 (ephemeral ports, bounded waits)."""

import asyncio

import pytest

from seawarden.sources.network import LineSplitter, TcpClientSource, TcpServerSource, UdpSource

LINE = "!AIVDM,1,1,,A,13aDp<PP000IwSlN?Wm@0?wN2<1T,0*29"
TIMEOUT = 5.0


async def take(source, count: int) -> list[tuple[str, str]]:
    got = []

    async def collect() -> None:
        async for item in source:
            got.append(item)
            if len(got) == count:
                return

    await asyncio.wait_for(collect(), TIMEOUT)
    return got


def test_line_splitter_cuts_overlong_lines_without_buffering() -> None:
    splitter = LineSplitter(max_line_bytes=10)
    assert splitter.feed(b"abc\r\nde") == ["abc"]
    assert splitter.feed(b"f\n" + b"x" * 25) == ["def", "x" * 11]
    assert splitter.feed(b"y" * 1000) == []  # the rest of the long line is skipped, not kept
    assert len(splitter._buffer) == 0
    assert splitter.feed(b"z\nok\n\n") == ["ok", ""]
    assert splitter.feed(b"tail") == [] and splitter.flush() == ["tail"]
    assert splitter.oversized == 1


def test_backoff_is_capped_and_jittered() -> None:
    source = TcpClientSource("127.0.0.1", 9, initial_backoff_s=1, max_backoff_s=8, jitter=0.25)
    delays = [source.backoff(n) for n in range(1, 10)]
    assert 0.75 <= delays[0] <= 1.25 and 1.5 <= delays[1] <= 2.5
    assert all(d <= 8 * 1.25 for d in delays) and max(delays) >= 6


def test_tcp_client_reconnects_after_peer_closes() -> None:
    async def scenario() -> None:
        connections = 0

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal connections
            connections += 1
            writer.write(f"{LINE}\n# conn {connections}\n".encode())
            await writer.drain()
            writer.close()  # drop the client: it must come back

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = TcpClientSource("127.0.0.1", port, initial_backoff_s=0.01, max_backoff_s=0.05)
        client.start()
        try:
            got = await take(client, 6)
        finally:
            await client.stop()
            server.close()
            await server.wait_closed()
        assert [line for line, _ in got[:2]] == [LINE, "# conn 1"]
        assert {source for _, source in got} == {f"tcp:127.0.0.1:{port}"}
        assert client.connections >= 3 and client.reconnects >= 2

    asyncio.run(scenario())


def test_tcp_client_backs_off_when_nobody_listens() -> None:
    async def scenario() -> None:
        probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = probe.sockets[0].getsockname()[1]
        probe.close()
        await probe.wait_closed()  # the port is now closed
        client = TcpClientSource("127.0.0.1", port, initial_backoff_s=0.01, max_backoff_s=0.02)
        client.start()
        deadline = asyncio.get_running_loop().time() + 10.0  # bounded; a loaded CI machine is slow
        while client.reconnects < 3 and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        await client.stop()
        assert client.connections == 0 and client.reconnects >= 3

    asyncio.run(scenario())


def test_tcp_listener_many_clients() -> None:
    async def scenario() -> None:
        server = TcpServerSource("127.0.0.1", 0, max_line_bytes=200)
        await server.start()

        async def send(payload: bytes) -> None:
            _, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(payload)
            await writer.drain()
            writer.close()
            await writer.wait_closed()

        await asyncio.gather(send(f"{LINE}\n{LINE}\n".encode()), send(b"A" * 5000 + b"\nlast-no-newline"))
        got = await take(server, 4)
        await server.stop()
        lines = sorted(line for line, _ in got)
        assert lines.count(LINE) == 2 and "last-no-newline" in lines
        assert any(len(line) == 201 for line in lines)  # cut, for the decoder to reject as too long
        assert len({source for _, source in got}) == 2 and server.clients == 2

    asyncio.run(scenario())


def test_udp_listener() -> None:
    async def scenario() -> None:
        udp = UdpSource("127.0.0.1", 0)
        await udp.start()
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            asyncio.DatagramProtocol, remote_addr=("127.0.0.1", udp.port)
        )
        transport.sendto(f"{LINE}\r\n{LINE}".encode())
        transport.sendto(b"\xff\xfe junk\n")
        got = await take(udp, 3)
        transport.close()
        await udp.stop()
        assert [line for line, _ in got][:2] == [LINE, LINE]
        assert got[2][0].endswith("junk") and got[0][1].startswith(f"udp:127.0.0.1:{udp.port}/127.0.0.1:")

    asyncio.run(scenario())


def test_udp_drops_when_queue_full() -> None:
    async def scenario() -> None:
        udp = UdpSource("127.0.0.1", 0, queue_size=2)
        await udp.start()
        udp._datagram(f"{LINE}\n{LINE}\n{LINE}\n".encode(), ("127.0.0.1", 1))
        assert udp.dropped == 1 and udp.lines_received == 2
        assert await take(udp, 2) == [(LINE, f"{udp.name}/127.0.0.1:1")] * 2
        await udp.stop()

    asyncio.run(scenario())


@pytest.mark.parametrize("payload", [b"", b"\n"])
def test_splitter_edge_cases(payload: bytes) -> None:
    splitter = LineSplitter()
    assert splitter.feed(payload) == ([] if payload == b"" else [""])
