"""Helpers for the console's browser tests: headless Chromium (Debian's `chromium` and
`chromium-driver`) through Selenium, the console as a real `meshbot web` process, and the
page checks every page must pass (labels, names, contrast, keyboard focus)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = ("chromium", "chromedriver")

A11Y_SCRIPT = r"""
const problems = [];
for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
  const label = el.id && document.querySelector(`label[for="${el.id}"]`);
  if (!label && !el.getAttribute('aria-label')) problems.push('no label: ' + el.outerHTML.slice(0, 80));
}
for (const el of document.querySelectorAll('button, a[href]')) {
  if (!(el.innerText.trim() || el.getAttribute('aria-label'))) problems.push('no name: ' + el.outerHTML.slice(0, 80));
}
for (const el of document.querySelectorAll('img')) {
  if (!el.hasAttribute('alt')) problems.push('no alt: ' + el.outerHTML.slice(0, 80));
}
if (!document.documentElement.lang) problems.push('no lang on <html>');
if (!document.title.trim()) problems.push('no <title>');
if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
const rgb = s => (s.match(/[\d.]+/g) || [0, 0, 0, 0]).map(Number);
const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                   return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
const background = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                             if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
for (const el of document.body.querySelectorAll('*')) {
  if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
  const st = getComputedStyle(el);
  if (st.visibility === 'hidden' || st.display === 'none' || el.offsetWidth <= 1 || el.closest('svg')) continue;
  const a = lum(rgb(st.color)), b = lum(background(el));
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight) >= 700;
  const need = (size >= 24 || (size >= 18.66 && bold)) ? 3 : 4.5;
  if (ratio < need) problems.push(`contrast ${ratio.toFixed(2)} < ${need}: ${el.tagName} "${el.textContent.trim().slice(0, 40)}"`);
}
return problems;
"""
"""Labels on every field, a name on every button and link, alt on images, a language, a
title, one h1, and WCAG AA contrast for every piece of text (its own colour against the
first opaque background behind it)."""

FOCUS_SCRIPT = """
const el = document.activeElement;
const st = getComputedStyle(el);
return [el.tagName, (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40),
        st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0];
"""


def need_browser() -> None:
    """Skip (saying why) without the browser; under CI=true its absence is a failure."""
    missing = [name for name in CHROMIUM if shutil.which(name) is None]
    if not missing:
        return
    why = f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(why)
    pytest.skip(why)


def browser() -> object:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1100,900",
                 "--force-device-scale-factor=1", "--lang=en"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "chromedriver"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def console_process(db: Path) -> Iterator[str]:
    """`meshbot web` on the board, as the committee starts it; yields its address."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESHBOT_")}
    log = (db.parent / "web.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "meshbot.cli.main", "--db", str(db), "web", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        while True:  # until it listens (or ends): pytest-timeout guards the wait
            if proc.poll() is not None:
                raise AssertionError(f"meshbot web ended: {(db.parent / 'web.log').read_text()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.05)  # not ended: try the port again
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
