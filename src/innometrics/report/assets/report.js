/* innometrics report: draws the embedded figures, sorts tables, shows unit profiles.
   Every text from the data is set with textContent (never parsed as HTML). */
(function () {
  "use strict";
  var CONFIG = { responsive: true, displaylogo: false };

  function readJSON(el) { return JSON.parse(el.textContent); }
  var el = innometricsCommon.el;
  var fmt = innometricsCommon.fmt;

  /* --- figures ------------------------------------------------------------------------ */
  function drawFigures() {
    var blocks = document.querySelectorAll('script[type="application/json"][data-plot]');
    Array.prototype.forEach.call(blocks, function (block) {
      var target = document.getElementById(block.getAttribute("data-plot"));
      if (!target) { return; }
      var fig = readJSON(block);
      Plotly.newPlot(target, fig.data, fig.layout, CONFIG);
    });
  }

  /* --- sortable tables: click a header; numbers numerically, missing last ---------------- */
  function sortBy(table, index, type, th) {
    innometricsCommon.sortRows(table, index, type, th.getAttribute("aria-sort") === "ascending");
  }
  function initSorting() {
    var tables = document.querySelectorAll("table.sortable");
    Array.prototype.forEach.call(tables, function (table) {
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
        th.addEventListener("click", function () {
          sortBy(table, index, th.getAttribute("data-type"), th);
        });
      });
    });
  }

  /* --- unit profiles -------------------------------------------------------------------- */
  function initProfile(box) {
    var data = readJSON(box.querySelector("script.profile-data"));
    var select = box.querySelector(".profile-select");
    var plot = box.querySelector(".profile-plot");
    var indexCol = data.nodes.length - 1;
    var order = data.units.map(function (u, i) { return i; });
    order.sort(function (a, b) {
      var ra = data.ranks[a][indexCol], rb = data.ranks[b][indexCol];
      if (ra === null) { return 1; }
      if (rb === null) { return -1; }
      return ra - rb || a - b;
    });
    var position = {};
    order.forEach(function (i) {
      var opt = el("option", data.units[i][1] + " (" + data.units[i][0] + ")");
      opt.value = data.units[i][0];
      position[data.units[i][0]] = i;
      select.appendChild(opt);
    });
    function flagsOf(code) {
      var out = {};
      if (data.flags) {
        var rows = data.flags[code] || [];
        var nodeAt = data.columns.indexOf("iCode");
        var flagCols = data.flag_columns || [];
        rows.forEach(function (r) {
          if (nodeAt < 0) { return; }
          var parts = flagCols.map(function (c) {
            var v = r[data.columns.indexOf(c)];
            return v === null || v === "" ? null : (flagCols.length > 1 ? v + " (" + c + ")" : v);
          }).filter(function (v) { return v !== null; });
          if (parts.length) {
            out[r[nodeAt]] = (out[r[nodeAt]] ? out[r[nodeAt]] + "; " : "") + parts.join("; ");
          }
        });
      } else if (data.generic && data.generic[code]) {
        data.generic[code].strengths.forEach(function (c) { out[c] = "S"; });
        data.generic[code].weaknesses.forEach(function (c) { out[c] = "W"; });
      }
      return out;
    }
    function listOf(codes, i) {
      var ul = el("ul");
      codes.forEach(function (c) {
        var j = data.nodes.findIndex(function (n) { return n[0] === c; });
        var rank = j >= 0 ? data.ranks[i][j] : null;
        ul.appendChild(el("li", c + (j >= 0 ? " \u2014 " + data.nodes[j][1] : "") +
                          " (rank " + fmt(rank, 0) + " of " + data.n + ")"));
      });
      if (!codes.length) { ul.appendChild(el("li", "none")); }
      return ul;
    }
    function render() {
      var i = position[select.value];
      var code = data.units[i][0];
      var head = box.querySelector(".profile-head");
      head.textContent = "";
      head.appendChild(el("strong", data.units[i][1] + " (" + code + ")"));
      head.appendChild(document.createTextNode(": " + data.nodes[indexCol][0] + " score " +
        fmt(data.scores[i][indexCol]) + ", rank " + fmt(data.ranks[i][indexCol], 0) +
        " of " + data.n));
      var flags = flagsOf(code);
      var agg = [];
      data.nodes.forEach(function (n, j) { if (n[2] >= 2) { agg.push(j); } });
      var labels = agg.map(function (j) { return data.nodes[j][0]; });
      var hover = agg.map(function (j) {
        return data.nodes[j][1] + "<br>rank " + fmt(data.ranks[i][j], 0) + " of " + data.n;
      });
      Plotly.react(plot, [
        { type: "bar", orientation: "h", y: labels, x: agg.map(function (j) { return data.scores[i][j]; }),
          name: data.units[i][0], marker: { color: "#1f5f9f" }, customdata: hover,
          hovertemplate: "%{y}: %{x:.2f}<br>%{customdata}<extra></extra>" },
        { type: "scatter", mode: "markers", y: labels, x: agg.map(function (j) { return data.median[j]; }),
          name: "median of all units", marker: { color: "#d9822b", symbol: "diamond", size: 9 },
          hovertemplate: "median %{x:.2f}<extra></extra>" }
      ], {
        title: { text: "Profile of " + data.units[i][1] + ": aggregate scores", x: 0, xanchor: "left" },
        font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", size: 13 },
        xaxis: { title: { text: "score" }, gridcolor: "#e5e7eb", automargin: true },
        yaxis: { autorange: "reversed", automargin: true, type: "category" },
        height: Math.max(300, 26 * labels.length + 140), margin: { l: 80, r: 20, t: 60, b: 50 },
        legend: { orientation: "h", y: -0.15 }, paper_bgcolor: "white", plot_bgcolor: "white"
      }, CONFIG);
      var sw = box.querySelector(".profile-flags");
      sw.textContent = "";
      if (data.generic) {
        var g = data.generic[code] || { strengths: [], weaknesses: [] };
        var grid = el("div", null, "sw");
        var s = el("div"); s.appendChild(el("h4", "Strengths (generic)")); s.appendChild(listOf(g.strengths, i));
        var w = el("div"); w.appendChild(el("h4", "Weaknesses (generic)")); w.appendChild(listOf(g.weaknesses, i));
        grid.appendChild(s); grid.appendChild(w); sw.appendChild(grid);
      } else if (data.flags) {
        var rows = data.flags[code] || [];
        var nodeName = {};
        data.nodes.forEach(function (n) { nodeName[n[0]] = n[1]; });
        var nodeCol = data.columns.indexOf("iCode");
        var t = el("table", null, "plain");
        var hr = el("tr");
        data.columns.forEach(function (c, j) {
          hr.appendChild(el("th", c));
          if (j === nodeCol) { hr.appendChild(el("th", "name")); }
        });
        t.appendChild(el("thead")).appendChild(hr);
        var tb = el("tbody");
        rows.forEach(function (r) {
          var tr = el("tr");
          r.forEach(function (v, j) {
            var td = el("td", v === null ? "" : v);
            if (v === "S" || v === "W") { td.className = "flag-" + v; }
            tr.appendChild(td);
            if (j === nodeCol) { tr.appendChild(el("td", nodeName[v] || "")); }
          });
          tb.appendChild(tr);
        });
        if (!rows.length) { tb.appendChild(el("tr")).appendChild(el("td", "no strengths or weaknesses listed")); }
        t.appendChild(tb);
        sw.appendChild(el("h4", "Strengths and weaknesses (profiles.csv)"));
        var attrs = (data.attributes || {})[code] || [];
        if (attrs.length) {
          sw.appendChild(el("p", attrs.map(function (a) { return a[0] + ": " + a[1]; }).join("; "), "note"));
        }
        sw.appendChild(t);
      }
      var holder = box.querySelector(".profile-table");
      holder.textContent = "";
      var table = el("table", null, "plain");
      var h = el("tr");
      ["Level", "Code", "Name", "Score", "Rank", "S/W"].forEach(function (c) { h.appendChild(el("th", c)); });
      table.appendChild(el("thead")).appendChild(h);
      var body = el("tbody");
      var idx = data.nodes.map(function (n, j) { return j; });
      idx.sort(function (a, b) { return data.nodes[b][2] - data.nodes[a][2] || a - b; });
      idx.forEach(function (j) {
        var tr = el("tr");
        tr.appendChild(el("td", data.nodes[j][2]));
        tr.appendChild(el("td", data.nodes[j][0]));
        tr.appendChild(el("td", data.nodes[j][1]));
        tr.appendChild(el("td", fmt(data.scores[i][j]), "num"));
        tr.appendChild(el("td", fmt(data.ranks[i][j], 0), "num"));
        var f = flags[data.nodes[j][0]] || "";
        var first = f.charAt(0);
        tr.appendChild(el("td", f, f && (first === "S" || first === "W") ? "flag-" + first : ""));
        body.appendChild(tr);
      });
      table.appendChild(body);
      holder.appendChild(table);
    }
    select.addEventListener("change", render);
    render();
  }

  /* --- time page: the selector shows the chosen units' lines and bands ------------------- */
  function initTimePage(box) {
    var select = box.querySelector(".time-select");
    var plot = document.getElementById(box.getAttribute("data-time"));
    select.addEventListener("change", function () {
      var chosen = {};
      Array.prototype.forEach.call(select.selectedOptions, function (o) { chosen[o.value] = true; });
      var visible = plot.data.map(function (trace) { return chosen[trace.legendgroup] === true; });
      Plotly.restyle(plot, { visible: visible });
    });
  }

  function init() {
    initSorting();
    drawFigures();
    Array.prototype.forEach.call(document.querySelectorAll(".profile"), initProfile);
    Array.prototype.forEach.call(document.querySelectorAll(".time-page"), initTimePage);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
