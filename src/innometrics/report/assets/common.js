/* Helpers shared by the report and the dashboard: elements whose text is set with textContent
   (never parsed as HTML), numbers formatted for tables, and table sorting. */
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
  /* Sort the body rows of `table` by column `index` (its cells' data-sort values): numbers
     numerically when `type` is "num", else as text; missing values last whatever the order;
     ties keep their order. Marks the header cells with aria-sort. */
  function sortRows(table, index, type, descending) {
    var body = table.tBodies[0];
    var keyed = Array.prototype.map.call(body.rows, function (row, i) {
      var raw = row.cells[index] ? row.cells[index].getAttribute("data-sort") : "";
      var key = raw === "" || raw === null ? null : (type === "num" ? parseFloat(raw) : raw);
      if (type === "num" && key !== null && isNaN(key)) { key = null; }
      return { row: row, key: key, i: i };
    });
    keyed.sort(function (a, b) {
      if (a.key === null && b.key === null) { return a.i - b.i; }
      if (a.key === null) { return 1; }
      if (b.key === null) { return -1; }
      var c = type === "num" ? a.key - b.key : String(a.key).localeCompare(String(b.key));
      if (c === 0) { return a.i - b.i; }
      return descending ? -c : c;
    });
    keyed.forEach(function (k) { body.appendChild(k.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.setAttribute("aria-sort", i === index ? (descending ? "descending" : "ascending") : "none");
    });
  }
  return { el: el, fmt: fmt, sortRows: sortRows };
})();
