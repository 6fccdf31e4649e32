#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The closest this machine gets to `flatpak run`: Dockyard installed with
the manifest's module options (prefix /app), run under bwrap with the
sandbox of the manifest's finish-args (tests/flatpak/run-sandboxed), against
the test engine bound at /run/docker.sock.

  build     the installed /app/bin/dockyard --build on a project in the home
            folder, finding the engine by itself (no DOCKER_HOST)
  dev, lab  the e2e workflow (tests/ui/test-e2e: form, build, dev shell
            through real keys, lab with Jupyter) inside the same sandbox

Arguments: SOURCE_DIR E2E_BINARY.  Needs the environment of tests/run (an
engine in DOCKER_HOST, the test images), an X server and a session bus.
Prints TAP."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE = Path(sys.argv[1])
E2E = Path(sys.argv[2])
SANDBOX = SOURCE / 'tests' / 'flatpak' / 'run-sandboxed'
MANIFEST_OPTS = ['-Dtests=false']   # checked against the manifest below
results = []


def check(name, ok, detail=''):
    results.append((name, bool(ok), detail))
    return ok


def skip_or_fail(reason):
    if os.environ.get('CI') == 'true':
        print(f'1..1\nnot ok 1 - {reason} (CI=true: a skip is a failure)')
        sys.exit(1)
    print(f'1..0 # SKIP {reason}')
    sys.exit(0)


def run(args, log, env=None, timeout=None):
    with open(log, 'a', encoding='utf-8') as out:
        out.write('$ ' + ' '.join(map(str, args)) + '\n')
        out.flush()
        try:
            return subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, env=env,
                                  timeout=timeout).returncode == 0
        except subprocess.TimeoutExpired:
            out.write(f'(timed out after {timeout} s)\n')
            return False


def tail(log, lines=25):
    text = Path(log).read_text(encoding='utf-8', errors='replace').splitlines()
    return '\n# '.join(text[-lines:])


def manifest_opts():
    import json
    manifest = json.loads((SOURCE / 'flatpak' / 'io.github.dockyardapp.Dockyard.json')
                          .read_text(encoding='utf-8'))
    module = next(m for m in manifest['modules'] if isinstance(m, dict) and m['name'] == 'dockyard')
    return module.get('config-opts', [])


host = os.environ.get('DOCKER_HOST', '')
if not host.startswith('unix://') or 'DOCKYARD_TEST_PYTHON_IMAGE' not in os.environ:
    skip_or_fail('no engine or test image: run the suite with tests/run')
if shutil.which('bwrap') is None:
    skip_or_fail('bwrap is not installed')
engine_socket = host[len('unix://'):]

# The home folder is in the build folder: the engine sees it at the same path
# (tests/run-sid binds the source tree into the chroot at its own path), and
# it is outside the sandbox's private /tmp, as a real home is.  (The e2e test
# moves HOME into a folder of its own and its project beside that, so its
# project is reached as a host folder granted at its own path, not as a
# folder below HOME.)
with tempfile.TemporaryDirectory(prefix='sandbox-', dir=os.environ['DOCKYARD_BUILD_DIR']) as tmp:
    tmp = Path(tmp)
    log = tmp / 'log'
    home = tmp / 'home'
    home.mkdir()
    dest = tmp / 'dest'
    build = tmp / 'build'

    opts = manifest_opts()
    check(f"the manifest's config-opts are {MANIFEST_OPTS}", opts == MANIFEST_OPTS, f'{opts}')
    installed = (run(['meson', 'setup', build, SOURCE, '--prefix=/app', '--libdir=lib', *opts], log)
                 and run(['meson', 'compile', '-C', build], log)
                 and run(['meson', 'install', '-C', build, '--destdir', dest, '--no-rebuild'], log))
    app = dest / 'app'
    # flatpak-builder compiles the schemas when it finishes the build.
    installed = installed and run(['glib-compile-schemas', app / 'share' / 'glib-2.0' / 'schemas'], log)
    if not check('installed under /app with the manifest\'s options', installed, tail(log)):
        installed = False

    env = dict(os.environ, DOCKYARD_SANDBOX_ENGINE=engine_socket, HOME=str(home))
    env.pop('GSETTINGS_SCHEMA_DIR', None)

    # build: the installed app, its own engine discovery.
    project = home / 'hello'
    project.mkdir()
    (project / 'Dockerfile').write_text(
        f"FROM {os.environ['DOCKYARD_TEST_BUSYBOX_IMAGE']}\n"
        "RUN echo built-in-the-sandbox > /hello\n", encoding='utf-8')
    build_log = tmp / 'build.log'
    built = installed and run([SANDBOX, app, '/app/bin/dockyard', '--build', project], build_log,
                              env=env, timeout=300)
    check('dockyard --build in the sandbox, the engine found at /run/docker.sock', built,
          tail(build_log))

    # dev and lab: the e2e workflow, in the same sandbox.
    e2e_log = tmp / 'e2e.log'
    artifacts = home / 'artifacts'
    if installed:
        libexec = app / 'libexec' / 'dockyard-tests'
        libexec.mkdir(parents=True, exist_ok=True)
        shutil.copy2(E2E, libexec / 'test-e2e')
    # No xdg-desktop-portal here: GTK, seeing /.flatpak-info, would open the
    # lab's URL through the OpenURI portal; without portals it uses GIO's
    # default handler inside the sandbox, the test's recording browser.
    gdk_debug = ','.join(filter(None, [os.environ.get('GDK_DEBUG'), 'no-portals']))
    passed = installed and run([SANDBOX, app,
                                'DOCKER_HOST=unix:///run/docker.sock',
                                f'GDK_DEBUG={gdk_debug}',
                                f'DOCKYARD_TEST_ARTIFACTS={artifacts}',
                                f'TMPDIR={home}',
                                'GSETTINGS_SCHEMA_DIR=/app/share/glib-2.0/schemas',
                                '/app/libexec/dockyard-tests/test-e2e', '--tap'],
                               e2e_log, env=env, timeout=540)
    e2e_text = e2e_log.read_text(encoding='utf-8', errors='replace') if e2e_log.exists() else ''
    check('the e2e workflow (build, dev, lab) in the sandbox', passed and '\nok 1 ' in e2e_text,
          tail(e2e_log, 40))
    # The screenshots, beside the other tests' artefacts.
    keep = os.environ.get('DOCKYARD_TEST_ARTIFACTS')
    if keep and artifacts.is_dir():
        for shot in artifacts.iterdir():
            target = Path(keep) / 'sandboxed'
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(shot, target / shot.name)

print(f'1..{len(results)}')
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok and detail:
        print(f'# {detail}')
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
