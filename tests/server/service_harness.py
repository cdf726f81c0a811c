"""Start a real `irfa serve` on a random local port with a temporary data directory, and talk to it.
Standard library only (urllib, http.client), so the tests run on the Debian python3 as is."""
import http.client
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request


class Server:
    def __init__(self, irfa, data=None, args=(), token=None):
        self.irfa = irfa
        self.own_data = data is None
        self.data = data or tempfile.mkdtemp(prefix="irfa-api-")
        self.args = list(args)
        self.token = token
        self.proc = None
        self.port = None

    def start(self, timeout=20):
        self.log = open(os.path.join(os.path.dirname(self.data.rstrip("/")) or ".", os.path.basename(self.data) + ".serve.log"), "ab")
        self.proc = subprocess.Popen([self.irfa, "serve", "--data", self.data, "--port", "0", "--bind", "127.0.0.1"] + self.args,
                                     stdout=subprocess.PIPE, stderr=self.log)
        deadline = time.time() + timeout
        line = b""
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            m = re.search(rb"listening on http://[0-9.]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                break
        raise RuntimeError("irfa serve did not start: %r (exit %r)" % (line, self.proc.poll()))

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def request(self, method, path, body=None, headers=None, token=None, raw=False):
        """Returns (status, headers, parsed JSON or bytes)."""
        h = dict(headers or {})
        tok = token if token is not None else self.token
        if tok:
            h["Authorization"] = "Bearer " + tok
        data = body
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            data = body.encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            payload = resp.read()
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
            status = resp.status
        finally:
            conn.close()
        if not raw and hdrs.get("content-type", "").startswith("application/json") and payload:
            payload = json.loads(payload)
        return status, hdrs, payload

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def wait_job(self, job_id, states=("succeeded", "failed", "cancelled"), timeout=300):
        deadline = time.time() + timeout
        while time.time() < deadline:
            st, _, job = self.get("/api/v1/jobs/" + job_id)
            if st == 200 and job["state"] in states:
                return job
            time.sleep(0.3)
        raise AssertionError("job %s did not reach %s in %ds: %s" % (job_id, states, timeout, job))


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def expect_error(resp, status, code=None):
    st, hdrs, body = resp
    expect(st == status, "expected %d, got %d: %r" % (status, st, body))
    expect(isinstance(body, dict) and "error" in body and "message" in body["error"] and "code" in body["error"],
           "error body is not {error: {code, message}}: %r" % (body,))
    if code:
        expect(body["error"]["code"] == code, "expected error code %s, got %r" % (code, body))
    return body


# Tiny but real workloads: a 16-image simulated session at 32 px and one epoch of a 4-feature model.
TINY_SIMULATE = {"train": 16, "test": 3, "size": 32}
TINY_TRAIN = {"epochs": 1, "max-train": 8, "features": 4, "grid": 32, "batch": 4, "quiet": True}


def oversize_upload(srv, method, path, nbytes, token=None):
    """Announces a body of nbytes with Expect: 100-continue (as curl does for large uploads) and
    returns the server's early answer without sending the body."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    conn.putrequest(method, path, skip_accept_encoding=True)
    conn.putheader("Content-Length", str(nbytes))
    conn.putheader("Expect", "100-continue")
    tok = token if token is not None else srv.token
    if tok:
        conn.putheader("Authorization", "Bearer " + tok)
    conn.endheaders()
    resp = conn.getresponse()
    payload = resp.read()
    conn.close()
    body = json.loads(payload) if resp.getheader("Content-Type", "").startswith("application/json") else payload
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
