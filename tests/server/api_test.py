#!/usr/bin/env python3
"""API tests against a real `irfa serve` on a random local port with a temporary data directory:
every endpoint and its error paths (bad JSON, oversize bodies, unknown ids, traversal attempts,
missing or read-only tokens), driving real simulate / train / reconstruct jobs through a worker."""
import argparse
import hashlib
import http.client
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from service_harness import TINY_SIMULATE, TINY_TRAIN, Server, expect, expect_error, oversize_upload  # noqa: E402

try:
    import numpy as np
except ImportError:  # the array comparisons need numpy; everything else runs without it
    np = None

checked = []


def step(name):
    checked.append(name)
    print("  ok:", name, flush=True)


def make_safetensors(tensors):
    header, blobs, off = {}, b"", 0
    for name, (shape, values) in tensors.items():
        data = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [off, off + len(data)]}
        blobs += data
        off += len(data)
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + blobs


def make_web(root):
    web = os.path.join(root, "web")
    os.makedirs(os.path.join(web, "assets"))
    with open(os.path.join(web, "index.html"), "w") as f:
        f.write("<!doctype html><title>irfa</title>")
    with open(os.path.join(web, "assets", "app.js"), "w") as f:
        f.write("console.log('irfa');")
    with open(os.path.join(web, ".secret"), "w") as f:
        f.write("hidden")
    outside = os.path.join(root, "outside.txt")
    with open(outside, "w") as f:
        f.write("outside the web folder")
    os.symlink(outside, os.path.join(web, "escape.txt"))
    return web


def raw_get(srv, path):
    """GET with the path sent byte for byte (no client-side normalisation)."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def test_system(srv, openapi_path):
    st, _, h = srv.get("/healthz")
    expect(st == 200 and h["status"] == "ok" and h["workers_alive"] == 1, "healthz: %r" % (h,))
    st, hdrs, doc = srv.get("/api/v1/openapi.json")
    with open(openapi_path) as f:
        expect(st == 200 and doc == json.load(f), "served OpenAPI differs from server/openapi.json")
    expect(doc["openapi"].startswith("3."), "not an OpenAPI 3 document")
    step("healthz, openapi.json served and equal to the repository's")
    expect_error(srv.get("/api/v1/nope"), 404, "not_found")
    expect_error(srv.request("DELETE", "/api/v1/jobs"), 405, "method_not_allowed")
    expect_error(srv.request("GET", "/api/v1/jobs", body="x" * 10), 413, "body_not_allowed")
    step("unknown endpoint 404, wrong method 405, body on a GET 413")
    return doc


def test_sessions_and_uploads(srv):
    expect_error(srv.post("/api/v1/sessions", "{not json"), 400, "bad_json")
    expect_error(srv.post("/api/v1/sessions", "[1,2]"), 400, "bad_json")
    expect_error(srv.post("/api/v1/sessions", '{"name":"a"} trailing'), 400, "bad_json")
    expect_error(srv.post("/api/v1/sessions", {"name": ""}), 400, "bad_field")
    expect_error(srv.post("/api/v1/sessions", {"name": "x" * 5000}), 413, "too_large")
    st, _, s = srv.post("/api/v1/sessions", {"name": "uploaded"})
    expect(st == 201 and s["state"] == "uploading" and s["id"].startswith("s_"), "create session: %r" % (s,))
    sid = s["id"]
    step("sessions: create, bad JSON 400, bad field 400, JSON cap 413")

    payload = os.urandom(200000)
    digest = hashlib.sha256(payload).hexdigest()
    st, _, up = srv.request("PUT", "/api/v1/sessions/%s/files/train.npy" % sid, payload,
                            headers={"X-Checksum-SHA256": digest})
    expect(st == 201 and up["sha256"] == digest and up["size"] == len(payload), "upload: %r" % (up,))
    expect_error(srv.request("PUT", "/api/v1/sessions/%s/files/test.npy" % sid, payload,
                             headers={"X-Checksum-SHA256": "0" * 64}), 400, "checksum_mismatch")
    expect_error(oversize_upload(srv, "PUT", "/api/v1/sessions/%s/files/big.npy" % sid, 1536 * 1024), 413, "too_large")
    expect_error(oversize_upload(srv, "PUT", "/api/v1/sessions/%s/files/big.npy" % sid, 50 << 30), 413, "too_large")
    expect_error(srv.request("PUT", "/api/v1/sessions/%s/files/.hidden" % sid, b"x"), 400, "bad_name")
    expect_error(srv.request("PUT", "/api/v1/sessions/s_0123456789abcdef/files/a.npy", b"x"), 404, "not_found")
    st, _, _ = srv.request("PUT", "/api/v1/sessions/%s/files/..%%2F..%%2Firfa.db" % sid, b"x")
    expect(st in (400, 404), "traversal upload name accepted: %d" % st)
    expect(not os.path.exists(os.path.join(srv.data, "irfa.db.x")), "traversal wrote outside")
    stored = os.path.join(srv.data, "uploads", sid, "train.npy")
    with open(stored, "rb") as f:
        expect(f.read() == payload, "stored upload differs")
    leftovers = [n for n in os.listdir(os.path.join(srv.data, "tmp")) if n.startswith("upload-")]
    expect(not leftovers, "temporary upload files left behind: %r" % leftovers)
    step("uploads: streamed + sha256, checksum mismatch 400, size cap 413 from Content-Length, bad names, traversal")

    st, _, got = srv.get("/api/v1/sessions/" + sid)
    expect(st == 200 and [u["name"] for u in got["uploads"]] == ["train.npy"], "get session: %r" % (got,))
    expect_error(srv.get("/api/v1/sessions/s_0123456789abcdef"), 404, "not_found")
    expect_error(srv.get("/api/v1/sessions/..%2F..%2Fetc"), 404, "not_found")
    st, _, lst = srv.get("/api/v1/sessions?limit=10")
    expect(st == 200 and any(x["id"] == sid for x in lst["sessions"]), "list sessions")
    expect_error(srv.get("/api/v1/sessions?limit=0"), 400, "bad_parameter")
    step("sessions: get, list, unknown id 404, bad limit 400")

    # A real import job on a file that is not a recording: it fails with the child's message.
    expect_error(srv.post("/api/v1/sessions/%s/import" % sid, {"format": "npy", "files": {"train": "nope.npy"}}), 400, "bad_field")
    expect_error(srv.post("/api/v1/sessions/%s/import" % sid, {"files": {"train": "train.npy"}}), 400, "bad_field")
    expect_error(srv.post("/api/v1/sessions/%s/import" % sid, {"format": "npy", "files": {"train": "../irfa.db"}}), 400, "bad_field")
    st, _, job = srv.post("/api/v1/sessions/%s/import" % sid, {"format": "npy", "files": {"train": "train.npy"}, "max_attempts": 1})
    expect(st == 201 and job["kind"] == "import", "import job: %r" % (job,))
    expect_error(srv.request("PUT", "/api/v1/sessions/%s/files/late.npy" % sid, b"x"), 409, "conflict")
    return sid, job["id"]


def test_session_files(srv, sid):
    st, hdrs, man = srv.get("/api/v1/sessions/%s/files/manifest.json" % sid)
    expect(st == 200 and man.get("format") == "irfa-session" and "etag" in hdrs, "session manifest: %r" % (st,))
    st, hdrs, blob = srv.get("/api/v1/sessions/%s/files/stimuli_test.npy" % sid, raw=True)
    expect(st == 200 and blob[:6] == b"\x93NUMPY", "session stimuli_test.npy")
    expect_error(srv.get("/api/v1/sessions/%s/files/nope.json" % sid), 404)
    expect_error(srv.get("/api/v1/sessions/%s/files/..%%2F..%%2Firfa.db" % sid), 404)
    expect_error(srv.get("/api/v1/sessions/%s/files/.hidden" % sid), 400, "bad_name")
    expect_error(srv.get("/api/v1/sessions/s_0123456789abcdef/files/manifest.json"), 404, "not_found")
    step("session files: manifest and stimuli readable, unknown/hidden/traversal names refused")


def test_job_creation_errors(srv, ready_sid):
    bad = [({"kind": "paint"}, "bad_field"), ({"kind": "train"}, "bad_field"),
           ({"kind": "train", "session_id": "../../x"}, "bad_field"),
           ({"kind": "train", "session_id": ready_sid, "options": {"out": "/tmp/x"}}, "bad_options"),
           ({"kind": "train", "session_id": ready_sid, "options": {"vgg": "../../etc/passwd"}}, "bad_options"),
           ({"kind": "train", "session_id": ready_sid, "options": {"epochs": "-1"}}, "bad_options"),
           ({"kind": "train", "session_id": ready_sid, "options": {"Bad Name": 1}}, "bad_options"),
           ({"kind": "train", "session_id": ready_sid, "options": [1]}, "bad_options"),
           ({"kind": "train", "session_id": ready_sid, "max_attempts": 0}, "bad_field"),
           ({"kind": "reconstruct", "session_id": ready_sid}, "bad_field"),
           ({"kind": "evaluate"}, "bad_field"),
           ({"kind": "simulate", "session_id": ready_sid}, "bad_field"),
           ({"kind": "train", "session_id": ready_sid, "per_pixel_irfs": "yes"}, "bad_field"),
           ({"kind": "simulate", "per_pixel_irfs": True}, "bad_field"),
           ({"kind": "evaluate", "input_job_id": "j_0123456789abcdef", "per_pixel_irfs": True}, "bad_field")]
    for body, code in bad:
        expect_error(srv.post("/api/v1/jobs", body), 400, code)
    st, _, err = srv.post("/api/v1/jobs", {"kind": "simulate", "per_pixel_irfs": True})
    expect("per_pixel_irfs" in err["error"]["message"] and "train" in err["error"]["message"], "message: %r" % (err,))
    expect_error(srv.post("/api/v1/jobs", {"kind": "train", "session_id": "s_0123456789abcdef"}), 404, "not_found")
    expect_error(srv.post("/api/v1/jobs", {"kind": "reconstruct", "session_id": ready_sid, "model_id": "m_0123456789abcdef"}), 404)
    expect_error(srv.post("/api/v1/jobs", {"kind": "evaluate", "input_job_id": "j_0123456789abcdef"}), 404)
    expect_error(srv.post("/api/v1/jobs", {"kind": "train", "session_id": ready_sid, "depends_on": "j_0123456789abcdef"}), 404)
    expect_error(srv.get("/api/v1/jobs?state=nope"), 400, "bad_parameter")
    expect_error(srv.get("/api/v1/jobs?kind=nope"), 400, "bad_parameter")
    expect_error(srv.get("/api/v1/jobs/j_0123456789abcdef"), 404, "not_found")
    expect_error(srv.get("/api/v1/jobs/nope"), 404, "not_found")
    expect_error(srv.post("/api/v1/jobs/j_0123456789abcdef/cancel", None), 404, "not_found")
    step("job creation: unknown kind, missing/malformed ids, reserved or path-like options, per_pixel_irfs not a "
         "boolean or not on a train job 400; unknown refs 404")


def test_models(srv):
    good = make_safetensors({"w": ([2, 3], [0.5] * 6), "b": ([3], [1.0, 2.0, 3.0])})
    st, _, m = srv.request("POST", "/api/v1/models?name=external", good,
                           headers={"X-Checksum-SHA256": hashlib.sha256(good).hexdigest()})
    expect(st == 201 and m["source"] == "uploaded" and m["tensors"] == 2 and m["name"] == "external", "model upload: %r" % (m,))
    broken = bytearray(good)
    broken[8:9] = b"["
    expect_error(srv.request("POST", "/api/v1/models", bytes(broken)), 400, "bad_checkpoint")
    expect_error(srv.request("POST", "/api/v1/models", good[:-4]), 400, "bad_checkpoint")
    expect_error(srv.request("POST", "/api/v1/models", b"\xff" * 8 + b"{}"), 400, "bad_checkpoint")
    expect_error(oversize_upload(srv, "POST", "/api/v1/models", 1536 * 1024), 413, "too_large")
    st, hdrs, blob = srv.get("/api/v1/models/%s/checkpoint" % m["id"], raw=True)
    expect(st == 200 and blob == good and hdrs.get("etag"), "checkpoint download")
    st, _, _ = srv.get("/api/v1/models/%s/checkpoint" % m["id"], headers={"If-None-Match": hdrs["etag"]}, raw=True)
    expect(st == 304, "ETag revalidation gave %d" % st)
    st, _, got = srv.get("/api/v1/models/" + m["id"])
    expect(st == 200 and got["sha256"] == hashlib.sha256(good).hexdigest(), "get model")
    expect_error(srv.get("/api/v1/models/m_0123456789abcdef"), 404)
    expect_error(srv.get("/api/v1/models/m_0123456789abcdef/checkpoint"), 404)
    st, _, lst = srv.get("/api/v1/models")
    expect(st == 200 and any(x["id"] == m["id"] for x in lst["models"]), "list models")
    step("models: upload (validated safetensors), bad checkpoints 400, cap 413, download with ETag/304, get, list")


def test_static(srv):
    st, hdrs, body = srv.get("/", raw=True)
    expect(st == 200 and hdrs["content-type"].startswith("text/html") and b"irfa" in body, "index.html")
    st, hdrs, _ = srv.get("/assets/app.js", raw=True)
    expect(st == 200 and hdrs["content-type"].startswith("text/javascript"), "app.js content type")
    for path in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/../../outside.txt", "/escape.txt",
                 "/.secret", "/assets/", "/nope.html", "/assets/%2e%2e%2f%2e%2e%2foutside.txt"]:
        st, body = raw_get(srv, path)
        expect(st in (400, 404) and b"outside the web folder" not in body and b"root:" not in body,
               "static traversal %s answered %d" % (path, st))
    step("static web UI: index + content types; traversal, symlink escape, hidden files refused")


def test_idempotency_and_simulate(srv):
    body = {"name": "tiny", "options": TINY_SIMULATE}
    st1, h1, j1 = srv.post("/api/v1/sessions/simulate", body, headers={"Idempotency-Key": "sim-1"})
    st2, h2, j2 = srv.post("/api/v1/sessions/simulate", body, headers={"Idempotency-Key": "sim-1"})
    expect(st1 == 201 and st2 == 200 and j1["id"] == j2["id"] and h2.get("idempotent-replayed") == "true", "idempotent replay")
    expect_error(srv.post("/api/v1/sessions/simulate", {"name": "other"}, headers={"Idempotency-Key": "sim-1"}), 422,
                 "idempotency_conflict")
    expect_error(srv.post("/api/v1/sessions/simulate", body, headers={"Idempotency-Key": "bad key"}), 400, "bad_header")
    st, _, lst = srv.get("/api/v1/jobs?kind=simulate")
    expect(sum(1 for j in lst["jobs"] if j["id"] == j1["id"]) == 1, "idempotent create made two jobs")
    step("Idempotency-Key: replay 200 with the same job, other body 422, malformed key 400")
    return j1


def test_follow_ups(srv, train, model_id, rec):
    """The train job asked for per_pixel_irfs: its completion queued a reconstruct job of its model and an
    evaluate job of that reconstruction; the reconstruction serves the same per-pixel IRFs as one queued by hand."""
    st, _, lst = srv.get("/api/v1/jobs?kind=reconstruct&session_id=" + train["session_id"])
    mine = [j for j in lst["jobs"] if j["params"].get("follow_up_of") == train["id"]]
    expect(len(mine) == 1 and mine[0]["model_id"] == model_id and mine[0]["id"] != rec["id"], "follow-up reconstruct: %r" % (lst,))
    expect(mine[0]["created_at"] >= train["finished_at"], "queued by the completion")
    st, _, lst = srv.get("/api/v1/jobs?kind=evaluate&session_id=" + train["session_id"])
    evs = [j for j in lst["jobs"] if j["params"].get("follow_up_of") == train["id"]]
    expect(len(evs) == 1 and evs[0]["input_job_id"] == mine[0]["id"] and evs[0]["depends_on"] == mine[0]["id"],
           "follow-up evaluate: %r" % (lst,))
    follow = srv.wait_job(mine[0]["id"], timeout=300)
    expect(follow["state"] == "succeeded", "follow-up reconstruct: %r" % (follow,))
    for x, y in ((0, 0), (17, 9)):
        q = "/irf/pixel?image=1&x=%d&y=%d" % (x, y)
        st1, _, a = srv.get("/api/v1/jobs/%s%s" % (follow["id"], q))
        st2, _, b = srv.get("/api/v1/jobs/%s%s" % (rec["id"], q))
        expect(st1 == 200 and st2 == 200 and len(a["matrix"]) == len(b["matrix"]), "per-pixel IRFs at %s" % q)
        diff = max(abs(u - v) for ra, rb in zip(a["matrix"], b["matrix"]) for u, v in zip(ra, rb))
        expect(diff < 1e-6, "per-pixel IRFs of the follow-up differ from the hand-queued ones at %s by %g" % (q, diff))
    step("per_pixel_irfs: the train job's completion queued reconstruct (its model) + evaluate (depends on it); same IRFs")
    return follow, evs[0]


def test_results(srv, train_job, rec_job):
    tid, rid = train_job["id"], rec_job["id"]
    st, _, files = srv.get("/api/v1/jobs/%s/files" % rid)
    names = {f["name"] for f in files["files"]}
    expect(st == 200 and {"reconstructions.npy", "irf_spatial.npy", "irf_feature.npy", "attention.npy"} <= names,
           "reconstruct outputs: %r" % names)
    st, hdrs, blob = srv.get("/api/v1/jobs/%s/files/attention.npy" % rid, raw=True)
    expect(st == 200 and blob[:6] == b"\x93NUMPY" and hdrs.get("etag"), "attention.npy download")
    st, _, _ = srv.get("/api/v1/jobs/%s/files/attention.npy" % rid, headers={"If-None-Match": hdrs["etag"]}, raw=True)
    expect(st == 304, "result ETag 304")
    expect_error(srv.get("/api/v1/jobs/%s/files/nope.npy" % rid), 404)
    expect_error(srv.get("/api/v1/jobs/%s/files/..%%2Firfa.db" % rid), 404)
    expect_error(srv.get("/api/v1/jobs/%s/files/.hidden" % rid), 400, "bad_name")
    step("results: listing, download with ETag/304, unknown and traversal names refused")

    for job in (tid, rid):
        st, hdrs, png = srv.get("/api/v1/jobs/%s/reconstructions/0.png" % job, raw=True)
        expect(st == 200 and png[:8] == b"\x89PNG\r\n\x1a\n" and hdrs["content-type"] == "image/png", "PNG of %s" % job)
    expect_error(srv.get("/api/v1/jobs/%s/reconstructions/99.png" % rid), 404)
    expect_error(srv.get("/api/v1/jobs/%s/reconstructions/x.png" % rid), 400)
    step("reconstruction PNGs (train and reconstruct outputs), missing image 404")

    rdir = os.path.join(srv.data, "jobs", rid)
    st, _, px = srv.get("/api/v1/jobs/%s/irf/pixel?image=1&x=3&y=5" % rid)
    expect(st == 200 and px["arrays"] == len(px["matrix"]) and px["features"] == len(px["matrix"][0]), "pixel IRF: %r" % (px,))
    st, _, sp = srv.get("/api/v1/jobs/%s/irf/spatial?image=2" % rid)
    st2, _, sp1 = srv.get("/api/v1/jobs/%s/irf/spatial?image=2&array=1" % rid)
    st3, _, ft = srv.get("/api/v1/jobs/%s/irf/feature?image=0" % rid)
    expect(st == st2 == st3 == 200 and sp1["maps"][0] == sp["maps"][1], "spatial/feature IRF")
    if np is not None:
        att = np.load(os.path.join(rdir, "attention.npy"), mmap_mode="r")
        expect(np.allclose(np.array(px["matrix"]), att[1, :, :, 5, 3], atol=1e-6), "pixel IRF differs from attention.npy")
        spat = np.load(os.path.join(rdir, "irf_spatial.npy"))
        expect(np.allclose(np.array(sp["maps"]), spat[2], atol=1e-6), "spatial IRF differs from irf_spatial.npy")
        feat = np.load(os.path.join(rdir, "irf_feature.npy"))
        expect(np.allclose(np.array(ft["matrix"]), feat[0], atol=1e-6), "feature IRF differs from irf_feature.npy")
    size = px and srv.get("/api/v1/jobs/%s/irf/spatial?image=0" % rid)[2]["width"]
    for q in ["image=1&x=%d&y=0" % size, "image=1&x=-1&y=0", "image=99&x=0&y=0", "x=0&y=0", "image=0&x=0", "image=a&x=0&y=0"]:
        expect_error(srv.get("/api/v1/jobs/%s/irf/pixel?%s" % (rid, q)), 400)
    expect_error(srv.get("/api/v1/jobs/%s/irf/spatial?image=0&array=999" % rid), 400)
    expect_error(srv.get("/api/v1/jobs/%s/irf/pixel?image=0&x=0&y=0" % tid), 404)  # train wrote no attention.npy
    times = []
    for k in range(50):
        t0 = time.perf_counter()
        st, _, _ = srv.get("/api/v1/jobs/%s/irf/pixel?image=%d&x=%d&y=%d" % (rid, k % 3, k % size, (k * 7) % size))
        times.append(time.perf_counter() - t0)
    times.sort()
    print("    per-pixel IRF: median %.2f ms, max %.2f ms over 50 warm requests" % (times[25] * 1e3, times[-1] * 1e3))
    expect(times[25] < 0.05, "per-pixel IRF slower than 50 ms when warm")
    step("IRFs: per-pixel h x c, spatial maps, feature matrix equal to the arrays; bad coordinates 400; warm < 50 ms")


def test_cancel(srv, sid):
    opts = dict(TINY_TRAIN, epochs=1000)
    st, _, job = srv.post("/api/v1/jobs", {"kind": "train", "session_id": sid, "options": opts})
    expect(st == 201, "long train job")
    srv.wait_job(job["id"], states=("running",), timeout=120)
    time.sleep(1.0)
    t0 = time.time()
    st, _, c = srv.post("/api/v1/jobs/%s/cancel" % job["id"], None)
    expect(st == 202 and c["cancel_requested"], "cancel running: %r" % (c,))
    done = srv.wait_job(job["id"], timeout=30)
    took = time.time() - t0
    expect(done["state"] == "cancelled", "cancelled state: %r" % done["state"])
    print("    cancel of a running training job took %.2f s" % took)
    expect(took < 10, "cancel took %.1f s" % took)
    expect_error(srv.post("/api/v1/jobs/%s/cancel" % job["id"], None), 409, "conflict")
    expect(not os.path.exists(os.path.join(srv.data, "jobs", job["id"])), "a cancelled job left a result folder")
    # a queued job is cancelled at once, and jobs depending on it fail
    st, _, q1 = srv.post("/api/v1/jobs", {"kind": "train", "session_id": sid, "options": opts})
    st, _, q2 = srv.post("/api/v1/jobs", {"kind": "train", "session_id": sid, "depends_on": q1["id"], "options": TINY_TRAIN})
    st, _, c = srv.post("/api/v1/jobs/%s/cancel" % q2["id"], None)
    expect(st == 202 and c["state"] == "cancelled", "cancel queued")
    srv.post("/api/v1/jobs/%s/cancel" % q1["id"], None)
    srv.wait_job(q1["id"], timeout=30)
    step("cancel: running job stopped within seconds (SIGTERM then SIGKILL), queued at once, finished 409")


def test_auth(irfa, data, root):
    tokfile = os.path.join(root, "tokens")
    with open(tokfile, "w") as f:
        f.write("# lab tokens\nwrite w-0123456789abcdef0123\nread r-0123456789abcdef0123\n")
    srv = Server(irfa, data=data, args=["--workers", "0", "--token-file", tokfile]).start()
    try:
        expect(srv.get("/healthz")[0] in (200, 503), "healthz stays public")
        expect(srv.get("/api/v1/openapi.json")[0] == 200, "openapi stays public")
        expect_error(srv.get("/api/v1/jobs"), 401, "unauthorized")
        expect_error(srv.get("/api/v1/jobs", token="wrong-token-0123456789"), 401, "unauthorized")
        expect(srv.get("/api/v1/jobs", token="r-0123456789abcdef0123")[0] == 200, "read token reads")
        expect_error(srv.post("/api/v1/sessions", {"name": "x"}, token="r-0123456789abcdef0123"), 403, "forbidden")
        expect_error(srv.post("/api/v1/sessions", {"name": "x"}), 401, "unauthorized")
        expect_error(oversize_upload(srv, "PUT", "/api/v1/sessions/s_0123456789abcdef/files/a", 100), 401, "unauthorized")
        expect(srv.post("/api/v1/sessions", {"name": "x"}, token="w-0123456789abcdef0123")[0] == 201, "write token writes")
    finally:
        srv.stop()
    with open(tokfile, "w") as f:
        f.write("admin short\n")
    r = subprocess.run([irfa, "serve", "--data", data, "--port", "0", "--workers", "0", "--token-file", tokfile],
                       capture_output=True, timeout=30)
    expect(r.returncode != 0 and b"token" in r.stderr, "a malformed token file must stop serve: %r" % (r.stderr,))
    step("auth: missing/unknown token 401, read-only token 403 on writes, write token works, bad token file refused")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--irfa", required=True)
    ap.add_argument("--openapi", required=True)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    root = tempfile.mkdtemp(prefix="irfa-api-test-")
    data = os.path.join(root, "data")
    web = make_web(root)
    srv = Server(a.irfa, data=data, args=["--workers", "1", "--lease-seconds", "3", "--max-upload-mb", "1",
                                           "--max-json-kb", "4", "--web", web, "--device", "cpu"])
    srv.start()
    ok = False
    try:
        test_system(srv, a.openapi)
        sim = test_idempotency_and_simulate(srv)
        upload_sid, import_job = test_sessions_and_uploads(srv)
        test_models(srv)
        test_static(srv)
        ready_sid = sim["session_id"]
        st, _, train = srv.post("/api/v1/jobs", {"kind": "train", "session_id": ready_sid, "depends_on": sim["id"],
                                                 "options": TINY_TRAIN, "name": "tiny model", "per_pixel_irfs": True})
        expect(st == 201 and train["state"] == "queued" and train["params"].get("per_pixel_irfs") is True, "train job: %r" % (train,))
        test_job_creation_errors(srv, ready_sid)

        imp = srv.wait_job(import_job, timeout=120)
        expect(imp["state"] == "failed" and "irfa import" in (imp["last_error"] or ""), "bad import: %r" % (imp,))
        st, _, s = srv.get("/api/v1/sessions/" + upload_sid)
        expect(s["state"] == "failed" and s["error"], "session of a failed import: %r" % (s,))
        st, _, log = srv.get("/api/v1/jobs/%s/log" % import_job, raw=True)
        expect(st == 200 and b"import" in log, "job log")
        step("import job: child failure recorded as last_error, session failed, log served")

        sim_done = srv.wait_job(sim["id"], timeout=120)
        expect(sim_done["state"] == "succeeded", "simulate: %r" % (sim_done,))
        st, _, s = srv.get("/api/v1/sessions/" + ready_sid)
        expect(s["state"] == "ready" and "manifest.json" in s.get("files", []), "simulated session: %r" % (s,))
        test_session_files(srv, ready_sid)
        train = srv.wait_job(train["id"], timeout=600)
        expect(train["state"] == "succeeded", "train: %r" % (train,))
        expect(train["loss_history"] and train["loss_history"][0]["epoch"] == 1 and "loss_g" in train["loss_history"][0],
               "loss history: %r" % (train["loss_history"],))
        expect(train["epoch"] == 1 and train["progress"] == 1, "epoch/progress")
        st, _, models = srv.get("/api/v1/models")
        model = [m for m in models["models"] if m["job_id"] == train["id"]]
        expect(len(model) == 1 and model[0]["name"] == "tiny model", "trained model registered: %r" % (models,))
        st, _, lst = srv.get("/api/v1/jobs?state=succeeded&kind=train&session_id=" + ready_sid)
        expect([j["id"] for j in lst["jobs"]] == [train["id"]], "job list filters")
        step("simulate -> train (depends_on): session ready, loss history, epoch, model registered, list filters")

        st, _, rec = srv.post("/api/v1/jobs", {"kind": "reconstruct", "session_id": ready_sid, "model_id": model[0]["id"]})
        expect_error(srv.get("/api/v1/jobs/%s/irf/pixel?image=0&x=0&y=0" % rec["id"]), 409, "not_finished")
        rec = srv.wait_job(rec["id"], timeout=300)
        expect(rec["state"] == "succeeded", "reconstruct: %r" % (rec,))
        test_results(srv, train, rec)
        follow_rec, follow_ev = test_follow_ups(srv, train, model[0]["id"], rec)

        st, _, ev = srv.post("/api/v1/jobs", {"kind": "evaluate", "input_job_id": rec["id"]})
        expect(st == 201 and ev["session_id"] == ready_sid, "evaluate job: %r" % (ev,))
        expect_error(srv.post("/api/v1/jobs", {"kind": "evaluate", "input_job_id": train["id"]}), 400, "bad_field")
        ev = srv.wait_job(ev["id"], timeout=300)
        has_evaluate = subprocess.run([a.irfa, "evaluate", "--help"], capture_output=True).returncode == 0
        expect(ev["state"] == ("succeeded" if has_evaluate else "failed"), "evaluate: %r" % (ev,))
        follow_ev = srv.wait_job(follow_ev["id"], timeout=300)
        expect(follow_ev["state"] == ev["state"], "evaluation queued by the train job: %r" % (follow_ev,))
        if has_evaluate:
            expect("ssim" in ev["metrics"] and "pixel_r" in ev["metrics"], "evaluation metrics: %r" % (ev["metrics"],))
            expect(follow_ev["metrics"]["ssim"] == ev["metrics"]["ssim"], "the two evaluations of one model differ")
            st, _, files = srv.get("/api/v1/jobs/%s/files" % ev["id"])
            expect("evaluation.json" in {f["name"] for f in files["files"]}, "evaluation.json kept")
        else:
            expect(ev["attempt"] == 1, "a usage error (exit 2) must not be retried")
        step("evaluate job on a reconstruct job (%s)" % ("succeeded, metrics recorded" if has_evaluate else "no `irfa evaluate`: failed, not retried"))

        test_cancel(srv, ready_sid)

        expect_error(srv.request("DELETE", "/api/v1/sessions/s_0123456789abcdef"), 404)
        st, _, busy = srv.post("/api/v1/jobs", {"kind": "train", "session_id": ready_sid, "options": dict(TINY_TRAIN, epochs=1000)})
        expect_error(srv.request("DELETE", "/api/v1/sessions/" + ready_sid), 409, "conflict")
        srv.post("/api/v1/jobs/%s/cancel" % busy["id"], None)
        srv.wait_job(busy["id"], timeout=30)
        st, _, _ = srv.request("DELETE", "/api/v1/sessions/" + upload_sid)
        expect(st == 200 and not os.path.exists(os.path.join(data, "uploads", upload_sid)), "delete session")
        expect_error(srv.get("/api/v1/sessions/" + upload_sid), 404)
        step("delete session: busy 409, unknown 404, files removed")

        st, _, text = srv.get("/metrics", raw=True)
        text = text.decode()
        expect(st == 200 and "irfa_queue_depth" in text and 'irfa_jobs{state="succeeded"}' in text and
               'route="/api/v1/jobs/{}"' in text and "irfa_workers_alive 1" in text, "metrics:\n" + text)
        step("/metrics: queue depth, jobs by state, request counts, workers")
        srv.stop()
        test_auth(a.irfa, data, root)
        ok = True
    finally:
        srv.stop()
        if ok and not a.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print("data kept in", root)
    print("api test: %d groups passed" % len(checked))


if __name__ == "__main__":
    main()
