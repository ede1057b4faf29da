#!/usr/bin/env python3
"""TEST ONLY — a tiny re-injection content filter for scripts/e2e. Not for production mail.

It stands where amavisd-new would: Postfix hands every message to it over SMTP
(content_filter = scan:[127.0.0.1]:10025), it adds one header, and it re-injects
the message into a second Postfix smtpd (127.0.0.1:10026) over the same SMTP
session, passing back Postfix's own replies, so the first Postfix logs
`relay=127.0.0.1[127.0.0.1]:10025, ... status=sent (250 2.0.0 Ok: queued as Q2)`:
the filter-hop link the flow correlator follows.

Usage: e2e-filter.py LISTEN_PORT UPSTREAM_PORT   (both on 127.0.0.1)
"""
import asyncio
import sys

HEADER = b"X-Mailsla-E2E-Filter: passed (test-only filter)\r\n"
# Extensions the proxy cannot relay byte for byte are hidden from the client.
HIDDEN = (b"CHUNKING", b"BINARYMIME", b"STARTTLS", b"PIPELINING", b"XCLIENT")


async def read_reply(reader):
    """One SMTP reply (all its lines) from upstream."""
    lines = []
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("upstream closed")
        lines.append(line)
        if len(line) < 4 or line[3:4] != b"-":
            return lines


def filter_ehlo(lines):
    kept = [l for l in lines if not any(l[4:].upper().startswith(h) for h in HIDDEN)]
    # Every line but the last continues the reply.
    return [l[:3] + (b" " if i == len(kept) - 1 else b"-") + l[4:] for i, l in enumerate(kept)]


async def session(client_r, client_w, upstream_port):
    try:
        up_r, up_w = await asyncio.open_connection("127.0.0.1", upstream_port)
    except OSError:
        client_w.write(b"421 4.3.0 test filter: upstream unavailable\r\n")
        await client_w.drain()
        client_w.close()
        return
    try:
        client_w.writelines(await read_reply(up_r))
        await client_w.drain()
        while True:
            line = await client_r.readline()
            if not line:
                break
            up_w.write(line)
            await up_w.drain()
            reply = await read_reply(up_r)
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb in (b"EHLO",):
                reply = filter_ehlo(reply)
            client_w.writelines(reply)
            await client_w.drain()
            if verb == b"DATA" and reply[-1].startswith(b"354"):
                up_w.write(HEADER)
                while True:
                    data = await client_r.readline()
                    if not data:
                        return
                    up_w.write(data)
                    if data == b".\r\n":
                        break
                await up_w.drain()
                client_w.writelines(await read_reply(up_r))
                await client_w.drain()
            if verb == b"QUIT":
                break
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        up_w.close()
        client_w.close()


async def main():
    listen_port, upstream_port = int(sys.argv[1]), int(sys.argv[2])
    server = await asyncio.start_server(
        lambda r, w: session(r, w, upstream_port), "127.0.0.1", listen_port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
