"""A minimal LSP client for the tests: a `tariffc lsp` subprocess spoken to in JSON-RPC with
Content-Length framing, as an editor does. A reader thread queues what the server sends;
every wait has a timeout, so a server that hangs fails the test instead of the CI job.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

TIMEOUT = 20.0  # seconds for any one answer (a cold start imports pygls and the checker)


def server_command() -> list[str]:
    """`tariffc lsp` of this environment (the console script next to the interpreter)."""
    script = Path(sys.executable).with_name("tariffc")
    if script.is_file():
        return [str(script), "lsp"]
    found = shutil.which("tariffc")
    return [found, "lsp"] if found else [sys.executable, "-m", "compiler.cli", "lsp"]


class Client:
    """One server process; `request` waits for its answer, `notifications` collects the rest."""

    def __init__(self, cwd: str | Path) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(server_command(), cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.messages: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            body = out.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def send(self, message: dict) -> None:
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict | None) -> dict:
        """Send a request and return its whole response (`result` or `error`)."""
        self.next_id += 1
        rid = self.next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = time.monotonic() + TIMEOUT
        while True:
            msg = self._next(deadline, f"an answer to {method}")
            if msg.get("id") == rid and "method" not in msg:
                return msg
            self._keep(msg)

    def result(self, method: str, params: dict | None):
        msg = self.request(method, params)
        assert "error" not in msg, msg["error"]
        return msg["result"]

    def _next(self, deadline: float, what: str) -> dict:
        try:
            msg = self.messages.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise AssertionError(f"no {what} within {TIMEOUT} s") from None
        if msg is None:
            err = self.proc.stderr.read().decode("utf-8", "replace")
            raise AssertionError(f"the server exited while waiting for {what}:\n{err}")
        return msg

    def _keep(self, msg: dict) -> None:
        if "id" in msg and "method" in msg:  # a request from the server: answer it
            self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
        else:
            self.notifications.append(msg)

    def diagnostics(self, uri: str) -> list[dict]:
        """The diagnostics last published for `uri` once the server has handled everything sent
        so far (a request answered after the notifications before it is the sync point)."""
        self.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        deadline = time.monotonic() + TIMEOUT
        while True:
            found = [m for m in self.notifications
                     if m.get("method") == "textDocument/publishDiagnostics"
                     and m["params"]["uri"] == uri]
            if found:
                self.notifications = [m for m in self.notifications if m not in found]
                return found[-1]["params"]["diagnostics"]
            self._keep(self._next(deadline, f"diagnostics for {uri}"))

    def close(self) -> None:
        """shutdown + exit, then make sure the process is gone."""
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None)
                self.notify("exit", {})
                self.proc.wait(timeout=5)
        except Exception:
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=5)
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                stream.close()
