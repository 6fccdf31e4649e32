#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compares Dockyard's reading of each kept devcontainer.json (cases/, see
cases/SOURCES.md) with the reference tool's:
`devcontainer read-configuration --include-merged-configuration`.

The tool is $DOCKYARD_TEST_DEVCONTAINER_CLI (tests/run installs
@devcontainers/cli from npm into /var/cache/dockyard-tests/devcontainer-cli).
It drives the docker CLI, pointed at the private test engine by DOCKER_HOST.
For the merged configuration it inspects the base image: the busybox test
image is tagged with the configuration's image name in the test engine, and
a missing Dockerfile in the temporary copy is written FROM it.  Features
need an OCI registry, which is not reachable: configurations with features
are compared without the merged part (said in a TAP comment).  Without the
tool or an engine the test skips, except with CI=true, where it fails."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

cases_dir = sys.argv[1]
reader = os.environ["DOCKYARD_DEVCONTAINER_READ"]
cli = os.environ.get("DOCKYARD_TEST_DEVCONTAINER_CLI", "")
docker_host = os.environ.get("DOCKER_HOST", "")
busybox = os.environ.get("DOCKYARD_TEST_BUSYBOX_IMAGE", "")
ci = os.environ.get("CI") == "true"
docker = "/usr/bin/docker"

cases = sorted(os.listdir(cases_dir))
cases = [c for c in cases if os.path.isdir(os.path.join(cases_dir, c))]
print(f"1..{len(cases)}")

missing = []
if not cli or not os.access(cli, os.X_OK):
    missing.append("no devcontainer CLI (DOCKYARD_TEST_DEVCONTAINER_CLI)")
if not docker_host or not busybox:
    missing.append("no test engine (DOCKER_HOST, DOCKYARD_TEST_BUSYBOX_IMAGE)")
if not os.access(docker, os.X_OK):
    missing.append("no " + docker)
if missing:
    for i, case in enumerate(cases, 1):
        if ci:
            print(f"not ok {i} {case} # {'; '.join(missing)} (CI=true: never skipped)")
        else:
            print(f"ok {i} {case} # SKIP {'; '.join(missing)}")
    sys.exit(0)


def find_config(folder):
    for rel in (".devcontainer/devcontainer.json", ".devcontainer.json"):
        if os.path.isfile(os.path.join(folder, rel)):
            return os.path.join(folder, rel)
    return None


def run_cli(folder, merged):
    argv = [cli, "read-configuration", "--workspace-folder", folder,
            "--docker-path", docker, "--log-level", "info"]
    if merged:
        argv.append("--include-merged-configuration")
    p = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return None, p.stderr.strip().splitlines()[-3:]
    return json.loads(p.stdout.strip().splitlines()[-1]), None


def env_list(mapping):
    if not mapping:
        return []
    return [f"{k}={v}" for k, v in mapping.items() if v is not None]


def mount_of(value):
    """A mount as `docker run --mount` reads it: read here independently of
    Dockyard's parser."""
    if isinstance(value, dict):
        return {"type": value.get("type", "volume"), "source": value.get("source"),
                "target": value.get("target"), "readOnly": False}
    fields = {}
    read_only = False
    for part in value.split(","):
        key, eq, val = part.partition("=")
        key = key.strip()
        if key in ("readonly", "ro"):
            read_only = not eq or val.lower() in ("true", "1")
        elif key in ("src",):
            fields["source"] = val
        elif key in ("destination", "dst"):
            fields["target"] = val
        else:
            fields[key] = val
    return {"type": fields.get("type", "volume"), "source": fields.get("source"),
            "target": fields.get("target"), "readOnly": read_only}


def commands_of(value):
    """The lifecycle command forms as the spec defines them."""
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, str):
        return [{"name": None, "argv": ["/bin/sh", "-c", value]}]
    if isinstance(value, list):
        return [{"name": None, "argv": [str(v) for v in value]}]
    out = []
    for name, v in value.items():
        for c in commands_of(v):
            c["name"] = name
            out.append(c)
    return out


def compare(case, ours, result, config_file):
    problems = []
    conf = result["configuration"]
    merged = result.get("mergedConfiguration")
    src = merged if merged is not None else conf
    config_dir = os.path.dirname(config_file)

    def check(what, mine, theirs):
        if mine != theirs:
            problems.append(f"{what}: Dockyard {mine!r}, devcontainer CLI {theirs!r}")

    build = conf.get("build") or {}
    dockerfile = build.get("dockerfile", conf.get("dockerFile"))
    if dockerfile is not None:
        check("dockerfile", ours["dockerfile"],
              os.path.normpath(os.path.join(config_dir, dockerfile)))
        context = build.get("context", conf.get("context", "."))
        check("context", ours["context"], os.path.normpath(os.path.join(config_dir, context)))
        check("image", ours["image"], None)
    else:
        check("image", ours["image"], conf.get("image"))
    check("build args", ours["buildArgs"], env_list(build.get("args")))
    check("target", ours["target"], build.get("target"))
    check("workspace folder", ours["workspaceFolder"], result["workspace"]["workspaceFolder"])
    check("workspace mount target", ours["workspaceMountTarget"],
          mount_of(result["workspace"]["workspaceMount"])["target"])
    check("workspace mount", ours["workspaceMount"], conf.get("workspaceMount"))
    check("containerUser", ours["containerUser"], src.get("containerUser"))
    check("remoteUser", ours["remoteUser"], src.get("remoteUser"))
    check("updateRemoteUserUID", ours["updateRemoteUserUID"],
          src.get("updateRemoteUserUID", True))
    check("containerEnv", ours["containerEnv"], env_list(src.get("containerEnv")))
    check("remoteEnv", ours["remoteEnv"], env_list(src.get("remoteEnv")))
    check("mounts", ours["mounts"], [mount_of(m) for m in src.get("mounts", [])])
    check("forwardPorts", ours["forwardPorts"], [str(p) for p in src.get("forwardPorts", [])])
    for key in ("onCreateCommand", "postCreateCommand", "postStartCommand", "postAttachCommand"):
        if merged is not None:
            theirs = [c for v in merged.get(key + "s", []) for c in commands_of(v)]
        else:
            theirs = commands_of(conf.get(key))
        check(key, ours[key], theirs)
    gpu = (src.get("hostRequirements") or {}).get("gpu")
    check("hostRequirements.gpu", ours["gpu"],
          "true" if gpu is True or isinstance(gpu, dict) else gpu if gpu == "optional" else None)
    run_args = conf.get("runArgs", [])
    check("init", ours["init"], bool(src.get("init")) or "--init" in run_args)
    check("features", ours["features"], list((conf.get("features") or {}).keys()))
    # Every runArgs option Dockyard does not map is named, never dropped.
    mapped = {"--cap-add", "--security-opt", "--device", "--gpus", "--env", "-e",
              "--label", "-l", "--shm-size", "--init"}
    for arg in run_args:
        option = arg.split("=", 1)[0]
        if option.startswith("-") and option not in mapped:
            if not any(arg in u for u in ours["unsupported"]):
                problems.append(f"runArgs {arg!r} is neither used nor named as unsupported")
    for feature in ours["features"]:
        if not any(feature in u for u in ours["unsupported"]):
            problems.append(f"feature {feature!r} is not named as unsupported")
    return problems


def prepare(folder, config_file, case):
    """What the merged configuration needs: the base image, locally; with
    the devcontainer.metadata label of metadata/CASE.json when there is
    one (Dockyard is given the same label)."""
    env = dict(os.environ, DOCKER_HOST=docker_host)
    metadata = os.path.join(cases_dir, "..", "metadata", case + ".json")
    argv = [reader, folder]
    base = busybox
    if os.path.exists(metadata):
        label = open(metadata).read()
        base = "localhost/dockyard-test/devcontainer-metadata:" + case
        subprocess.run([docker, "build", "-q", "--label", "devcontainer.metadata=" + label,
                        "-t", base, "-"], input=f"FROM {busybox}\n", text=True, env=env,
                       check=True, capture_output=True)
        argv.append(metadata)
    ours = json.loads(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)
    if ours["image"]:
        subprocess.run([docker, "tag", base, ours["image"]], env=env, check=True,
                       capture_output=True)
    if ours["dockerfile"] and not os.path.exists(ours["dockerfile"]):
        os.makedirs(os.path.dirname(ours["dockerfile"]), exist_ok=True)
        with open(ours["dockerfile"], "w") as f:
            f.write(f"FROM {base}" + (f" AS {ours['target']}" if ours["target"] else "") + "\n")
    return ours, base


failed = 0
with tempfile.TemporaryDirectory(prefix="dockyard-devcontainer-") as tmp:
    for i, case in enumerate(cases, 1):
        # Outside any git repository: the tool would mount the repository's
        # root instead of the folder.
        folder = os.path.join(tmp, "p", case)
        shutil.copytree(os.path.join(cases_dir, case), folder, symlinks=True)
        config_file = find_config(folder)
        ours, base = prepare(folder, config_file, case)
        result, error = run_cli(folder, merged=True)
        note = ""
        if result is None and ours["features"]:
            note = " # features need a registry: compared without the merged configuration"
            result, error = run_cli(folder, merged=False)
        if result is None:
            print(f"not ok {i} {case}")
            for line in error or []:
                print(f"# devcontainer CLI: {line}")
            failed += 1
            continue
        problems = compare(case, ours, result, config_file)
        if problems:
            print(f"not ok {i} {case}")
            for p in problems:
                print(f"# {p}")
            failed += 1
        else:
            print(f"ok {i} {case}{note}")
        for image in ([ours["image"]] if ours["image"] else []) + ([base] if base != busybox else []):
            subprocess.run([docker, "rmi", image], capture_output=True,
                           env=dict(os.environ, DOCKER_HOST=docker_host))
sys.exit(0)
