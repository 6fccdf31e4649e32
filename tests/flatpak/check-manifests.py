#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifests without a Flatpak runtime: that they parse,
name the app as meson and data/ do, grant exactly the sandbox holes Dockyard
needs, and pin every source they download.  Prints TAP."""

import json
import re
import sys
from pathlib import Path

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2])
BASE_ID = 'io.github.dockyardapp.Dockyard'
MANIFESTS = {
    BASE_ID: SOURCE / 'flatpak' / f'{BASE_ID}.json',
    BASE_ID + '.Devel': SOURCE / 'flatpak' / f'{BASE_ID}.Devel.json',
}
FINISH_ARGS = {
    '--socket=wayland',
    '--socket=fallback-x11',
    '--share=ipc',
    '--device=dri',
    '--share=network',         # polling Jupyter on loopback
    '--filesystem=/run/docker.sock',
    '--filesystem=xdg-run/docker.sock',
    '--filesystem=xdg-run/podman',
    '--filesystem=home',       # picked folders keep their host paths
}
# Holes that would let the app out of its sandbox, or that it has no use for.
FORBIDDEN = [
    re.compile(r'^--talk-name=org\.freedesktop\.Flatpak'),
    re.compile(r'^--filesystem=(host|host-os|host-etc|host-root)(:.*)?$'),
    re.compile(r'^--filesystem=/(:.*)?$'),
    re.compile(r'^--filesystem=/var/run/'),   # /var/run is Flatpak's own link to /run
    re.compile(r'^--socket=(session-bus|system-bus|x11)$'),
    re.compile(r'^--device=all$'),
    re.compile(r'^--allow=devel$'),
]
VTE_OPTIONS = ['-Dgtk4=true', '-Dgtk3=false', '-Dgir=false', '-Dvapi=false', '-Ddocs=false']
HEX64 = re.compile(r'^[0-9a-f]{64}$')
HEX40 = re.compile(r'^[0-9a-f]{40}$')
# The VTE the GNOME 50 runtime pairs with, and its tarball's sha256 as
# Debian unstable's Sources index lists vte2.91_0.84.1.orig.tar.xz (1,909,008
# bytes; checked against dists/sid/main/source/Sources.xz on 2026-12-06).
VTE_SERIES = '0.84'
VTE_SHA256 = '9604a451fdab2fee13807732f78bfeb7660f7a5d603cb7a5a0295d1568701b6c'

results = []


def check(name, ok, detail=''):
    results.append((name, bool(ok), detail))


def read(relative):
    return (SOURCE / relative).read_text(encoding='utf-8')


def module(manifest, name):
    for m in manifest.get('modules', []):
        if isinstance(m, dict) and m.get('name') == name:
            return m
    return None


def meson_facts():
    top = read('meson.build')
    base = re.search(r"base_id\s*=\s*'([^']+)'", top)
    devel = re.search(r"app_id\s*=\s*base_id\s*\+\s*'([^']+)'", top)
    options = set(re.findall(r"option\('([^']+)'", read('meson_options.txt')))
    executables = set(re.findall(r"executable\('([^']+)'", read('app/meson.build')))
    return (base.group(1) if base else None,
            devel.group(1) if devel else None,
            options, executables)


meson_base, meson_devel_suffix, meson_options, executables = meson_facts()

check('meson.build names the app ' + BASE_ID, meson_base == BASE_ID, f'base_id = {meson_base!r}')
check('data/ files are templates of the app id',
      (SOURCE / 'data' / f'{BASE_ID}.desktop.in.in').is_file()
      and '<id>@APP_ID@</id>' in read(f'data/{BASE_ID}.metainfo.xml.in.in')
      and 'id="@APP_ID@"' in read(f'data/{BASE_ID}.gschema.xml.in')
      and (SOURCE / 'data' / 'icons' / 'hicolor' / 'scalable' / 'apps' / f'{BASE_ID}.svg').is_file())
check('the desktop file runs the manifest command',
      re.search(r'^Exec=dockyard(\s|$)', read(f'data/{BASE_ID}.desktop.in.in'), re.M) is not None)

runtime_versions = set()
for app_id, path in MANIFESTS.items():
    label = path.name
    try:
        manifest = json.loads(path.read_text(encoding='utf-8'))
        parsed = isinstance(manifest, dict)
    except (OSError, ValueError) as error:
        manifest, parsed = {}, False
        check(f'{label}: parses as JSON', False, str(error))
        continue
    check(f'{label}: parses as JSON', parsed)

    devel = app_id.endswith('.Devel')
    expected_meson_id = meson_base + (meson_devel_suffix if devel else '') if meson_base else None
    check(f'{label}: app id is {app_id} as meson builds it',
          manifest.get('id') == app_id == expected_meson_id and 'app-id' not in manifest,
          f"id = {manifest.get('id')!r}, meson = {expected_meson_id!r}")
    check(f'{label}: command is dockyard, the installed executable',
          manifest.get('command') == 'dockyard' and 'dockyard' in executables)
    check(f'{label}: runtime and sdk are GNOME\'s',
          manifest.get('runtime') == 'org.gnome.Platform'
          and manifest.get('sdk') == 'org.gnome.Sdk'
          and re.fullmatch(r'\d+', str(manifest.get('runtime-version', ''))) is not None,
          f"runtime-version = {manifest.get('runtime-version')!r}")
    runtime_versions.add(manifest.get('runtime-version'))

    args = manifest.get('finish-args', [])
    check(f'{label}: finish-args are exactly the needed ones',
          sorted(args) == sorted(FINISH_ARGS) and len(args) == len(set(args)),
          f'missing {sorted(FINISH_ARGS - set(args))}, extra {sorted(set(args) - FINISH_ARGS)}')
    bad = [a for a in args if any(p.search(a) for p in FORBIDDEN)]
    check(f'{label}: no finish-arg escapes the sandbox', not bad, f'forbidden: {bad}')

    unpinned = []
    for m in manifest.get('modules', []):
        if not isinstance(m, dict):
            unpinned.append(f'{m!r} (a module file, not checked)')
            continue
        for s in m.get('sources', []):
            kind = s.get('type')
            if kind in ('archive', 'file') and 'url' in s:
                if not HEX64.match(s.get('sha256', '')) or not s['url'].startswith('https://'):
                    unpinned.append(f"{m['name']}: {s['url']}")
                for mirror in s.get('mirror-urls', []):
                    if not mirror.startswith('https://'):
                        unpinned.append(f"{m['name']}: {mirror}")
            elif kind == 'git':
                if not HEX40.match(s.get('commit', '')) or not s.get('tag'):
                    unpinned.append(f"{m['name']}: {s.get('url')}")
            elif kind in ('dir', 'file', 'patch') and 'path' in s:
                if m['name'] != 'dockyard' and kind == 'dir':
                    unpinned.append(f"{m['name']}: local dir {s['path']}")
            else:
                unpinned.append(f"{m['name']}: {kind} source")
    check(f'{label}: every downloaded source is pinned (sha256, or commit and tag)',
          not unpinned, f'unpinned: {unpinned}')

    vte = module(manifest, 'vte')
    vte_opts = vte.get('config-opts', []) if vte else []
    check(f'{label}: VTE is built for GTK 4 only, without gir, vapi or docs',
          vte is not None and all(o in vte_opts for o in VTE_OPTIONS)
          and not any(o.startswith(('-Dgtk4=f', '-Dgtk3=t')) for o in vte_opts),
          f'config-opts = {vte_opts}')

    vte_sources = vte.get('sources', []) if vte else []
    check(f'{label}: VTE is the {VTE_SERIES} release the runtime pairs with, at the checked sha256',
          len(vte_sources) == 1
          and f'/vte-{VTE_SERIES}.' in vte_sources[0].get('url', '')
          and vte_sources[0].get('sha256') == VTE_SHA256,
          f'sources = {vte_sources}')

    names = [m.get('name') for m in manifest.get('modules', []) if isinstance(m, dict)]
    check(f'{label}: dependencies come before Dockyard, libarchive from the runtime',
          names[-1:] == ['dockyard']
          and all(n in names for n in ('protobuf', 'protobuf-c', 'vte'))
          and names.index('protobuf') < names.index('protobuf-c')
          and 'libarchive' not in names,
          f'modules = {names}')

    dockyard = module(manifest, 'dockyard') or {}
    opts = dockyard.get('config-opts', [])
    used = {re.match(r'-D([^=]+)=', o).group(1) for o in opts if re.match(r'-D([^=]+)=', o)}
    check(f'{label}: Dockyard is built from this repository with known options',
          dockyard.get('buildsystem') == 'meson'
          and dockyard.get('sources') == [{'type': 'dir', 'path': '..'}]
          and used <= meson_options
          and (('-Ddevelopment=true' in opts) == devel),
          f'config-opts = {opts}')

check('both manifests target the same runtime version', len(runtime_versions) == 1,
      f'{sorted(map(str, runtime_versions))}')

print(f'1..{len(results)}')
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok and detail:
        print(f'# {detail}')
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
