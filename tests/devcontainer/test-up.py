#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`devcontainer up` on a configuration Dockyard wrote ("Add Dev Container
Configuration", through dockyard-devcontainer-read --write): the reference
tool builds the project's Dockerfile and starts the container in the
private test engine (DOCKER_HOST, the docker CLI /usr/bin/docker), with the
project folder at Dockyard's workspace folder and Dockyard's user.  A second
write must refuse and leave the file alone.  Skips without the tool or an
engine, except with CI=true, where it fails."""

import json
import os
import subprocess
import sys
import tempfile

reader = os.environ["DOCKYARD_DEVCONTAINER_READ"]
cli = os.environ.get("DOCKYARD_TEST_DEVCONTAINER_CLI", "")
docker_host = os.environ.get("DOCKER_HOST", "")
busybox = os.environ.get("DOCKYARD_TEST_BUSYBOX_IMAGE", "")
ci = os.environ.get("CI") == "true"
docker = "/usr/bin/docker"
tests = ["written-once", "devcontainer-up", "folder-and-user"]
print(f"1..{len(tests)}")

missing = []
if not cli or not os.access(cli, os.X_OK):
    missing.append("no devcontainer CLI (DOCKYARD_TEST_DEVCONTAINER_CLI)")
if not docker_host or not busybox:
    missing.append("no test engine (DOCKER_HOST, DOCKYARD_TEST_BUSYBOX_IMAGE)")
if not os.access(docker, os.X_OK):
    missing.append("no " + docker)
if missing:
    for i, name in enumerate(tests, 1):
        directive = "" if ci else " # SKIP"
        print(f"{'not ok' if ci else 'ok'} {i} {name}{directive} {'; '.join(missing)}")
    sys.exit(0)

env = dict(os.environ, DOCKER_HOST=docker_host)
user = "1000:1000" if os.getuid() == 0 else f"{os.getuid()}:{os.getgid()}"
uid = user.split(":")[0]


def result(n, name, ok, notes=()):
    print(f"{'ok' if ok else 'not ok'} {n} {name}")
    for note in notes:
        print(f"# {note}")


with tempfile.TemporaryDirectory(prefix="dockyard-devcontainer-up-") as tmp:
    os.chmod(tmp, 0o755)
    folder = os.path.join(tmp, "upproj")
    os.mkdir(folder)
    os.chmod(folder, 0o777)
    with open(os.path.join(folder, "Dockerfile"), "w") as f:
        f.write(f"FROM {busybox}\nWORKDIR /srv/app\n")

    first = subprocess.run([reader, "--write", folder, user, "host"], capture_output=True, text=True)
    config = os.path.join(folder, ".devcontainer", "devcontainer.json")
    written = open(config).read() if os.path.exists(config) else ""
    second = subprocess.run([reader, "--write", folder, user, "host"], capture_output=True, text=True)
    again = open(config).read() if os.path.exists(config) else ""
    result(1, "written-once",
           first.returncode == 0 and written == first.stdout and second.returncode == 3
           and again == written,
           [f"first: {first.returncode} {first.stderr.strip()}",
            f"second: {second.returncode} {second.stderr.strip()}"])

    up = subprocess.run([cli, "up", "--workspace-folder", folder, "--docker-path", docker,
                         "--log-level", "info"], capture_output=True, text=True, env=env,
                        timeout=300)
    outcome = {}
    try:
        outcome = json.loads(up.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        pass
    container = outcome.get("containerId")
    result(2, "devcontainer-up", up.returncode == 0 and outcome.get("outcome") == "success",
           [] if container else up.stderr.strip().splitlines()[-5:])

    notes = []
    ok = False
    if container:
        run = subprocess.run([cli, "exec", "--workspace-folder", folder, "--docker-path", docker,
                              "sh", "-c", "pwd; id -u; echo from-devcontainer-up > made.txt"],
                             capture_output=True, text=True, env=env, timeout=120)
        made = os.path.join(folder, "made.txt")
        lines = run.stdout.split()
        owner = os.stat(made).st_uid if os.path.exists(made) else None
        ok = (run.returncode == 0 and lines[:2] == ["/srv/app", uid]
              and owner == int(uid) and outcome.get("remoteWorkspaceFolder") == "/srv/app")
        notes = [f"exec: {run.returncode} {lines!r}, made.txt owner {owner}"]
        subprocess.run([docker, "rm", "-f", container], capture_output=True, env=env)
        inspect = subprocess.run([docker, "images", "-q", "--filter", "reference=vsc-upproj-*"],
                                 capture_output=True, text=True, env=env)
        for image in set(inspect.stdout.split()):
            subprocess.run([docker, "rmi", "-f", image], capture_output=True, env=env)
    result(3, "folder-and-user", ok, notes)
