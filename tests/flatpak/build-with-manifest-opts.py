#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Configures, builds and installs Dockyard with exactly the config-opts of
the Flatpak manifest's dockyard module (prefix /app, libdir lib, as
flatpak-builder does), into a temporary folder, and checks that what
Flatpak exports carries the manifest's app id.  For the .Devel manifest it
configures and builds the data files only.  Prints TAP."""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2])
MESON = shutil.which('meson')
results = []


def check(name, ok, detail=''):
    results.append((name, bool(ok), detail))


def run(args, log):
    with open(log, 'a', encoding='utf-8') as out:
        out.write('$ ' + ' '.join(map(str, args)) + '\n')
        out.flush()
        return subprocess.run(args, stdout=out, stderr=subprocess.STDOUT).returncode == 0


def tail(log, lines=15):
    text = Path(log).read_text(encoding='utf-8', errors='replace').splitlines()
    return '\n# '.join(text[-lines:])


def dockyard_opts(manifest_path):
    manifest = json.loads(manifest_path.read_text(encoding='utf-8'))
    module = next(m for m in manifest['modules'] if isinstance(m, dict) and m['name'] == 'dockyard')
    return manifest['id'], module.get('config-opts', [])


with tempfile.TemporaryDirectory(prefix='dockyard-flatpak-build-') as tmp:
    tmp = Path(tmp)
    log = tmp / 'build.log'

    app_id, opts = dockyard_opts(SOURCE / 'flatpak' / 'io.github.dockyardapp.Dockyard.json')
    build = tmp / 'build'
    dest = tmp / 'dest'
    configured = run([MESON, 'setup', build, SOURCE, '--prefix=/app', '--libdir=lib', *opts], log)
    check(f'meson setup with the manifest\'s config-opts {opts}', configured, tail(log))
    built = configured and run([MESON, 'compile', '-C', build], log)
    check('meson compile', built, tail(log))
    installed = built and run([MESON, 'install', '-C', build, '--destdir', dest, '--no-rebuild'], log)
    check('meson install into a /app prefix', installed, tail(log))

    share = dest / 'app' / 'share'
    exported = {
        'bin/dockyard (the manifest command)': dest / 'app' / 'bin' / 'dockyard',
        'desktop file': share / 'applications' / f'{app_id}.desktop',
        'metainfo': share / 'metainfo' / f'{app_id}.metainfo.xml',
        'GSettings schema': share / 'glib-2.0' / 'schemas' / f'{app_id}.gschema.xml',
        'icon': share / 'icons' / 'hicolor' / 'scalable' / 'apps' / f'{app_id}.svg',
    }
    missing = [f'{what}: {path.relative_to(dest)}' for what, path in exported.items() if not path.exists()]
    check(f'installed files carry the app id {app_id}', installed and not missing, f'missing {missing}')

    devel_id, devel_opts = dockyard_opts(SOURCE / 'flatpak' / 'io.github.dockyardapp.Dockyard.Devel.json')
    devel_build = tmp / 'build-devel'
    devel_configured = run([MESON, 'setup', devel_build, SOURCE, '--prefix=/app', '--libdir=lib',
                            *devel_opts], log)
    targets = [f'data/{devel_id}.desktop', f'data/{devel_id}.metainfo.xml', 'data/gschemas.compiled']
    devel_built = devel_configured and run(['ninja', '-C', devel_build, *targets], log)
    metainfo = devel_build / 'data' / f'{devel_id}.metainfo.xml'
    check(f'the .Devel config-opts {devel_opts} make data files named {devel_id}',
          devel_built and metainfo.exists()
          and f'<id>{devel_id}</id>' in metainfo.read_text(encoding='utf-8'),
          tail(log))

print(f'1..{len(results)}')
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok and detail:
        print(f'# {detail}')
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
