#!/usr/bin/env python3
"""Load figure (not part of ctest): with a training job running, measure requests/s and latency
percentiles of job status and per-pixel IRF requests with wrk (Debian package wrk).
Usage: load_figure.py --irfa build/irfa [--seconds 10] [--connections 16]"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from service_harness import TINY_SIMULATE, TINY_TRAIN, Server, expect  # noqa: E402

PIXEL_LUA = """
local n = 0
request = function()
  n = n + 1
  local path = string.format("%s?image=%%d&x=%%d&y=%%d", n %% 3, (n * 7) %% 32, (n * 13) %% 32)
  return wrk.format("GET", path)
end
"""


def wrk(url, seconds, connections, script=None):
    cmd = ["wrk", "-t2", "-c%d" % connections, "-d%ds" % seconds, "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, pct, int(errors.group(1)) if errors else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--irfa", required=True)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    a = ap.parse_args()
    root = tempfile.mkdtemp(prefix="irfa-load-")
    srv = Server(a.irfa, data=os.path.join(root, "data"), args=["--workers", "1", "--device", "cpu"]).start()
    try:
        st, _, sim = srv.post("/api/v1/sessions/simulate", {"options": TINY_SIMULATE})
        sid = sim["session_id"]
        st, _, tr = srv.post("/api/v1/jobs", {"kind": "train", "session_id": sid, "depends_on": sim["id"], "options": TINY_TRAIN})
        expect(srv.wait_job(tr["id"], timeout=600)["state"] == "succeeded", "train")
        mid = [m for m in srv.get("/api/v1/models")[2]["models"] if m["job_id"] == tr["id"]][0]["id"]
        st, _, rec = srv.post("/api/v1/jobs", {"kind": "reconstruct", "session_id": sid, "model_id": mid})
        expect(srv.wait_job(rec["id"], timeout=600)["state"] == "succeeded", "reconstruct")
        st, _, busy = srv.post("/api/v1/jobs", {"kind": "train", "session_id": sid, "options": dict(TINY_TRAIN, epochs=1000)})
        srv.wait_job(busy["id"], states=("running",), timeout=120)
        lua = os.path.join(root, "pixel.lua")
        with open(lua, "w") as f:
            f.write(PIXEL_LUA % ("/api/v1/jobs/%s/irf/pixel" % rec["id"]))
        base = "http://127.0.0.1:%d" % srv.port
        for name, url, script in [("job status", base + "/api/v1/jobs/" + busy["id"], None),
                                  ("per-pixel IRF", base + "/api/v1/jobs/%s/irf/pixel" % rec["id"], lua)]:
            rps, pct, errors = wrk(url, a.seconds, a.connections, script)
            print("%-14s %8.0f req/s   p50 %-8s p90 %-8s p99 %-8s non-2xx %d   (training job running, %d connections)"
                  % (name, rps, pct.get("50"), pct.get("90"), pct.get("99"), errors, a.connections), flush=True)
        st, _, j = srv.get("/api/v1/jobs/" + busy["id"])
        print("training job still %s at epoch %s during the measurement" % (j["state"], j["epoch"]))
        srv.post("/api/v1/jobs/%s/cancel" % busy["id"], None)
        srv.wait_job(busy["id"], timeout=30)
    finally:
        srv.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
