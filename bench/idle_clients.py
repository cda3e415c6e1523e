#!/usr/bin/env python3
"""Opens N TLS connections to 127.0.0.1:PORT, completes each handshake, and
holds them all idle: prints "ready N" once every handshake is done (or
"ready K" with the count that succeeded), then waits until stdin closes.
For bench/side_by_side.sh's idle-connection RSS figure.
    idle_clients.py PORT N"""
import asyncio
import ssl
import sys


async def main(port: int, n: int) -> None:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    gate = asyncio.Semaphore(100)
    writers = []

    async def one() -> None:
        async with gate:
            try:
                _, w = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", port, ssl=ctx), 30)
                writers.append(w)
            except (OSError, asyncio.TimeoutError, ssl.SSLError):
                pass

    await asyncio.gather(*(one() for _ in range(n)))
    print(f"ready {len(writers)}", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
