/*
 * mxray embed script. On any site:
 *
 *   <script src="https://HOST/embed.js" data-check="<check id>" async></script>
 *   <script src="https://HOST/embed.js" data-domain="example.com" async></script>
 *
 * Optional: data-theme="light|dark|auto" (default auto), data-width="480px" (max width),
 * data-lang="en|fr" (default: the visitor's language).
 * Inserts an iframe with the widget right after the script element and keeps its height in step
 * with the widget's content: it accepts a height only from that iframe's window (event.source) and
 * only from the origin this script was loaded from (event.origin).
 */
(function () {
  'use strict';
  var MESSAGE = 'mxray:embed-height';
  var ID_RE = /^[A-Za-z0-9_-]{22}$/;

  function scripts() {
    if (document.currentScript && !document.currentScript.hasAttribute('data-mxray-done')) return [document.currentScript];
    // Loaded with async or defer on an old browser: find every tag of ours not handled yet.
    return Array.prototype.slice.call(document.querySelectorAll('script[src*="/embed.js"]:not([data-mxray-done])'));
  }

  function mount(script) {
    script.setAttribute('data-mxray-done', '');
    var origin;
    try {
      origin = new URL(script.src, document.baseURI).origin;
    } catch (e) {
      return;
    }
    var id = script.getAttribute('data-check');
    var domain = script.getAttribute('data-domain');
    var theme = script.getAttribute('data-theme');
    if (theme !== 'light' && theme !== 'dark') theme = 'auto';
    // The frame element declares the widget's colour scheme, so the browser keeps the frame
    // transparent around the widget (a mismatch paints an opaque backdrop).
    var scheme = theme === 'auto' ? 'light dark' : theme;
    var path;
    if (id && ID_RE.test(id)) path = '/embed/' + id;
    else if (domain) path = '/embed/domain/' + encodeURIComponent(domain.trim());
    else {
      if (window.console) console.warn('mxray embed: give data-check="<id>" or data-domain="<domain>"');
      return;
    }

    var frame = document.createElement('iframe');
    var lang = script.getAttribute('data-lang');
    frame.src = origin + path + '?theme=' + encodeURIComponent(theme) + (lang ? '&lang=' + encodeURIComponent(lang) : '');
    frame.title = 'Mail server check' + (domain ? ' of ' + domain : '') + ' (mxray)';
    frame.loading = 'lazy';
    frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox');
    frame.setAttribute('data-mxray-embed', '');
    frame.style.cssText = 'display:block;width:100%;max-width:' + (script.getAttribute('data-width') || '640px') + ';height:340px;border:0;color-scheme:' + scheme + ';';
    script.parentNode.insertBefore(frame, script.nextSibling);

    window.addEventListener('message', function (event) {
      if (event.source !== frame.contentWindow || event.origin !== origin) return;
      var data = event.data;
      if (!data || data.type !== MESSAGE || typeof data.height !== 'number') return;
      // A sane range only: a frame cannot make itself zero or absurdly tall.
      var height = Math.min(Math.max(Math.ceil(data.height), 40), 4000);
      frame.style.height = height + 'px';
    });
  }

  scripts().forEach(mount);
})();
