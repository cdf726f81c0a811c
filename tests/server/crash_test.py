#!/usr/bin/env python3
"""Crash test: a training job runs while its worker, its training process and the whole server are
killed with SIGKILL at random moments several times; after restarts the job must complete exactly
once, the database must pass PRAGMA integrity_check, and no result folder may be half-written."""
import argparse
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from service_harness import TINY_SIMULATE, TINY_TRAIN, Server, expect  # noqa: E402


def children(pid):
    out = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def wait_for(pred, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def worker_pid(srv):
    kids = children(srv.proc.pid)
    return kids[0] if kids else None


def train_pid(srv):
    w = worker_pid(srv)
    kids = children(w) if w else []
    return kids[0] if kids else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--irfa", required=True)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    print("crash test seed", a.seed, flush=True)
    root = tempfile.mkdtemp(prefix="irfa-crash-test-")
    data = os.path.join(root, "data")
    args = ["--workers", "1", "--lease-seconds", "2", "--device", "cpu"]
    srv = Server(a.irfa, data=data, args=args).start()
    ok = False
    try:
        st, _, sim = srv.post("/api/v1/sessions/simulate", {"name": "crash", "options": TINY_SIMULATE, "max_attempts": 10})
        expect(st == 201, "simulate job")
        st, _, train = srv.post("/api/v1/jobs", {"kind": "train", "session_id": sim["session_id"], "depends_on": sim["id"],
                                                 "max_attempts": 20, "options": dict(TINY_TRAIN, epochs=3)})
        expect(st == 201, "train job")
        jid = train["id"]
        srv.wait_job(jid, states=("running",), timeout=180)
        kinds = ["worker", "server", "train", "worker", "server", "worker+server"]
        for rnd in range(a.rounds):
            kind = kinds[rnd % len(kinds)]
            time.sleep(rng.uniform(0.5, 4.0))
            st, _, job = srv.get("/api/v1/jobs/" + jid)
            if job["state"] != "running":
                print("  round %d: job is %s, waiting for it to run again" % (rnd, job["state"]), flush=True)
                if job["state"] == "succeeded":
                    break
            if kind in ("worker", "worker+server"):
                w = wait_for(lambda: worker_pid(srv), 30, "a worker")
                os.kill(w, signal.SIGKILL)
                # the HTTP server survives its worker and starts a new one
                expect(srv.get("/healthz")[0] in (200, 503), "server answers after a worker crash")
                wait_for(lambda: worker_pid(srv) not in (None, w), 30, "the worker to be restarted")
            if kind == "train":
                t = wait_for(lambda: train_pid(srv), 60, "a training process")
                os.kill(t, signal.SIGKILL)
            if kind in ("server", "worker+server"):
                srv.proc.kill()
                srv.proc.wait()
                srv.proc.stdout.close()
                srv.proc = None
                time.sleep(rng.uniform(0, 1.5))
                srv.start()
            st, _, job = srv.get("/api/v1/jobs/" + jid)
            print("  round %d: killed %s; job %s attempt %d, epoch %s" % (rnd, kind, job["state"], job["attempt"], job["epoch"]),
                  flush=True)

        final = srv.wait_job(jid, timeout=900)
        expect(final["state"] == "succeeded", "the job did not complete: %r" % (final,))
        expect(final["attempt"] >= 2, "the crashes did not interrupt the job (attempt %d)" % final["attempt"])
        print("  job succeeded on attempt %d of %d" % (final["attempt"], final["max_attempts"]), flush=True)
        expect([e["epoch"] for e in final["loss_history"]] == [1, 2, 3], "loss history of the final attempt: %r" % final["loss_history"])
        srv.stop()

        db = sqlite3.connect(os.path.join(data, "irfa.db"))
        expect(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check")
        n_models = db.execute("SELECT count(*) FROM models WHERE job_id = ?", (jid,)).fetchone()[0]
        expect(n_models == 1, "the job completed %d times" % n_models)
        states = dict(db.execute("SELECT id, state FROM jobs").fetchall())
        expect(all(s == "succeeded" for s in states.values()), "job states: %r" % states)
        db.close()
        for name in os.listdir(os.path.join(data, "jobs")):
            expect(states.get(name) == "succeeded", "a result folder of an unfinished job: %s" % name)
            folder = os.path.join(data, "jobs", name)
            for needed in ("checkpoint.safetensors", "metrics.jsonl", "reconstructions.npy"):
                expect(os.path.isfile(os.path.join(folder, needed)), "half-written result folder: %s lacks %s" % (name, needed))
            with open(os.path.join(folder, "metrics.jsonl")) as f:
                expect(len(f.read().splitlines()) == 3, "metrics.jsonl of the result is not one whole run")
        expect(os.listdir(os.path.join(data, "jobs")) == [jid], "result folders: %r" % os.listdir(os.path.join(data, "jobs")))
        left = [n for n in os.listdir(os.path.join(data, "tmp")) if n.startswith(jid)]
        expect(not left, "attempt folders left in tmp/: %r" % left)
        print("crash test passed: completed exactly once, integrity ok, no half-written results", flush=True)
        ok = True
    finally:
        srv.stop()
        if ok:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print("data kept in", root)


if __name__ == "__main__":
    main()
