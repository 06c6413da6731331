"""Edit .docx files in LibreOffice (headless, over UNO) as a person would, and save them as .docx again.

Run with the system Python that has the `uno` module (Debian: python3-uno):
    python3 tests/lo_edit.py JOBS.json
JOBS.json: [{"src": "in.docx", "dst": "out.docx", "replace": [["old text", "new text"], ...]}, ...]
Prints JSON: for each job, how many places each replacement changed.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(300):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # soffice is still starting
            time.sleep(0.1)
    raise SystemExit("soffice did not start")


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        jobs = json.load(handle)
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    pipe = f"drafter_test_{os.getpid()}"
    soffice = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
                                "--norestore", "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    counts = []
    try:
        ctx = connect(pipe)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        for job in jobs:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(job["src"])), "_blank", 0,
                                               (prop("Hidden", True),))
            if doc is None:
                raise SystemExit(f"LibreOffice could not open {job['src']}")
            done = []
            for old, new in job["replace"]:
                search = doc.createReplaceDescriptor()
                search.SearchString, search.ReplaceString = old, new
                done.append(doc.replaceAll(search))
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(job["dst"])),
                           (prop("FilterName", "MS Word 2007 XML"),))
            doc.close(True)
            counts.append(done)
        with contextlib.suppress(Exception):  # the bridge closes as soffice quits
            desktop.terminate()
    finally:
        with contextlib.suppress(subprocess.TimeoutExpired):
            soffice.wait(timeout=30)
        # soffice forks soffice.bin into the session started above: end whatever of it is left
        with contextlib.suppress(ProcessLookupError):
            os.killpg(soffice.pid, signal.SIGKILL)
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
