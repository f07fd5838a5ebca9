"""B1 peer: Python asyncio line echo, Protocol style (data_received)."""
import asyncio


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.pending = b""

    def data_received(self, data):
        self.pending += data
        end = self.pending.rfind(b"\n") + 1
        if end:
            self.transport.write(self.pending[:end])
            self.pending = self.pending[end:]


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
