"""Runs every command of README.md, in order, the way a new user would: the README cannot drift.

Run by .ci/run after `cargo test`:

    python3 tests/readme_commands.py target/debug/grounded [README.md]
    python3 tests/readme_commands.py --self-test

Every ```sh, ```bash and ```console block of the README is read in order (in a console
block only the lines after a `$ ` prompt are commands). A line continued with `\\` is
joined to the next, a `# comment` is dropped (a `#` inside quotes is kept), and each
command runs with bash in one fresh folder holding a copy of examples/, with the binary
under test first on PATH as `grounded`, a fresh database (GROUNDED_DB) and a temporary
HOME, so nothing touches the real user's data. `export` and `cd` carry over from one
command to the next, as in a terminal. `cargo ...` lines are the developer's, not the
user's, and are left out.

Every command must exit 0 unless the README says otherwise, in an HTML comment (hidden
when the README is rendered) right before the block:

    <!-- readme-test
    exit 1: grounded check examples/okrs.yaml
    skip: grounded sync --add-json ... (needs stats.example.com, outside this machine)
    background: grounded serve --http
    -->

(one directive per line, or several on one line separated by `; `). A directive names its
command as the README writes it (comment dropped, blanks squeezed), or by its start
followed by ` ...` (up to a word boundary); the one naming the command wins, else the
longest start.
- `exit N: COMMAND (reason)`: the command must exit N; the reason may be left out when
  the README's own comment says why.
- `skip: COMMAND (reason)`: not run; the reason is required and printed.
- `background: COMMAND`: a server. It is started, must print `listening on URL` within
  READY_SECONDS (its /healthz must then answer 200), and is stopped before the next
  command runs; exiting before that is a failure.
A directive that fits no command of its block is an error: markers cannot go stale.
Every command's exit code is printed, with the tail of its output when it was not the
expected one; the script exits 1 when any command failed, after listing them all.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

COMMAND_FENCES = {"sh", "bash", "shell", "console"}
MARKER = "readme-test"
COMMAND_SECONDS = 120
READY_SECONDS = 15
TAIL_LINES = 15


@dataclass
class Directive:
    """What a marker says about the commands that start with `prefix`."""

    action: str  # "exit", "skip" or "background"
    prefix: str
    exit_code: int = 0
    reason: str = ""
    used: bool = False


@dataclass
class Command:
    """One command of the README, with where it is and what it must do."""

    text: str
    line: int
    expect: int = 0
    skip_reason: str | None = None
    background: bool = False


@dataclass
class Block:
    """A command block: its first line in the README, its commands and its marker."""

    line: int
    fence: str
    body: str
    directives: list[Directive] = field(default_factory=list)


class ReadmeError(Exception):
    """The README's blocks or markers cannot be read; names the line."""


# ---------------------------------------------------------------------------
# Reading the README


FENCE = re.compile(r"^(?P<indent> {0,3})(?P<ticks>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")


def blocks(markdown: str) -> list[Block]:
    """The command blocks of a Markdown text, in order, each with the marker before it."""
    lines = markdown.split("\n")
    found: list[Block] = []
    pending: list[Directive] | None = None
    pending_line = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        opening = FENCE.match(line)
        if opening:
            ticks = opening.group("ticks")
            info = opening.group("info").lower()
            body: list[str] = []
            j = i + 1
            while j < len(lines):
                closing = re.match(r"^ {0,3}(`{3,}|~{3,})\s*$", lines[j])
                if closing and closing.group(1)[0] == ticks[0] and len(closing.group(1)) >= len(ticks):
                    break
                if info in COMMAND_FENCES and FENCE.match(lines[j]):
                    # Markdown would read on to the next bare fence, running the prose
                    # between as commands: the block before was left open.
                    raise ReadmeError(f"line {j + 1}: a fence opens inside the ```{info} block of line {i + 1}: close that block first")
                body.append(lines[j])
                j += 1
            else:
                raise ReadmeError(f"line {i + 1}: the ```{info} block is never closed")
            if info in COMMAND_FENCES:
                found.append(Block(line=i + 2, fence=info, body="\n".join(body), directives=pending or []))
            elif pending:
                raise ReadmeError(f"line {pending_line}: a {MARKER} marker before a ```{info or 'plain'} block, which is not run")
            pending = None
            i = j + 1
            continue
        if line.lstrip().startswith("<!--") and MARKER in line:
            start = i
            text = line
            while "-->" not in text and i + 1 < len(lines):
                i += 1
                text += "\n" + lines[i]
            if "-->" not in text:
                raise ReadmeError(f"line {start + 1}: the {MARKER} comment is never closed")
            pending = directives(text, start + 1)
            pending_line = start + 1
        elif line.strip() and pending is not None:
            raise ReadmeError(f"line {pending_line}: a {MARKER} marker must come right before a command block")
        i += 1
    if pending is not None:
        raise ReadmeError(f"line {pending_line}: a {MARKER} marker with no command block after it")
    return found


DIRECTIVE = re.compile(r"^(?P<action>exit|skip|background)(?:\s+(?P<code>\d+))?\s*:\s*(?P<rest>.+)$")


def directives(comment: str, line: int) -> list[Directive]:
    """The directives of one `<!-- readme-test ... -->` comment."""
    inner = comment.strip()
    inner = inner[len("<!--") :] if inner.startswith("<!--") else inner
    inner = inner[: inner.rfind("-->")].strip()
    inner = inner[len(MARKER) :].lstrip(" :")
    parsed = []
    for part in re.split(r"\n|;\s+(?=(?:exit|skip|background)\b)", inner):
        part = part.strip()
        if not part:
            continue
        match = DIRECTIVE.match(part)
        if not match:
            raise ReadmeError(
                f"line {line}: {part!r} is not a directive; write `exit N: COMMAND`, "
                "`skip: COMMAND (reason)` or `background: COMMAND`"
            )
        action, code, rest = match.group("action"), match.group("code"), match.group("rest").strip()
        if action == "exit":
            if code is None:
                raise ReadmeError(f"line {line}: {part!r} needs the exit code, as in `exit 1: COMMAND`")
            command, reason = split_reason(rest)
            parsed.append(Directive("exit", command, exit_code=int(code), reason=reason))
        elif code is not None:
            raise ReadmeError(f"line {line}: {part!r}: only `exit` takes a number")
        elif action == "skip":
            command, reason = split_reason(rest)
            if not reason:
                raise ReadmeError(f"line {line}: {part!r} needs its reason in parentheses at the end")
            parsed.append(Directive("skip", command, reason=reason))
        else:
            parsed.append(Directive("background", normalize(rest)))
    if not parsed:
        raise ReadmeError(f"line {line}: an empty {MARKER} marker")
    return parsed


def split_reason(text: str) -> tuple[str, str]:
    """A directive's command and the reason in parentheses at its end, if any."""
    reason = re.search(r"\(([^()]+)\)\s*$", text)
    if not reason:
        return normalize(text), ""
    return normalize(text[: reason.start()]), reason.group(1).strip()


def normalize(command: str) -> str:
    """A command with its runs of blanks made one space, for matching directives."""
    return " ".join(command.split())


def split_commands(script: str, first_line: int = 1) -> list[tuple[str, int]]:
    """The commands of a block of shell text, as bash reads it, with the line each starts on.

    A newline ends a command unless it is quoted or escaped (`\\` then newline joins the
    lines); a `#` at the start of a word outside quotes starts a comment to the end of the
    line. Quotes and escapes are kept as they are: bash reads the command again when it runs.
    """
    commands: list[tuple[str, int]] = []
    current: list[str] = []
    start = first_line
    line = first_line
    quote = ""  # "'", '"' or "" outside quotes
    i = 0

    def finish() -> None:
        text = "".join(current).strip()
        if text:
            commands.append((text, start))
        current.clear()

    while i < len(script):
        char = script[i]
        if quote == "'":
            current.append(char)
            if char == "'":
                quote = ""
        elif char == "\\" and i + 1 < len(script):
            following = script[i + 1]
            if following == "\n":  # a continued line: bash drops both characters
                i += 2
                line += 1
                continue
            current.append(char + following)
            i += 1
        elif quote == '"':
            current.append(char)
            if char == '"':
                quote = ""
        elif char in "'\"":
            current.append(char)
            quote = char
        elif char == "#" and (not current or current[-1][-1:].isspace() or current[-1][-1:] in ";&|("):
            while i < len(script) and script[i] != "\n":
                i += 1
            continue
        elif char == "\n":
            finish()
            start = line + 1
        else:
            current.append(char)
        if char == "\n":
            line += 1
        i += 1
    if quote:
        raise ReadmeError(f"line {start}: a {quote} quote is never closed")
    finish()
    return commands


def commands_of(block: Block) -> list[Command]:
    """A block's commands, each with what its marker expects; cargo lines left out."""
    text = block.body
    if block.fence == "console":
        # Only what follows a `$ ` prompt is typed; its continued lines come with it.
        kept = []
        typing = False
        for raw in text.split("\n"):
            if raw.startswith("$ "):
                kept.append(raw[2:])
                typing = raw.rstrip().endswith("\\")
            elif typing:
                kept.append(raw)
                typing = raw.rstrip().endswith("\\")
            else:
                kept.append("")  # output: keeps the line numbers
        text = "\n".join(kept)
    found = []
    for command, line in split_commands(text, block.line):
        if re.match(r"^cargo(\s|$)", command):
            continue
        found.append(Command(command, line))
    for command in found:
        directive = best_directive(block.directives, normalize(command.text))
        if directive is None:
            continue
        directive.used = True
        if directive.action == "exit":
            command.expect = directive.exit_code
        elif directive.action == "skip":
            command.skip_reason = directive.reason
        else:
            command.background = True
    for directive in block.directives:
        if not directive.used:
            raise ReadmeError(
                f"line {block.line}: the marker's `{directive.action}: {directive.prefix}` fits no command of the block"
            )
    return found


def best_directive(candidates: list[Directive], command: str) -> Directive | None:
    """The directive naming `command`, else the longest `START ...` that begins it."""

    def fits(directive: Directive) -> bool:
        if directive.prefix.endswith(" ..."):
            start = directive.prefix[: -len(" ...")]
            return command == start or command.startswith(start + " ")
        return command == directive.prefix

    # The command itself before any start of it, then the longest start.
    return max(filter(fits, candidates), key=lambda d: (d.prefix == command, len(d.prefix)), default=None)


# ---------------------------------------------------------------------------
# Running the commands


STATE_SKIPPED = re.compile(r"^declare -[a-zA-Z]*x[a-zA-Z]* (BASHOPTS|SHELLOPTS|BASH_[A-Z_]+|_|PWD|OLDPWD|SHLVL)(=|$)")


class Workspace:
    """A fresh folder with the examples, a fresh database and a temporary HOME."""

    def __init__(self, binary: Path, repository: Path):
        self.root = Path(tempfile.mkdtemp(prefix="grounded-readme-"))
        self.folder = self.root / "work"
        shutil.copytree(repository / "examples", self.folder / "examples")
        home = self.root / "home"
        (home / ".local" / "share").mkdir(parents=True)
        bin_folder = self.root / "bin"
        bin_folder.mkdir()
        (bin_folder / "grounded").symlink_to(binary.resolve())
        env = {key: value for key, value in os.environ.items() if not key.startswith("GROUNDED_")}
        env.update(
            HOME=str(home),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_CACHE_HOME=str(home / ".cache"),
            PATH=f"{bin_folder}{os.pathsep}{env.get('PATH', '')}",
            GROUNDED_DB=str(self.folder / ".grounded"),
            GROUNDED_USER="README reader",
            GROUNDED_TZ="UTC",
        )
        self.env = env
        # What `export` and `cd` left behind, for the next command.
        self.state = self.root / "state.sh"
        self.state.write_text(f"cd {shell_quote(str(self.folder))}\n")

    def script(self, command: str) -> str:
        return (
            f"source {shell_quote(str(self.state))}\n"
            f"{command}\n"
            "__readme_exit=$?\n"
            f"{{ export -p | grep -Ev {shell_quote(STATE_SKIPPED.pattern)}; printf 'cd %q\\n' \"$PWD\"; }} "
            f"> {shell_quote(str(self.state))}\n"
            "exit $__readme_exit\n"
        )

    def run(self, command: Command) -> tuple[int | None, str]:
        """The exit code (None when it timed out) and the output of one command."""
        process = subprocess.Popen(
            ["bash", "--noprofile", "--norc", "-c", self.script(command.text)],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=COMMAND_SECONDS)
        except subprocess.TimeoutExpired:
            stop(process)
            output, _ = process.communicate()
            return None, output.decode(errors="replace") + f"\n(still running after {COMMAND_SECONDS} s; stopped)"
        # Whatever the command left running in the background goes with it, so that
        # it cannot hold the database when the next command runs.
        stop(process)
        return process.returncode, output.decode(errors="replace")

    def serve(self, command: Command) -> tuple[bool, str]:
        """Starts a server, waits for it to listen and answer /healthz, stops it."""
        log = self.root / "server.log"
        with open(log, "wb") as sink:
            process = subprocess.Popen(
                ["bash", "--noprofile", "--norc", "-c", f"source {shell_quote(str(self.state))}\nexec {command.text}"],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + READY_SECONDS
            while time.monotonic() < deadline:
                output = log.read_text(errors="replace")
                if process.poll() is not None:
                    return False, output + f"\n(exited with {process.returncode} before it listened)"
                listening = re.search(r"listening on (\S+)", output)
                if listening:
                    return healthy(listening.group(1), output)
                time.sleep(0.1)
            return False, log.read_text(errors="replace") + f"\n(did not print `listening on` within {READY_SECONDS} s)"
        finally:
            stop(process)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def stop(process: subprocess.Popen) -> None:
    """Ends the process group a command started: SIGTERM, then SIGKILL after 10 s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:  # nothing of it is left
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def healthy(url: str, output: str) -> tuple[bool, str]:
    """Whether the server at `url` (…/mcp) answers its /healthz with 200."""
    health = re.sub(r"/mcp/?$", "", url).replace("//0.0.0.0", "//127.0.0.1").replace("//[::]", "//[::1]") + "/healthz"
    try:
        with urllib.request.urlopen(health, timeout=5) as answer:
            return answer.status == 200, output + f"\nGET {health}: {answer.status}"
    except OSError as error:
        return False, output + f"\nGET {health}: {error}"


def shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def tail(output: str) -> str:
    lines = output.rstrip("\n").split("\n")
    return "\n".join("    | " + line for line in lines[-TAIL_LINES:])


def run_readme(binary: Path, readme: Path) -> int:
    repository = Path(__file__).resolve().parent.parent
    commands = [command for block in blocks(readme.read_text()) for command in commands_of(block)]
    workspace = Workspace(binary, repository)
    print(f"README commands in {workspace.folder} (GROUNDED_DB={workspace.env['GROUNDED_DB']})")
    failures = []
    try:
        for command in commands:
            where = f"{readme.name}:{command.line}"
            if command.skip_reason is not None:
                print(f"skip    {where}  {normalize(command.text)}\n        ({command.skip_reason})")
                continue
            if command.background:
                ok, output = workspace.serve(command)
                print(f"{'served' if ok else 'FAILED'}  {where}  {normalize(command.text)}")
                if not ok:
                    print(tail(output))
                    failures.append(f"{where}  {normalize(command.text)}  (did not start and answer /healthz)")
                continue
            started = time.monotonic()
            code, output = workspace.run(command)
            seconds = time.monotonic() - started
            ok = code == command.expect
            shown = "timeout" if code is None else f"exit {code}"
            print(f"{'ok' if ok else 'FAILED':6}  {where}  {normalize(command.text)}  [{shown}, {seconds:.1f} s]")
            if not ok:
                print(f"        expected exit {command.expect}")
                print(tail(output))
                failures.append(f"{where}  {normalize(command.text)}  ({shown}, expected exit {command.expect})")
    finally:
        workspace.remove()
    if failures:
        print(f"\n{len(failures)} of {len(commands)} README commands did not do what the README says:")
        for failure in failures:
            print(f"  {failure}")
        return 1
    print(f"\nall {len(commands)} README commands did what the README says")
    return 0


# ---------------------------------------------------------------------------
# The extraction's own tests


def self_test() -> int:
    import unittest

    class Extraction(unittest.TestCase):
        def test_continued_lines_are_joined(self):
            script = 'grounded import evidence a.xlsx --sheet Highlights \\\n    --map text=Highlight --date-format day-first\nnext'
            self.assertEqual(
                split_commands(script, 10),
                [("grounded import evidence a.xlsx --sheet Highlights     --map text=Highlight --date-format day-first", 10), ("next", 12)],
            )

        def test_comments_are_dropped_but_not_inside_quotes_or_words(self):
            script = (
                "grounded check okrs.yaml      # human-readable findings; exit 1\n"
                "grounded search \"issue #4\" --tag 'a # b'   # --json for scripts\n"
                "echo a#b ${#x}\n"
                "# a whole line of comment\n"
                "grounded token add \"Maya Chen\"# not a comment: no blank before it\n"
            )
            self.assertEqual(
                [text for text, _ in split_commands(script)],
                [
                    "grounded check okrs.yaml",
                    "grounded search \"issue #4\" --tag 'a # b'",
                    "echo a#b ${#x}",
                    'grounded token add "Maya Chen"# not a comment: no blank before it',
                ],
            )

        def test_a_backslash_in_a_comment_does_not_continue_the_line(self):
            self.assertEqual([t for t, _ in split_commands("one # ends with \\\ntwo")], ["one", "two"])

        def test_quotes_and_escapes_stay_for_bash(self):
            script = "grounded sync --query 'sum(a) / sum(b)' --reason \"it's \\\"fine\\\"\" x\\ y"
            self.assertEqual(split_commands(script), [(script, 1)])

        def test_a_quoted_newline_stays_in_the_command(self):
            self.assertEqual(split_commands("echo 'a\nb'\nnext"), [("echo 'a\nb'", 1), ("next", 3)])

        def test_an_unclosed_quote_is_an_error(self):
            with self.assertRaises(ReadmeError):
                split_commands("echo 'oops\n")

        def test_markers_set_exit_codes_skips_and_servers(self):
            readme = (
                "text\n"
                "<!-- readme-test\n"
                "exit 1: grounded check examples/okrs.yaml\n"
                "skip: grounded serve (waits on stdin)\n"
                "background: grounded serve --http ...\n"
                "-->\n"
                "```sh\n"
                "cargo install --path .\n"
                "grounded check examples/okrs.yaml   # exit 1\n"
                "grounded check examples/okrs.md --json\n"
                "grounded serve\n"
                "grounded serve   --http 0.0.0.0:7420\n"
                "```\n"
                "```json\n{}\n```\n"
                "<!-- readme-test: exit 2: grounded a (it says why); skip: grounded b ... (no network) -->\n"
                "\n"
                "```bash\ngrounded a\ngrounded b --x\n```\n"
            )
            found = [command for block in blocks(readme) for command in commands_of(block)]
            self.assertEqual(
                [(c.text, c.line, c.expect, c.skip_reason, c.background) for c in found],
                [
                    ("grounded check examples/okrs.yaml", 9, 1, None, False),
                    ("grounded check examples/okrs.md --json", 10, 0, None, False),
                    ("grounded serve", 11, 0, "waits on stdin", False),
                    ("grounded serve   --http 0.0.0.0:7420", 12, 0, None, True),
                    ("grounded a", 20, 2, None, False),
                    ("grounded b --x", 21, 0, "no network", False),
                ],
            )

        def test_a_directive_names_a_whole_command_or_its_start_in_whole_words(self):
            for marker, command in [
                ("exit 1: grounded check ...", "grounded checkout"),
                ("exit 1: grounded sync", "grounded sync --list"),
            ]:
                readme = f"<!-- readme-test: {marker} -->\n```sh\n{command}\n```\n"
                with self.subTest(marker=marker), self.assertRaisesRegex(ReadmeError, "fits no command"):
                    [commands_of(block) for block in blocks(readme)]

        def test_the_longest_fitting_directive_wins(self):
            readme = (
                "<!-- readme-test\nexit 1: grounded sync\nskip: grounded sync --add-json ... (no network)\n"
                "exit 3: grounded sync ... -->\n"
                "```sh\ngrounded sync --add-json https://x --metric KR-1\ngrounded sync\ngrounded sync --list\n```\n"
            )
            found = [c for b in blocks(readme) for c in commands_of(b)]
            self.assertEqual([(c.expect, c.skip_reason) for c in found], [(0, "no network"), (1, None), (3, None)])

        def test_console_blocks_run_only_what_follows_the_prompt(self):
            readme = "```console\n$ grounded tag list \\\n  --json\nonboarding 12\n$ grounded score 2026-Q4\n```\n"
            self.assertEqual(
                [(c.text, c.line) for b in blocks(readme) for c in commands_of(b)],
                [("grounded tag list   --json", 2), ("grounded score 2026-Q4", 5)],
            )

        def test_broken_markers_and_fences_are_errors(self):
            for readme, message in [
                ("<!-- readme-test: skip: grounded serve -->\n```sh\ngrounded serve\n```\n", "reason"),
                ("<!-- readme-test: exit: grounded a -->\n```sh\ngrounded a\n```\n", "exit code"),
                ("<!-- readme-test: wait: grounded a -->\n```sh\ngrounded a\n```\n", "not a directive"),
                ("<!-- readme-test: exit 1: grounded a -->\nprose\n```sh\ngrounded a\n```\n", "right before"),
                ("<!-- readme-test: exit 1: grounded a -->\n```json\n{}\n```\n", "not run"),
                ("```sh\ngrounded a\n\n## A heading\n", "never closed"),
                ("```sh\ngrounded a\n\n## A heading\n\n```sh\ngrounded b\n```\n", "close that block first"),
            ]:
                with self.subTest(readme=readme), self.assertRaisesRegex(ReadmeError, message):
                    [commands_of(block) for block in blocks(readme)]

        def test_a_longer_fence_holds_a_shorter_one(self):
            readme = "````markdown\n```sh\ngrounded inside\n```\n````\n```sh\ngrounded outside\n```\n"
            self.assertEqual([c.text for b in blocks(readme) for c in commands_of(b)], ["grounded outside"])

    class Running(unittest.TestCase):
        def test_export_and_cd_carry_over_and_home_is_not_the_users(self):
            workspace = Workspace(Path(shutil.which("true") or "/bin/true"), Path(__file__).resolve().parent.parent)
            try:
                steps = [
                    ("export GROUNDED_ALLOWED_HOSTS=stats.example.com", 0),
                    ('test "$GROUNDED_ALLOWED_HOSTS" = stats.example.com', 0),
                    ("cd examples", 0),
                    ("test -f okrs.yaml && test -f ../examples/okrs.yaml", 0),
                    (f'test "$HOME" = {shell_quote(str(workspace.root / "home"))} && grounded', 0),
                    ("exit 3", 3),
                ]
                for text, code in steps:
                    with self.subTest(command=text):
                        self.assertEqual(workspace.run(Command(text, 1))[0], code)
            finally:
                workspace.remove()

    suite = unittest.TestSuite()
    for case in (Extraction, Running):
        suite.addTests(unittest.defaultTestLoader.loadTestsFromTestCase(case))
    result = unittest.TextTestRunner(verbosity=1).run(suite)
    return 0 if result.wasSuccessful() else 1


def main(argv: list[str]) -> int:
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) not in (2, 3):
        print("usage: readme_commands.py PATH/TO/grounded [README.md] | --self-test", file=sys.stderr)
        return 2
    binary = Path(argv[1])
    if not os.access(binary, os.X_OK):
        print(f"{binary}: not an executable; build it first (cargo build)", file=sys.stderr)
        return 2
    readme = Path(argv[2]) if len(argv) == 3 else Path(__file__).resolve().parent.parent / "README.md"
    try:
        return run_readme(binary, readme)
    except ReadmeError as error:
        print(f"{readme}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
