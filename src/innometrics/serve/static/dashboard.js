/* innometrics dashboard: sliders and method switches → /api/ranks → table, bars, map, profile;
   on a panel recipe a time slider chooses the time shown (Δ: against the recipe at that time).
   Data are shown with textContent only. document.body.dataset.state is "ready" once the page
   shows the answer to the latest change ("busy" while waiting, "error" after a refusal). */
(function () {
  "use strict";
  var CONFIG = { responsive: true, displaylogo: false };
  var FONT = { family: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", size: 12 };
  var meta = null;
  var defaults = {};
  var state = { weights: {}, normalise: "recipe", aggregate: "recipe", time: null };
  var baseline = null;
  var baselines = {};  // the recipe's ranking at each time shown, by time ("" with one time)
  var current = null;
  var sequence = 0;
  var timer = null;
  var sortState = { column: 0, descending: false };

  function $(id) { return document.getElementById(id); }
  var el = innometricsCommon.el;
  var fmt = innometricsCommon.fmt;
  function setStatus(text, isError) {
    var s = $("status");
    s.textContent = text;
    s.className = isError ? "status error" : "status";
  }
  function query() {
    var params = new URLSearchParams();
    Object.keys(state.weights).sort().forEach(function (code) {
      if (state.weights[code] !== defaults[code]) { params.append("w." + code, String(state.weights[code])); }
    });
    if (state.normalise !== "recipe") { params.append("normalise", state.normalise); }
    if (state.aggregate !== "recipe") { params.append("aggregate", state.aggregate); }
    if (state.time !== null && state.time !== latestTime()) { params.append("time", state.time); }
    return params.toString();
  }
  function latestTime() { return meta.times.length ? meta.times[meta.times.length - 1] : null; }
  function baselineOf(time) {
    var key = time === null ? "" : time;
    if (baselines[key]) { return Promise.resolve(baselines[key]); }
    var q = time !== null && time !== latestTime() ? "?time=" + encodeURIComponent(time) : "";
    return getJSON("/api/ranks" + q).then(function (body) { baselines[key] = body; return body; });
  }
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) { throw new Error(body && body.error ? body.error : "HTTP " + res.status); }
        return body;
      });
    });
  }

  /* --- controls ------------------------------------------------------------------------ */
  function buildTimeSlider() {
    if (!meta.times.length) { return; }
    var input = $("time");
    $("time-box").hidden = false;
    input.max = String(meta.times.length - 1);
    input.value = input.max;
    state.time = latestTime();
    $("time-value").textContent = state.time;
    input.addEventListener("input", function () {
      state.time = meta.times[Number(input.value)];
      $("time-value").textContent = state.time;
      schedule(0);
    });
  }
  function buildControls() {
    buildTimeSlider();
    [["normalise", meta.normalise], ["aggregate", meta.aggregate]].forEach(function (pair) {
      var select = $(pair[0]);
      pair[1].forEach(function (o) {
        var opt = el("option", o.label);
        opt.value = o.value;
        select.appendChild(opt);
      });
      select.addEventListener("change", function () { state[pair[0]] = select.value; schedule(0); });
    });
    var box = $("sliders");
    var indicators = el("details", null, "level");
    indicators.appendChild(el("summary", "Indicator weights (level 1)"));
    for (var level = meta.levels - 1; level >= 1; level--) {
      var holder = level === 1 ? indicators : el("div", null, "level");
      if (level > 1) { holder.appendChild(el("h3", "Level " + level)); }
      meta.nodes.forEach(function (n) {
        if (n.level !== level) { return; }
        defaults[n.code] = n.weight;
        state.weights[n.code] = n.weight;
        var wrap = el("div", null, "slider");
        var id = "w-" + n.code.replace(/[^A-Za-z0-9_-]/g, "_") + "-" + meta.nodes.indexOf(n);
        var label = el("label");
        label.htmlFor = id;
        label.appendChild(el("span", n.code + " \u2014 " + n.name));
        var out = el("output", fmt(n.weight));
        label.appendChild(out);
        var input = document.createElement("input");
        input.type = "range";
        input.id = id;
        input.min = "0";
        var max = Math.max(1, 3 * n.weight);
        input.max = String(max);
        input.step = String(max / 100);
        input.value = String(n.weight);
        input.setAttribute("data-code", n.code);
        input.setAttribute("aria-label", "weight of " + n.code);
        input.addEventListener("input", function () {
          state.weights[n.code] = parseFloat(input.value);
          out.textContent = fmt(state.weights[n.code]);
          schedule(60);
        });
        wrap.appendChild(label);
        wrap.appendChild(input);
        holder.appendChild(wrap);
      });
      box.appendChild(holder);
    }
    $("reset").addEventListener("click", function () {
      Array.prototype.forEach.call(document.querySelectorAll("#sliders input"), function (input) {
        var code = input.getAttribute("data-code");
        input.value = String(defaults[code]);
        state.weights[code] = defaults[code];
        input.parentNode.querySelector("output").textContent = fmt(defaults[code]);
      });
      state.normalise = "recipe"; state.aggregate = "recipe";
      $("normalise").value = "recipe"; $("aggregate").value = "recipe";
      schedule(0);
    });
    var unit = $("unit");
    meta.units.slice().sort(function (a, b) { return a.name.localeCompare(b.name); }).forEach(function (u) {
      var opt = el("option", u.name + " (" + u.code + ")");
      opt.value = u.code;
      unit.appendChild(opt);
    });
    unit.addEventListener("change", function () { drawProfile(query()); });
  }

  function schedule(delay) {
    document.body.dataset.state = "busy";
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, delay);
  }

  function refresh() {
    var q = query();
    var mine = ++sequence;
    setStatus("Computing…", false);
    var first = baseline === null;
    baselineOf(state.time).then(function (base) {
      baseline = base;
      return getJSON("/api/ranks?" + q);
    }).then(function (body) {
      if (mine !== sequence) { return; }
      current = body;
      if (first) { $("unit").value = ordered()[0]; }  // the recipe's rank 1 first
      drawAll(q);
      setStatus("Showing " + describe() + ".", false);
      document.body.dataset.query = q;
      document.body.dataset.state = "ready";
    }).catch(function (err) {
      if (mine !== sequence) { return; }
      setStatus("Not applied: " + err.message, true);
      document.body.dataset.state = "error";
    });
  }
  function describe() {
    var changed = Object.keys(state.weights).filter(function (c) { return state.weights[c] !== defaults[c]; });
    var parts = [changed.length ? changed.length + " weight(s) changed" : "the recipe's weights"];
    if (state.time !== null) { parts.unshift("time " + state.time); }
    if (state.normalise !== "recipe") { parts.push("normalise " + state.normalise); }
    if (state.aggregate !== "recipe") { parts.push("aggregate " + state.aggregate); }
    return parts.join(", ");
  }

  /* --- views --------------------------------------------------------------------------- */
  function drawAll(q) {
    drawTable();
    drawBars();
    drawMap();
    drawProfile(q);
    $("download").href = "/api/table.csv" + (q ? "?" + q : "");
  }
  function nameOf(code) {
    for (var i = 0; i < meta.units.length; i++) { if (meta.units[i].code === code) { return meta.units[i].name; } }
    return code;
  }
  function drawTable() {
    var body = $("ranking").tBodies[0];
    body.textContent = "";
    meta.units.forEach(function (u) {
      var rank = current.ranks[u.code];
      var before = baseline.ranks[u.code];
      var delta = rank === null || before === null ? null : before - rank;
      var tr = el("tr");
      tr.setAttribute("data-unit", u.code);
      var cells = [[fmt(rank, 0), rank, "num rank"],
                   [delta === null ? "" : (delta > 0 ? "+" : "") + delta, delta,
                    "num delta" + (delta > 0 ? " up" : delta < 0 ? " down" : "")],
                   [u.code, u.code, ""], [u.name, u.name, ""],
                   [fmt(current.scores[u.code]), current.scores[u.code], "num score"]];
      cells.forEach(function (c) {
        var td = el("td", c[0], c[2]);
        td.setAttribute("data-sort", c[1] === null || c[1] === undefined ? "" : String(c[1]));
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    sortTable();
  }
  function sortTable() {
    var table = $("ranking");
    var type = table.tHead.rows[0].cells[sortState.column].getAttribute("data-type");
    innometricsCommon.sortRows(table, sortState.column, type, sortState.descending);
  }
  function initSorting() {
    Array.prototype.forEach.call($("ranking").tHead.rows[0].cells, function (th, i) {
      th.addEventListener("click", function () {
        sortState.descending = sortState.column === i ? !sortState.descending : false;
        sortState.column = i;
        sortTable();
      });
    });
  }
  function ordered() {
    return meta.units.map(function (u) { return u.code; }).sort(function (a, b) {
      var ra = current.ranks[a], rb = current.ranks[b];
      if (ra === null) { return 1; }
      if (rb === null) { return -1; }
      return ra - rb;
    });
  }
  function drawBars() {
    var codes = ordered();
    Plotly.react($("bars"), [{
      type: "bar", x: codes, y: codes.map(function (c) { return current.scores[c]; }),
      customdata: codes.map(nameOf), marker: { color: "#1f5f9f" },
      hovertemplate: "%{customdata} (%{x})<br>score %{y:.2f}<extra></extra>"
    }], {
      title: { text: meta.index + " scores, best first (" + describe() + ")", x: 0, xanchor: "left" },
      font: FONT, height: 380, margin: { l: 60, r: 10, t: 50, b: 70 },
      xaxis: { type: "category", tickangle: -60, title: { text: "unit (code)" }, automargin: true },
      yaxis: { title: { text: "score" }, gridcolor: "#e5e7eb" },
      paper_bgcolor: "white", plot_bgcolor: "white"
    }, CONFIG);
  }
  function drawMap() {
    if (!meta.map_codes.length) {
      $("map").style.display = "none";
      $("map-note").textContent = "No map: no unit code is an ISO3 country code.";
      return;
    }
    Plotly.react($("map"), [{
      type: "choropleth", locationmode: "ISO-3", locations: meta.map_codes,
      z: meta.map_codes.map(function (c) { return current.scores[c]; }),
      text: meta.map_codes.map(nameOf), colorscale: "Blues", reversescale: true,
      colorbar: { title: { text: "score" } },
      hovertemplate: "%{text} (%{location})<br>%{z:.2f}<extra></extra>"
    }], {
      title: { text: meta.index + " score by economy", x: 0, xanchor: "left" },
      font: FONT, height: 420, margin: { l: 0, r: 0, t: 50, b: 0 },
      geo: { projection: { type: "natural earth" }, showframe: false, showcountries: true,
             countrycolor: "#c0c4cc", showland: true, landcolor: "#f1f2f4", lataxis: { range: [-58, 85] } }
    }, CONFIG);
    $("map-note").textContent = meta.map_note;
  }
  function drawProfile(q) {
    var unit = $("unit").value;
    if (!unit) { return; }
    if (state.time !== null && current.ranks[unit] === null) {  // not scored at this time
      $("profile-head").textContent = nameOf(unit) + " (" + unit + ") has no score at time " + state.time + ".";
      Plotly.purge($("profile-plot"));
      $("profile-table").textContent = "";
      return;
    }
    getJSON("/api/profile/" + encodeURIComponent(unit) + (q ? "?" + q : "")).then(function (p) {
      var head = $("profile-head");
      head.textContent = "";
      var idx = p.nodes[p.nodes.length - 1];
      head.appendChild(el("strong", p.name + " (" + p.unit + ")"));
      head.appendChild(document.createTextNode(": " + idx.code + " score " + fmt(idx.score) +
        ", rank " + fmt(idx.rank, 0) + " of " + p.n));
      var agg = p.nodes.filter(function (n) { return n.level >= 2; });
      Plotly.react($("profile-plot"), [
        { type: "bar", orientation: "h", y: agg.map(function (n) { return n.code; }),
          x: agg.map(function (n) { return n.score; }), name: p.unit, marker: { color: "#1f5f9f" },
          customdata: agg.map(function (n) { return n.name + ", rank " + fmt(n.rank, 0) + " of " + p.n; }),
          hovertemplate: "%{y}: %{x:.2f}<br>%{customdata}<extra></extra>" },
        { type: "scatter", mode: "markers", y: agg.map(function (n) { return n.code; }),
          x: agg.map(function (n) { return n.median; }), name: "median of all units",
          marker: { color: "#d9822b", symbol: "diamond", size: 9 }, hovertemplate: "median %{x:.2f}<extra></extra>" }
      ], {
        title: { text: "Profile of " + p.name + ": aggregate scores", x: 0, xanchor: "left" },
        font: FONT, height: Math.max(260, 24 * agg.length + 130), margin: { l: 80, r: 10, t: 50, b: 40 },
        xaxis: { title: { text: "score" }, gridcolor: "#e5e7eb" },
        yaxis: { type: "category", autorange: "reversed", automargin: true },
        legend: { orientation: "h", y: -0.2 }, paper_bgcolor: "white", plot_bgcolor: "white"
      }, CONFIG);
      var holder = $("profile-table");
      holder.textContent = "";
      var table = el("table");
      var h = el("tr");
      ["Level", "Code", "Name", "Score", "Rank"].forEach(function (c) { h.appendChild(el("th", c)); });
      table.appendChild(el("thead")).appendChild(h);
      var body = el("tbody");
      p.nodes.slice().reverse().forEach(function (n) {
        var tr = el("tr");
        tr.appendChild(el("td", n.level));
        tr.appendChild(el("td", n.code));
        tr.appendChild(el("td", n.name));
        tr.appendChild(el("td", fmt(n.score), "num"));
        tr.appendChild(el("td", fmt(n.rank, 0), "num"));
        body.appendChild(tr);
      });
      table.appendChild(body);
      holder.appendChild(table);
    }).catch(function (err) { setStatus("Profile not shown: " + err.message, true); });
  }

  function init() {
    document.body.dataset.state = "busy";
    initSorting();
    getJSON("/api/framework").then(function (m) {
      meta = m;
      document.title = m.name + " \u2014 innometrics dashboard";
      $("title").textContent = m.name;
      $("subtitle").textContent = "Recipe: " + (m.source || "(in memory)") + " \u00b7 steps: " +
        m.steps.map(function (s) { return s.step; }).join(" \u2192 ") + " \u00b7 " + m.units.length + " units" +
        (m.times.length ? " \u00b7 times " + m.times[0] + "\u2013" + m.times[m.times.length - 1] : "");
      buildControls();
      refresh();
    }).catch(function (err) { setStatus("Could not load the framework: " + err.message, true); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
