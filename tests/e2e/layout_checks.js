// What a person sees wrong on a page at a glance, measured in the browser. Evaluated by
// tests/e2e/site.py (page.evaluate) with {minWidth, maxChars}; returns a list of problems,
// each {check, what}, where `what` names the element (test id, key, text, size).
//
// - "squeezed": an element whose own visible text has more than `maxChars` non-space
//   characters is narrower than `minWidth` px and that text does not fit: it runs onto a
//   second line (down the page a few letters a line) or past the element's edge (cut). A
//   short word that fits on one line ("Team", "2026") is not squeezed, however narrow.
//   Text for screen readers only (1 px boxes, clipped) is not looked at, nor text in a
//   drawing (SVG: a chart's axis title stands on its side and never wraps);
// - "sideways": the page itself scrolls sideways (a wide grid scrolling inside its own box
//   is fine);
// - "off-screen": a control is drawn past the left or right edge of the viewport, outside
//   any box that scrolls sideways on its own.
(({ minWidth, maxChars }) => {
  const viewport = document.documentElement.clientWidth;
  const problems = [];
  // The containers the whole page scrolls in: they never excuse an element that sticks out.
  const pageScrollers = new Set(
    [
      document.documentElement,
      document.body,
      ...document.querySelectorAll(
        '[data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"]',
      ),
    ].filter(Boolean),
  );
  // Drawn on canvas (a grid) or off-canvas by design (a collapsed sidebar): what is in the
  // DOM there is not what a person sees.
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const sidebarClosed = sidebar && sidebar.getBoundingClientRect().right <= 1;
  const ignored = (el) =>
    el.closest(
      'script, style, noscript, template, [data-testid="stIconMaterial"], ' +
        '[data-testid="stDataFrameResizable"] table, [data-testid="stDataFrame"] table',
    ) !== null ||
    (sidebarClosed && sidebar.contains(el)) ||
    /Material (Symbols|Icons)/i.test(getComputedStyle(el).fontFamily);

  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return (
      box.width > 0 &&
      box.height > 0 &&
      el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
    );
  };
  // Read out to screen readers, never drawn: in a clipped box of at most 1 px.
  const screenReaderOnly = (el) => {
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const box = up.getBoundingClientRect();
      const style = getComputedStyle(up);
      const clipped =
        style.clip !== "auto" || style.clipPath !== "none" || style.overflow === "hidden";
      if (clipped && (box.width <= 1 || box.height <= 1)) return true;
    }
    return false;
  };

  // Does the element's own text run onto a second line or past its edges?
  const overflows = (el) => {
    const box = el.getBoundingClientRect();
    const lines = new Set();
    for (const node of el.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.nodeValue.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) {
        if (rect.width === 0) continue;
        lines.add(Math.round(rect.top));
        if (rect.left < box.left - 1 || rect.right > box.right + 1) return true;
      }
    }
    return lines.size > 1 || el.scrollWidth > el.clientWidth + 1;
  };

  const ownText = (el) => {
    let text = "";
    for (const node of el.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) text += node.nodeValue;
    }
    return text.replace(/\s+/g, " ").trim();
  };

  const describe = (el) => {
    const box = el.getBoundingClientRect();
    const holder = el.closest("[data-testid]");
    const keyed = el.closest('[class*="st-key-"]');
    const key = keyed ? [...keyed.classList].find((c) => c.startsWith("st-key-")) : null;
    const text = (ownText(el) || el.innerText || el.getAttribute("aria-label") || "")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 60);
    return (
      `<${el.tagName.toLowerCase()}>` +
      (holder ? ` in ${holder.getAttribute("data-testid")}` : "") +
      (key ? ` (.${key})` : "") +
      ` "${text}" ${Math.round(box.width)}x${Math.round(box.height)} px` +
      ` at x=${Math.round(box.left)}..${Math.round(box.right)}`
    );
  };

  // A box that scrolls sideways on its own (a tab list, a grid, a code block), not the page.
  const scrollsSideways = (el) => {
    if (pageScrollers.has(el)) return false;
    const overflow = getComputedStyle(el).overflowX;
    return (overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1;
  };
  const insideOwnScroller = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (!scrollsSideways(up)) continue;
      const box = up.getBoundingClientRect();
      if (box.left >= -1 && box.right <= viewport + 1) return true;
    }
    return false;
  };

  const all = [...document.body.querySelectorAll("*")].filter((el) => !ignored(el));

  // 1. Squeezed text.
  for (const el of all) {
    if (el instanceof SVGElement) continue;
    const text = ownText(el);
    if (text.replace(/\s/g, "").length <= maxChars) continue;
    if (!shown(el) || el.getBoundingClientRect().width >= minWidth) continue;
    if (overflows(el) && !screenReaderOnly(el)) {
      problems.push({ check: "squeezed", what: describe(el) });
    }
  }

  // 2. The page scrolls sideways.
  const pageScroll = [document.scrollingElement, document.querySelector('[data-testid="stMain"]')];
  for (const scroller of pageScroll.filter(Boolean)) {
    const overflow = getComputedStyle(scroller).overflowX;
    if (overflow === "hidden" || overflow === "clip") continue;
    if (scroller.scrollWidth > scroller.clientWidth + 1) {
      const name = scroller.getAttribute("data-testid") || scroller.tagName.toLowerCase();
      // Name what sticks out: the outermost elements past the right edge.
      const culprits = all
        .filter((el) => shown(el) && !insideOwnScroller(el))
        .filter((el) => el.getBoundingClientRect().right > viewport + 1)
        .filter((el) => !(el.parentElement && el.parentElement.getBoundingClientRect().right > viewport + 1))
        .slice(0, 3)
        .map(describe);
      problems.push({
        check: "sideways",
        what:
          `${name} is ${scroller.scrollWidth} px wide in a ${scroller.clientWidth} px view` +
          (culprits.length ? `; sticking out: ${culprits.join("; ")}` : ""),
      });
    }
  }

  // 3. Controls drawn outside the viewport's width.
  const controls = 'button, input, select, textarea, a, [role="button"], [role="tab"]';
  for (const el of all) {
    if (!el.matches(controls) || !shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.right <= viewport + 1 && box.left >= -1) continue;
    if (insideOwnScroller(el)) continue;
    problems.push({ check: "off-screen", what: `${describe(el)} in a ${viewport} px view` });
  }
  return problems;
})
