"""html_check.py - opens a report HTML file in headless Chromium over the
DevTools protocol (--remote-debugging-pipe: JSON messages ending in NUL on
file descriptors 3 and 4, so no WebSocket library is needed) and prints one
JSON object: the bars in the member chart (their data-member values), the
text of the chart labels, script elements, console errors, exceptions,
JavaScript dialogs and every network request other than the file itself.

    python3 html_check.py CHROMIUM FILE.html
"""

import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time


class Pipe:
    def __init__(self, proc, to_browser, from_browser):
        self.proc, self.w, self.r = proc, to_browser, from_browser
        self.next_id, self.buf, self.events = 0, b"", []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        return self.wait(lambda m: m.get("id") == self.next_id)

    def read_one(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.r, 65536)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def post(self, method, params, session):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params, "sessionId": session}
        os.write(self.w, json.dumps(msg).encode() + b"\0")

    def wait(self, match, timeout=30):
        deadline = time.time() + timeout
        while True:
            m = self.read_one(deadline)
            if m.get("method") == "Page.javascriptDialogOpening":  # a script ran: record it, let the page go on
                self.post("Page.handleJavaScriptDialog", {"accept": True}, m.get("sessionId"))
            if match(m):
                if "error" in m:
                    raise RuntimeError(m["error"])
                return m
            self.events.append(m)


def main():
    chromium, path = sys.argv[1], os.path.abspath(sys.argv[2])
    # Debian's /usr/bin/chromium is a launcher script; the pipe needs the browser itself.
    if os.path.exists("/usr/lib/chromium/chromium") and os.path.realpath(chromium) == "/usr/bin/chromium":
        chromium = "/usr/lib/chromium/chromium"
    url = "file://" + path
    profile = tempfile.mkdtemp(prefix="clinecfg-chromium.")
    to_r, to_w = os.pipe()
    from_r, from_w = os.pipe()
    # The browser reads commands on fd 3 and writes answers on fd 4.  Move
    # the child's ends out of the way first so the dup2s cannot collide.
    high_r = fcntl.fcntl(to_r, fcntl.F_DUPFD_CLOEXEC, 100)
    high_w = fcntl.fcntl(from_w, fcntl.F_DUPFD_CLOEXEC, 100)

    def child_fds():
        os.dup2(high_r, 3)
        os.dup2(high_w, 4)

    proc = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                             "--remote-debugging-pipe", "about:blank"],
                            preexec_fn=child_fds, close_fds=False, stdout=subprocess.DEVNULL,
                            stderr=open(os.environ.get("HTML_CHECK_LOG", os.devnull), "wb"))
    for fd in (to_r, from_w, high_r, high_w):
        os.close(fd)
    cdp = Pipe(proc, to_w, from_r)
    try:
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["result"]["targetId"]
        session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["result"]["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            cdp.send(domain + ".enable", session=session)
        cdp.send("Page.navigate", {"url": url}, session=session)
        cdp.wait(lambda m: m.get("method") == "Page.loadEventFired")
        time.sleep(0.5)
        probe = """JSON.stringify({
          bars: [...document.querySelectorAll('#member-chart rect.bar')].map(e => e.getAttribute('data-member')),
          labels: [...document.querySelectorAll('#member-chart text')].map(e => e.textContent),
          scripts: document.querySelectorAll('script').length,
          days: document.querySelectorAll('#team-timeline rect.day').length,
          rows: document.querySelectorAll('#report tr').length
        })"""
        value = cdp.send("Runtime.evaluate", {"expression": probe, "returnByValue": True},
                         session=session)["result"]["result"]["value"]
        out = json.loads(value)
        ev = cdp.events
        out["requests"] = [m["params"]["request"]["url"] for m in ev if m.get("method") == "Network.requestWillBeSent"
                           and m["params"]["request"]["url"] not in (url, "about:blank")]
        out["console_errors"] = [m["params"] for m in ev if (m.get("method") == "Runtime.consoleAPICalled" and
                                 m["params"].get("type") == "error") or (m.get("method") == "Log.entryAdded" and
                                 m["params"]["entry"].get("level") == "error")]
        out["exceptions"] = [m["params"] for m in ev if m.get("method") == "Runtime.exceptionThrown"]
        out["dialogs"] = [m["params"] for m in ev if m.get("method") == "Page.javascriptDialogOpening"]
        print(json.dumps(out))
    finally:
        try:
            cdp.send("Browser.close")
        except Exception:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        subprocess.run(["rm", "-rf", profile])


if __name__ == "__main__":
    main()
