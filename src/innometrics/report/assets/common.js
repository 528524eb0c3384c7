/* Helpers shared by the report and the dashboard: elements whose text is set with textContent
   (never parsed as HTML) and numbers formatted for tables. */
var innometricsCommon = (function () {
  "use strict";
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) { return "\u2014"; }
    return Number(v).toFixed(digits === undefined ? 2 : digits);
  }
  return { el: el, fmt: fmt };
})();
