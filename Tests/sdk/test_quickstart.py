"""The README's Quick start, run as written: its blocks in order against a real server, each block's output
compared with the one the README shows. Only two things change: `swift run roster` is the binary this suite
built, and the server listens on a free port instead of 8080."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

from support import REPO_ROOT, ROSTER_BIN, free_port, wait_until_ready

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def quick_start_blocks() -> list[tuple[str, str]]:
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("**A release binary.**", 1)[0]
    return [(language, code) for language, code in FENCE.findall(section)]


def test_the_quick_start_runs_as_written(tmp_path):
    blocks = quick_start_blocks()
    languages = [language for language, _ in blocks]
    assert languages == ["sh", "sh", "text", "python", "text", "sh", "text"], languages
    port = str(free_port())

    def adapt(code: str) -> str:
        return code.replace("swift run roster", str(ROSTER_BIN)).replace("8080", port)

    environment = {k: v for k, v in os.environ.items() if not k.startswith("ROSTER_")}
    server = subprocess.Popen(["bash", "-c", adapt(blocks[0][1])], cwd=tmp_path, env={**environment, "ROSTER_PORT": port},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_ready(port, server)
        # The blocks after the first run in one terminal, one after another: what a block exports, later ones see.
        terminal = dict(environment)
        saved = tmp_path / ".environment"
        for index in range(1, len(blocks), 2):
            language, code = blocks[index]
            expected = blocks[index + 1][1]
            if language == "sh":
                command = ["bash", "-c", f"{adapt(code)}\nenv -0 > {saved}"]
            else:
                command = [sys.executable, "-c", adapt(code)]
            result = subprocess.run(command, cwd=tmp_path, env=terminal, capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, f"block {index} failed:\n{code}\n{result.stderr}"
            assert result.stdout == expected, f"block {index} printed:\n{result.stdout}\nthe README shows:\n{expected}"
            if language == "sh":
                terminal = dict(entry.split("=", 1) for entry in saved.read_text().split("\0") if "=" in entry)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
