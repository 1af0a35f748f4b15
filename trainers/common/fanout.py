"""A front for servers that ignore the OpenAI `n` parameter (transformers serve answers one
choice per request): chat completions asking for n > 1 are sent n times with n = 1 and the
choices merged, so the student lane gets the n rollouts it asked for. A request without
`max_tokens` gets the model's own `max_new_tokens` (transformers serve would use 1024).
Other requests pass through."""

import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _forward(upstream: str, method: str, path: str, body: bytes | None, headers: dict) -> tuple:
    req = urllib.request.Request(upstream + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=600) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def _merged(upstream: str, path: str, request: dict, headers: dict) -> tuple:
    n = int(request.pop("n", 1) or 1)
    merged, usage = None, {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    for i in range(n):
        status, body = _forward(upstream, "POST", path, json.dumps(request).encode(), headers)
        if status != 200:
            return status, body
        answer = json.loads(body)
        for choice in answer["choices"]:
            choice["index"] = i
        for key in usage:
            usage[key] += answer.get("usage", {}).get(key, 0)
        if merged is None:
            merged = answer
        else:
            merged["choices"].extend(answer["choices"])
    merged["usage"] = usage
    return 200, json.dumps(merged).encode()


def start(host: str, port: int, upstream: str, max_tokens: int | None) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self._reply(*_forward(upstream, "GET", self.path, None, {}))

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {"content-type": "application/json"}
            if self.path.endswith("/chat/completions"):
                request = json.loads(body)
                if max_tokens is not None and request.get("max_tokens") is None:
                    request["max_tokens"] = max_tokens
                if not request.get("stream"):
                    self._reply(*_merged(upstream, self.path, request, headers))
                    return
                body = json.dumps(request).encode()
            self._reply(*_forward(upstream, "POST", self.path, body, headers))

        def log_message(self, *args):  # the upstream server logs every request already
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
