"""An independent MCP client (the official Python SDK) against the built binary.

Run by .ci/run: python3 tests/clients/python_client.py PATH/TO/grounded
The Python SDK validates structured content against each tool's outputSchema and
the schemas themselves against the JSON Schema metaschema, which rmcp does not.
"""

import asyncio
import sys
import tempfile

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def main(binary: str) -> None:
    db = tempfile.mkdtemp()
    params = StdioServerParameters(command=binary, args=["serve", "--db", db], env={"GROUNDED_USER": "python-client"})
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            assert init.server_info.name == "grounded", init.server_info
            tools = (await session.list_tools()).tools
            names = sorted(t.name for t in tools)
            assert {"add_evidence", "add_indicator", "add_initiative", "check_okr", "draft_okr", "get_okr", "import_evidence",
                    "link_evidence", "list_okrs", "search_evidence", "suggest_links", "unlink_evidence", "update_okr",
                    "record_measurements", "import_measurements", "delete_measurements", "delete_evidence", "erase_participant", "sync_sources", "score", "validate_indicator",
                    "explain", "report"} <= set(names), names
            assert all(t.output_schema for t in tools), "every tool has an outputSchema"

            okr = {
                "objective": "New customers reach lasting value in their first week",
                "owner": "Maya Chen",
                "cycle": "2026-Q4",
                "key_results": [
                    "Raise week-1 to month-3 retention from 50% to 65%",
                    {"statement": "Raise the share of new accounts that finish a first project within 7 days from 40% to 60%", "role": "leading"},
                    "Lift onboarding satisfaction (1–5 scale) from 3.3 to 4.1",
                ],
            }
            # Each call's structured content is validated against its outputSchema by the SDK.
            checked = await session.call_tool("check_okr", okr)
            assert not checked.is_error and checked.structured_content["tally"]["fail"] == 0, checked.content
            drafted = await session.call_tool("draft_okr", okr)
            assert drafted.structured_content["key_result_ids"] == ["KR-1", "KR-2", "KR-3"], drafted.structured_content
            refused = await session.call_tool("update_okr", {"id": "KR-1", "changes": {"target": 60}})
            assert refused.is_error and refused.content[0].text.startswith("reason: is needed"), refused.content
            updated = await session.call_tool("update_okr", {"id": "KR-1", "changes": {"target": 60}, "reason": "re-measured"})
            assert not updated.is_error and updated.structured_content["history_entry"]["author"] == "python-client"
            for tool, arguments in [
                ("add_indicator", {"key_result": "KR-1", "metric": "Teammate invites in week 1", "expected_lag_days": 21}),
                ("add_initiative", {"key_result": "KR-2", "title": "Guided first-project template"}),
                ("list_okrs", {"cycle": "2026-Q4"}),
                ("get_okr", {"id": "KR-2"}),
                ("record_measurements", {"measurements": [{"metric": "KR-1", "at": "2026-10-08", "value": 52, "n": 400}]}),
                ("score", {"subject": "KR-1", "as_of": "2026-10-10"}),
                ("score", {"subject": "O-1", "as_of": "2026-10-10"}),
                ("score", {"subject": "2026-Q4", "as_of": "2026-10-10"}),
                ("validate_indicator", {"indicator": "IND-1", "apply": False}),
                ("sync_sources", {"pull": False}),
                ("explain", {"question": "why did retention slip?", "as_of": "2026-10-10"}),
                ("explain", {"question": "why did the flux capacitor slip?"}),
                ("report", {"cycle": "2026-Q4", "as_of": "2026-10-10"}),
            ]:
                result = await session.call_tool(tool, arguments)
                assert not result.is_error, (tool, result.content)
            bad = await session.call_tool("check_okr", {"objective": 3})
            assert bad.is_error and bad.content[0].text.startswith("objective: invalid type"), bad.content
    print("python client: ok")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
