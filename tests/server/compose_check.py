#!/usr/bin/env python3
"""Checks docker/compose.yaml with a YAML parser (Docker cannot run on the CI machines) and the
Dockerfile's essentials: GPU service with an NVIDIA device reservation including the `graphics`
capability, a CPU-only profile, a named volume for /data, a healthcheck running `irfa healthcheck`,
a multi-stage Debian 12 build running as a non-root user with lavapipe."""
import os
import re
import shutil
import subprocess
import sys

import yaml  # Debian package python3-yaml


def fail(msg):
    print("compose check failed:", msg)
    sys.exit(1)


def check_service_common(name, svc, compose_dir):
    build = svc.get("build") or fail("%s: no build section" % name)
    dockerfile = os.path.join(compose_dir, build["context"], build["dockerfile"])
    os.path.isfile(dockerfile) or fail("%s: build points at missing %s" % (name, dockerfile))
    hc = svc.get("healthcheck", {}).get("test", [])
    (hc[:3] == ["CMD", "irfa", "healthcheck"]) or fail("%s: healthcheck must run irfa healthcheck: %r" % (name, hc))
    vols = svc.get("volumes", [])
    any(isinstance(v, str) and v.split(":")[1] == "/data" and not v.startswith(("/", ".")) for v in vols) or \
        fail("%s: no named volume mounted at /data: %r" % (name, vols))
    ports = [str(p) for p in svc.get("ports", [])]
    any(p.endswith(":8080") for p in ports) or fail("%s: port 8080 not published" % name)
    cmd = svc.get("command", [])
    (cmd[:1] == ["serve"] and "/data" in cmd) or fail("%s: command must be serve --data /data: %r" % (name, cmd))


def main():
    compose_path, dockerfile_path = sys.argv[1], sys.argv[2]
    with open(compose_path) as f:
        doc = yaml.safe_load(f)
    compose_dir = os.path.dirname(os.path.abspath(compose_path))
    services = doc.get("services") or fail("no services")
    gpu = [n for n, s in services.items() if not s.get("profiles")]
    cpu = [n for n, s in services.items() if "cpu" in (s.get("profiles") or [])]
    (len(gpu) == 1 and len(cpu) == 1) or fail("expected one default (GPU) service and one in the cpu profile: %r" % list(services))
    g, c = services[gpu[0]], services[cpu[0]]
    for name in (gpu[0], cpu[0]):
        check_service_common(name, services[name], compose_dir)
    devices = g.get("deploy", {}).get("resources", {}).get("reservations", {}).get("devices", [])
    nv = [d for d in devices if d.get("driver") == "nvidia"]
    nv or fail("GPU service has no NVIDIA device reservation")
    caps = set(nv[0].get("capabilities", []))
    {"gpu", "graphics"} <= caps or fail("the NVIDIA reservation needs the gpu and graphics capabilities: %r" % caps)
    "graphics" in str(g.get("environment", {}).get("NVIDIA_DRIVER_CAPABILITIES", "")) or \
        fail("NVIDIA_DRIVER_CAPABILITIES must include graphics (Vulkan)")
    c.get("deploy", {}).get("resources", {}).get("reservations") and fail("the CPU profile must not reserve devices")
    "--device" in c.get("command", []) or fail("the CPU service must select the cpu device")
    volumes = doc.get("volumes") or {}
    for name in (gpu[0], cpu[0]):
        vol = services[name]["volumes"][0].split(":")[0]
        vol in volumes or fail("volume %s is not declared at the top level" % vol)

    with open(dockerfile_path) as f:
        df = f.read()
    froms = re.findall(r"^FROM\s+(\S+)", df, re.M)
    (len(froms) >= 2 and all(re.match(r"debian:(12|bookworm)", x) for x in froms)) or fail("not multi-stage Debian 12: %r" % froms)
    users = re.findall(r"^USER\s+(\S+)", df, re.M)
    (users and users[-1] not in ("root", "0")) or fail("the image must run as a non-root user")
    "mesa-vulkan-drivers" in df or fail("lavapipe (mesa-vulkan-drivers) missing")
    re.search(r'^HEALTHCHECK .*"irfa", "healthcheck"', df, re.M) or fail("Dockerfile HEALTHCHECK must run irfa healthcheck")
    re.search(r"NVIDIA_DRIVER_CAPABILITIES=\S*graphics", df) or fail("Dockerfile must ask for the graphics capability")
    "COPY --from=build" in df or fail("runtime stage must copy the build stage's output")

    # When a docker CLI is present (not on CI), let compose itself validate the file too.
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        r = subprocess.run(["docker", "compose", "-f", compose_path, "config", "-q"], capture_output=True, text=True)
        if r.returncode != 0:
            fail("docker compose config: " + r.stderr)
    print("compose check passed: services %s (GPU) and %s (cpu profile)" % (gpu[0], cpu[0]))


if __name__ == "__main__":
    main()
