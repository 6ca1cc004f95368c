#!/usr/bin/python3
"""Prints the Debian archive (or, with "security", the security) mirror this machine's apt uses: the
first enabled "deb" entry for a Debian suite with the main component, in deb822 .sources files or
one-line sources.list files. Exits 1 when there is none. Used by fresh-machine.sh and container.sh,
so that a local or proxied mirror works and the project names no host.

    apt-mirror.py archive|security [FILE...]   (default: this machine's apt source files)
"""
import glob
import re
import sys
if len(sys.argv) < 2 or sys.argv[1] not in ("archive", "security"):
    sys.exit(__doc__)
want = sys.argv[1]
files = sys.argv[2:] or [*glob.glob("/etc/apt/sources.list.d/*.sources"), "/etc/apt/sources.list",
                         *glob.glob("/etc/apt/sources.list.d/*.list")]
entries = []  # (uri, suites, components)
for name in files:
    try:
        text = open(name).read()
    except OSError:
        continue
    if name.endswith(".sources"):
        for stanza in re.split(r"\n\s*\n", text):
            fields, key = {}, None
            for line in stanza.splitlines():
                if line.startswith("#") or not line.strip():
                    continue
                if line[0].isspace() and key:
                    fields[key] += " " + line.strip()
                elif ":" in line:
                    key, value = line.split(":", 1)
                    key = key.strip().lower()
                    fields[key] = value.strip()
            if "deb" in fields.get("types", "").split() and fields.get("enabled", "yes").lower() != "no":
                for uri in fields.get("uris", "").split():
                    entries.append((uri, fields.get("suites", "").split(), fields.get("components", "").split()))
    else:
        for line in text.splitlines():
            words = re.sub(r"\[[^]]*\]", " ", line.split("#", 1)[0]).split()
            if len(words) >= 4 and words[0] == "deb":
                entries.append((words[1], [words[2]], words[3:]))
debian = re.compile(r"^(buster|bullseye|bookworm|trixie|forky|sid|oldoldstable|oldstable|stable|testing|unstable)(-updates|-security)?$")
for uri, suites, components in entries:
    for suite in suites:
        match = debian.match(suite)
        if match and "main" in components and (match.group(2) == "-security") == (want == "security"):
            print(uri.rstrip("/"))
            sys.exit(0)
sys.exit(1)
