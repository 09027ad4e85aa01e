"""The official Python SDK's streamable HTTP client against `grounded serve --http`.

Run by .ci/run: python3 tests/clients/python_http_client.py PATH/TO/grounded
It makes two tokens in a temporary database, starts the server on a free loopback
port, and checks what a remote team member would rely on: the handshake, tools with
their outputSchema (validated by the SDK), the token's name as the author, a
read-only token refused a write, resources listed and read, and 401 without a token.
"""

import asyncio
import subprocess
import sys
import tempfile

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client


def token(binary: str, db: str, name: str, *extra: str) -> str:
    out = subprocess.run([binary, "--db", db, "token", "add", name, *extra], check=True, capture_output=True, text=True)
    return out.stdout.strip()


async def main(binary: str) -> None:
    db = tempfile.mkdtemp()
    writer = token(binary, db, "python-http")
    viewer = token(binary, db, "python-viewer", "--read-only")
    server = subprocess.Popen([binary, "--db", db, "serve", "--http", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
    try:
        url = None
        for line in server.stderr:
            if line.startswith("grounded: listening on "):
                url = line.split("listening on ", 1)[1].strip()
                break
        assert url, "the server said where it listens"

        async with create_mcp_http_client(headers={"Authorization": f"Bearer {writer}"}) as http:
            async with streamable_http_client(url, http_client=http) as (read, write):
                async with ClientSession(read, write) as session:
                    init = await session.initialize()
                    assert init.server_info.name == "grounded", init.server_info
                    tools = (await session.list_tools()).tools
                    assert len(tools) >= 20 and all(t.output_schema for t in tools), [t.name for t in tools]
                    okr = {"objective": "New customers reach lasting value in their first week", "owner": "Maya Chen",
                           "cycle": "2026-Q4", "key_results": ["Raise week-1 to month-3 retention from 50% to 65%"]}
                    drafted = await session.call_tool("draft_okr", okr)
                    assert not drafted.is_error, drafted.content
                    detail = await session.call_tool("get_okr", {"id": "O-1", "detail": "full"})
                    authors = {e["author"] for e in detail.structured_content["full"]["history"]}
                    assert authors == {"python-http"}, authors
                    resources = (await session.list_resources()).resources
                    uris = [str(r.uri) for r in resources]
                    assert "grounded://objective/O-1" in uris and "grounded://cycle/2026-Q4/report.md" in uris, uris
                    report = await session.read_resource("grounded://cycle/2026-Q4/report.md")
                    assert "O-1" in report.contents[0].text
                    prompts = (await session.list_prompts()).prompts
                    assert {p.name for p in prompts} >= {"draft_okrs", "weekly_checkin"}, prompts

        async with create_mcp_http_client(headers={"Authorization": f"Bearer {viewer}"}) as http:
            async with streamable_http_client(url, http_client=http) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    refused = await session.call_tool("update_okr", {"id": "O-1", "changes": {"title": "x"}})
                    assert refused.is_error and "read-only" in refused.content[0].text, refused.content
                    shown = await session.call_tool("get_okr", {"id": "O-1"})
                    assert not shown.is_error, shown.content

        async with httpx2.AsyncClient() as http:
            answer = await http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                     headers={"Accept": "application/json, text/event-stream"})
            assert answer.status_code == 401 and answer.headers["www-authenticate"].startswith("Bearer"), answer
        print("python SDK over streamable HTTP: handshake, tools, authorship, read-only refusal, resources, prompts, 401: ok")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
