"""Drive every control of a rendered notebook (JupyterLab or Voila) and watch for errors.

A *control* is an ipywidgets slider, dropdown or text box. Its *scope* is the notebook cell whose output
holds it: the figures (plotly data and layout), images and readout lines in that cell. Moving a control
to a new value must change its scope; a text box gets a bad input (the readout must say so, and the panel
stays usable) and then its first value back.

`Watch` records what a student would never see in the notebook: kernel errors and stderr sent on the
kernel's websocket (callback exceptions land in JupyterLab's log console, not under a cell), page errors,
console errors, and every request to a host other than the local server (aborted: the course runs
offline).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

SCOPE_JS = """(el) => {
  const cell = el.closest('.jp-Cell') || el.closest('.jp-OutputArea') || document.body;
  let h = 0;
  const add = (s) => { for (let i = 0; i < s.length; i++) { h = (h * 31 + s.charCodeAt(i)) | 0; } };
  const arr = (v) => (v && v.length !== undefined && typeof v !== 'string')
    ? Array.from(v).join(',') : String(v);
  for (const gd of cell.querySelectorAll('.js-plotly-plot')) {
    for (const t of (gd.data || [])) {
      add(arr(t.x)); add(arr(t.y)); add(arr(t.z)); add(String(t.name)); add(String(t.visible));
      add(JSON.stringify(t.marker && t.marker.color !== undefined ? arr(t.marker.color) : ''));
    }
    const L = gd.layout || {};
    add(JSON.stringify([L.title, L.annotations, L.shapes, L.xaxis && L.xaxis.range,
                        L.yaxis && L.yaxis.range]));
  }
  for (const img of cell.querySelectorAll('.jp-OutputArea-output img')) add(img.src.slice(-2000));
  const text = Array.from(cell.querySelectorAll('.widget-html, .widget-label, .widget-html-content'))
    .map(e => e.innerText).join('|');
  add(text);
  return {hash: h, text: text};
}"""

CONTROLS = (".widget-slider", ".widget-dropdown select", ".widget-text input")
BAD_TEXT = "import os"  # not a formula: the panel must refuse it in its readout, never evaluate it
FAILED = "could not update"
# At kernel start JupyterLab's widget manager asks for the widget state (comm target
# ``jupyter.widget.control``) before any cell has imported ipywidgets; the kernel answers on stderr that
# no such target is registered. Nothing is lost (the notebook creates its widgets afterwards).
KERNEL_START_NOISE = ("No such comm target registered: jupyter.widget.control", "No such comm: ")


@dataclass
class Watch:
    """Errors seen while a page is open (see the module docstring)."""

    host: str
    kernel_errors: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("pageerror", self._page_error)
        page.on("console", lambda msg: self.console_errors.append(msg.text[:300])
                if msg.type == "error" else None)
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        page.route("**/*", self._route)

    def _page_error(self, exc) -> None:
        where = " | ".join(line.strip() for line in (exc.stack or "").splitlines()[1:3])
        self.page_errors.append(f"{exc} (at {where})"[:400])

    def _route(self, route) -> None:
        url = route.request.url
        if urlparse(url).hostname not in (self.host, "localhost") and not url.startswith(("data:", "blob:")):
            self.external.append(url)
            route.abort()
        else:
            route.continue_()

    def _frame(self, payload) -> None:
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        if re.search(r'"msg_type":\s*"error"', text) and '"ename"' in text:
            ename = re.search(r'"ename":\s*"([^"]*)"', text)
            evalue = re.search(r'"evalue":\s*"((?:[^"\\]|\\.)*)"', text)
            self.kernel_errors.append(f"{ename.group(1) if ename else '?'}: "
                                      f"{evalue.group(1)[:200] if evalue else ''}")
        if re.search(r'"msg_type":\s*"stream"', text) and re.search(r'"name":\s*"stderr"', text):
            body = re.search(r'"text":\s*"((?:[^"\\]|\\.)*)"', text)
            self.stderr.append(body.group(1)[:300] if body else text[:300])

    def problems(self, allowed_console: tuple[str, ...] = ()) -> list[str]:
        console = [c for c in self.console_errors if not any(a in c for a in allowed_console)]
        stderr = [s for s in self.stderr if not s.startswith(KERNEL_START_NOISE)]
        return ([f"kernel error: {e}" for e in self.kernel_errors] + [f"stderr: {s}" for s in stderr]
                + [f"page error: {e}" for e in self.page_errors] + [f"console error: {c}" for c in console]
                + [f"external request: {u}" for u in self.external])


def wait_change(page, control, before: dict, what: str, seconds: float = 60) -> dict:
    """Wait until the control's scope differs from ``before``; fail naming the control otherwise."""
    deadline = time.monotonic() + seconds
    now = before
    while time.monotonic() < deadline:
        now = control.evaluate(SCOPE_JS)
        if now["hash"] != before["hash"]:
            time.sleep(0.3)  # let a batch of updates land
            return control.evaluate(SCOPE_JS)
        time.sleep(0.2)
    raise AssertionError(f"{what}: nothing in its cell changed within {seconds:.0f} s "
                         f"(readout: {now['text']!r})")


def slider_value(slider) -> str:
    return slider.locator(".widget-readout").inner_text().strip()


def drive_slider(page, slider, name: str) -> int:
    """Minimum (Home), middle (drag to the track's centre), maximum (End); returns the moves made."""
    handle = slider.locator(".noUi-handle").first
    track = slider.locator(".noUi-target").first
    moves = 0
    for where in ("minimum", "middle", "maximum"):
        handle.scroll_into_view_if_needed()
        value, before = slider_value(slider), slider.evaluate(SCOPE_JS)
        if where == "middle":
            box, tbox = handle.bounding_box(), track.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.down()
            page.mouse.move(tbox["x"] + tbox["width"] / 2, box["y"] + box["height"] / 2, steps=4)
            page.mouse.up()
        else:
            handle.focus()
            page.keyboard.press("Home" if where == "minimum" else "End")
        time.sleep(0.3)
        if slider_value(slider) == value:
            continue  # already there (e.g. the slider starts at its minimum)
        wait_change(page, slider, before, f"{name}: slider {value} → {where} {slider_value(slider)}")
        moves += 1
    return moves


def drive_dropdown(page, select, name: str) -> int:
    options = select.evaluate("(s) => Array.from(s.options).map(o => o.value)")
    current = select.evaluate("(s) => s.value")
    moves = 0
    for option in [*[o for o in options if o != current], current]:
        before = select.evaluate(SCOPE_JS)
        select.select_option(option)
        wait_change(page, select, before, f"{name}: dropdown option {option!r}")
        moves += 1
    return moves


def drive_text(page, box, name: str) -> int:
    """A bad input must be refused in the readout (and evaluate nothing); the first value restores it."""
    good = box.input_value()
    before = box.evaluate(SCOPE_JS)
    box.fill(BAD_TEXT)
    box.press("Enter")
    after = wait_change(page, box, before, f"{name}: text box, bad input {BAD_TEXT!r}")
    assert FAILED not in after["text"], f"{name}: a bad input reached a callback: {after['text']}"
    box.fill(good)
    box.press("Enter")
    wait_change(page, box, after, f"{name}: text box, first value {good!r} again")
    return 2


def drive_all(page, root_selector: str, name: str) -> dict[str, int]:
    """Every control under ``root_selector``: returns the count of moves per kind; asserts that no panel
    readout reports a failed update at the end."""
    counts = {"slider": 0, "dropdown": 0, "text": 0}
    root = page.locator(root_selector).first
    for kind, selector in zip(counts, CONTROLS):
        items = root.locator(selector)
        for i in range(items.count()):
            item = items.nth(i)
            if not item.is_visible():
                continue
            label = f"{name} {kind} #{i}"
            if kind == "slider":
                counts[kind] += drive_slider(page, item, label)
            elif kind == "dropdown":
                counts[kind] += drive_dropdown(page, item, label)
            else:
                counts[kind] += drive_text(page, item, label)
    texts = page.evaluate("""() => Array.from(document.querySelectorAll('.widget-html'))
        .map(e => e.innerText).filter(t => t.includes('could not update'))""")
    assert not texts, f"{name}: a panel reports a failed update: {texts}"
    return counts
