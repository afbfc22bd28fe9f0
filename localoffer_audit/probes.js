// Scripted browser probes run beside axe-core (localoffer_audit/browser_probes.py).
// Evaluated once per page after axe; defines window.__lo. Measures only: the check stage
// (checks/a11y_probes.py) decides what is a finding. Every list is bounded.
(() => {
  if (window.__lo) return;
  const MAX_ELEMENTS = 5000;
  const ids = new WeakMap();
  const byId = [];
  const EXEMPT = 'table, pre, code, img, svg, canvas, video, audio, iframe, object, embed, math, picture, map, textarea, kbd, samp';
  const NATIVE = 'a[href], button, input, select, textarea, summary, area[href], [contenteditable=""], [contenteditable="true"]';

  function id(el) {
    if (!ids.has(el)) { ids.set(el, byId.length); byId.push(el); }
    return ids.get(el);
  }
  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s; }
  function selector(el) {
    const parts = [];
    for (let node = el; node && node.nodeType === 1 && parts.length < 5; node = node.parentElement) {
      if (node.id && document.querySelectorAll('#' + cssEscape(node.id)).length === 1) {
        parts.unshift('#' + cssEscape(node.id));
        break;
      }
      let part = node.localName;
      const cls = [...node.classList].slice(0, 2).map(c => '.' + cssEscape(c)).join('');
      part += cls;
      const parent = node.parentElement;
      if (parent) {
        const same = [...parent.children].filter(c => c.localName === node.localName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
      }
      parts.unshift(part);
      if (node.localName === 'body') break;
    }
    return parts.join(' > ');
  }
  function snippet(el) {
    const html = el.outerHTML || '';
    return html.length > 300 ? html.slice(0, 300) : html;
  }
  function describe(el) {
    return { selector: selector(el), html: snippet(el), text: (el.innerText || '').trim().slice(0, 120) };
  }
  function shown(el) {
    if (!el.isConnected) return false;
    const opts = { checkOpacity: true, checkVisibilityCSS: true };
    if (el.checkVisibility && !el.checkVisibility(opts)) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }
  function elements() {
    return [...document.body.querySelectorAll('*')].slice(0, MAX_ELEMENTS);
  }
  function ownText(el) {
    let text = '';
    for (const n of el.childNodes) if (n.nodeType === 3) text += n.nodeValue;
    return text.trim();
  }
  function hasText(el) { return (el.innerText || el.textContent || '').trim().length > 0; }
  function focusable(el) { return el.matches(NATIVE) || el.hasAttribute('tabindex'); }
  function tabbable(el) {
    return el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]') && shown(el)
      && (focusable(el)) && el.localName !== 'iframe';
  }
  function docBox(el) {
    const r = el.getBoundingClientRect();
    return { x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height,
             vx: r.left, vy: r.top };
  }

  // ---- hover-only content --------------------------------------------------------------------
  function splitSelectors(text) {
    const out = []; let depth = 0, start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (c === ',' && depth === 0) { out.push(text.slice(start, i)); start = i + 1; }
    }
    out.push(text.slice(start));
    return out.map(s => s.trim()).filter(Boolean);
  }
  function hoverSubjects(limit) {
    const found = new Set();
    const walk = rules => {
      for (const rule of rules) {
        if (found.size >= 200) return;
        if (!rule.selectorText) { if (rule.cssRules) walk(rule.cssRules); continue; }
        if (!rule.selectorText.includes(':hover')) continue;
        for (const part of splitSelectors(rule.selectorText)) {
          const at = part.indexOf(':hover');
          if (at < 0) continue;
          // What follows :hover in the same compound (":hover > ul" keeps nothing of it).
          let subject = part.slice(0, at).trim();
          if (!subject || /[\s>+~]$/.test(subject)) subject += '*';
          // The rule must change something other than the hovered element itself.
          const rest = part.slice(at + 6).replace(/^(:[\w-]+(\([^)]*\))?)+/, '').trim();
          if (!rest) continue;
          try { document.querySelectorAll(subject).forEach(el => found.add(el)); } catch (e) { /* bad selector */ }
        }
      }
    };
    for (const sheet of document.styleSheets) {
      let rules;
      try { rules = sheet.cssRules; } catch (e) { continue; }  // cross-origin sheet
      if (rules) walk(rules);
    }
    for (const el of document.querySelectorAll('[onmouseover], [onmouseenter]')) found.add(el);
    for (const el of (window.__loMouseListeners || [])) found.add(el);
    return [...found].filter(el => el.isConnected && shown(el)).slice(0, limit);
  }
  let hiddenBefore = [];
  const revealed = new Map();  // subject id -> revealed element ids

  // ---- keyboard --------------------------------------------------------------------------------
  const events = { clicks: 0, prevented: false, mutations: 0 };
  let armed = null;
  const observer = new MutationObserver(list => { if (armed !== null) events.mutations += list.length; });

  window.__lo = {
    hoverCandidates(limit) {
      return hoverSubjects(limit).map(el => ({ id: id(el), ...describe(el) }));
    },
    beforeHover() {
      hiddenBefore = elements().filter(el => !shown(el));
    },
    hoverPoint(subjectId) {
      const el = byId[subjectId];
      el.scrollIntoView({ block: 'center', inline: 'nearest' });
      const r = el.getBoundingClientRect();
      return { x: r.left + Math.min(r.width / 2, 10), y: r.top + r.height / 2 };
    },
    afterHover(subjectId) {
      const now = hiddenBefore.filter(el => shown(el) && (hasText(el) || focusable(el)));
      const top = now.filter(el => !now.some(o => o !== el && o.contains(el)));
      revealed.set(subjectId, top.map(id));
      hiddenBefore = [];
      return top.slice(0, 5).map(el => ({ id: id(el), ...describe(el),
        focusables: el.querySelectorAll(NATIVE).length + (focusable(el) ? 1 : 0) }));
    },
    revealedShown() {
      const out = [];
      for (const list of revealed.values()) for (const rid of list) if (shown(byId[rid])) out.push(rid);
      return out;
    },
    resetFocus() {
      if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
      window.scrollTo(0, 0);
      return { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight };
    },
    focusInfo() {
      let el = document.activeElement;
      while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
      if (!el || el === document.body || el === document.documentElement) return null;
      return { id: id(el), tag: el.localName, ...describe(el), box: docBox(el),
               shown: shown(el), revealed: this.revealedShown() };
    },
    tabbables() {
      return elements().filter(tabbable).slice(0, 500).map(el => id(el));
    },
    describeIds(list) { return list.map(i => ({ id: i, ...describe(byId[i]) })); },

    // ---- looks clickable (pointer cursor) but the keyboard cannot reach it ---------------------
    pointerOnly(limit) {
      const hoverPointer = new Set();
      const walk = rules => {
        for (const rule of rules) {
          if (!rule.selectorText) { if (rule.cssRules) walk(rule.cssRules); continue; }
          if (rule.style && rule.style.cursor === 'pointer')
            for (const part of splitSelectors(rule.selectorText)) {
              const m = part.match(/^(.*):hover$/);
              if (m) try { document.querySelectorAll(m[1] || '*').forEach(el => hoverPointer.add(el)); } catch (e) { /* bad selector */ }
            }
        }
      };
      for (const sheet of document.styleSheets) {
        let rules;
        try { rules = sheet.cssRules; } catch (e) { continue; }
        if (rules) walk(rules);
      }
      const reachable = NATIVE + ', [tabindex]:not([tabindex^="-"]), label';
      const out = [];
      for (const el of elements()) {
        if (out.length >= limit) break;
        const pointer = hoverPointer.has(el) || getComputedStyle(el).cursor === 'pointer';
        if (!pointer || !shown(el) || !hasText(el)) continue;
        if (el.closest(reachable) || el.querySelector(reachable)) continue;
        const parent = el.parentElement;
        if (parent && getComputedStyle(parent).cursor === 'pointer' && !parent.closest(reachable)) continue;
        out.push({ ...describe(el), on_hover_only: !(getComputedStyle(el).cursor === 'pointer') });
      }
      return out;
    },

    // ---- a role=button that is not a native button, and the Space key -----------------------
    roleButtons(limit) {
      return [...document.querySelectorAll('[role="button" i]')]
        .filter(el => !el.matches('button, input, summary') && shown(el))
        .slice(0, limit).map(el => ({ id: id(el), ...describe(el), focusable: el.tabIndex >= 0 }));
    },
    armSpace(targetId) {
      const el = byId[targetId];
      events.clicks = 0; events.prevented = false; events.mutations = 0;
      if (armed === null) {
        document.addEventListener('click', e => { if (armed !== null && byId[armed].contains(e.target)) events.clicks++; }, true);
        const late = e => { if (e.key === ' ') setTimeout(() => { if (e.defaultPrevented) events.prevented = true; }, 0); };
        window.addEventListener('keydown', late, true);
        window.addEventListener('keyup', late, true);
        window.addEventListener('keypress', late, true);
        observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
      }
      armed = targetId;
      el.focus();
      return document.activeElement === el;
    },
    spaceResult() {
      const out = { ...events };
      armed = -1;
      return out;
    },

    // ---- reflow at a narrow viewport ---------------------------------------------------------
    reflow(tolerance) {
      const vw = document.documentElement.clientWidth;
      const page = document.documentElement.scrollWidth;
      const wide = [];
      const containers = [];
      for (const el of elements()) {
        if (el.closest(EXEMPT) || !shown(el)) continue;
        const r = el.getBoundingClientRect();
        const text = ownText(el);
        if (text && r.right + scrollX > vw + tolerance && r.width > vw + tolerance) {
          // A block of text wider than the screen: reading a line needs sideways scrolling.
          wide.push({ ...describe(el), width: Math.round(r.width), right: Math.round(r.right + scrollX) });
        }
        const style = getComputedStyle(el);
        if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + tolerance) {
          const inner = [...el.querySelectorAll('*')].filter(c => !c.closest(EXEMPT) && ownText(c)
            && c.getBoundingClientRect().width > el.clientWidth + tolerance);
          if (inner.length) containers.push({ ...describe(el), client_width: el.clientWidth,
            scroll_width: el.scrollWidth, text: (inner[0].innerText || '').trim().slice(0, 120) });
        }
        if (wide.length >= 10 && containers.length >= 10) break;
      }
      return { viewport_width: vw, page_width: page, wide_text: wide.slice(0, 10),
               scrolling_containers: containers.slice(0, 10) };
    },

    // ---- text at 200% ----------------------------------------------------------------------------
    textResize(factor, tolerance) {
      const all = elements().filter(el => shown(el));
      const clips = el => {
        const s = getComputedStyle(el);
        const hidden = v => v === 'hidden' || v === 'clip';
        return (hidden(s.overflowY) && el.scrollHeight > el.clientHeight + tolerance)
            || (hidden(s.overflowX) && el.scrollWidth > el.clientWidth + tolerance);
      };
      const lines = el => {
        const s = getComputedStyle(el);
        const lh = parseFloat(s.lineHeight), fs = parseFloat(s.fontSize);
        return { lh: isNaN(lh) ? null : lh, fs, h: el.getBoundingClientRect().height };
      };
      const before = all.map(el => ({ el, clipped: clips(el), lines: lines(el),
                                       size: parseFloat(getComputedStyle(el).fontSize) }));
      for (const b of before) {
        b.inline = [b.el.style.getPropertyValue('font-size'), b.el.style.getPropertyPriority('font-size')];
        b.el.style.setProperty('font-size', (b.size * factor) + 'px', 'important');
      }
      document.body.offsetHeight;  // lay out again
      const clipped = [], overlap = [];
      for (const b of before) {
        if (!b.clipped && clips(b.el) && hasText(b.el) && !b.el.closest(EXEMPT)) {
          const el = b.el;
          if (!clipped.some(c => c.el.contains(el) || el.contains(c.el)))
            clipped.push({ el, scroll_height: el.scrollHeight, client_height: el.clientHeight,
                           scroll_width: el.scrollWidth, client_width: el.clientWidth });
        }
        const after = lines(b.el);
        if (ownText(b.el) && after.lh !== null && b.lines.lh !== null) {
          overlap.push({ el: b.el, line_height_before: b.lines.lh, font_size_before: b.lines.fs,
                         line_height_after: after.lh, font_size_after: after.fs,
                         height_after: after.h });
        }
      }
      const out = {
        factor,
        clipped: clipped.slice(0, 10).map(({ el, ...rest }) => ({ ...describe(el), ...rest })),
        // Only the elements whose line spacing did not grow with the text: the check decides.
        lines: overlap.filter(o => o.line_height_after / o.font_size_after < 0.9)
          .slice(0, 10).map(({ el, ...rest }) => ({ ...describe(el), ...rest })),
      };
      for (const b of before) b.el.style.setProperty('font-size', b.inline[0], b.inline[1]);
      return out;
    },

    // ---- images that animate -----------------------------------------------------------------
    imagesOf(urls) {
      const out = {};
      for (const img of document.images) {
        const src = img.currentSrc || img.src;
        if (urls.includes(src) && shown(img)) (out[src] = out[src] || []).push(describe(img));
      }
      return out;
    },
  };
})();
