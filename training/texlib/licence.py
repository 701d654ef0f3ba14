"""Licence of a file shipped by a Debian package, from its machine-readable copyright file (DEP-5):
the last Files stanza whose pattern matches wins."""
import fnmatch, functools


@functools.lru_cache(maxsize=8)
def _stanzas(copyright_path):
    out, files, lic, in_files = [], [], None, False
    for line in open(copyright_path, encoding='utf-8', errors='replace').read().split('\n') + ['']:
        if line.startswith('Files:'):
            files = line[6:].split(); lic = None; in_files = True
        elif in_files and line.startswith((' ', '\t')) and lic is None:
            files += line.split()
        elif line.startswith('License:'):
            lic = line[8:].strip(); in_files = False
        elif line.strip() == '':
            if files and lic:
                out.append((files, lic))
            files, lic, in_files = [], None, False
        else:
            in_files = False
    return out


def licence_of(package, rel_path):
    """rel_path relative to the package's source tree, e.g. 'data/textures/rock.jpg'."""
    found = None
    for files, lic in _stanzas(f'/usr/share/doc/{package}/copyright'):
        if any(fnmatch.fnmatch(rel_path, f) for f in files):
            found = lic
    return found or 'unknown'
