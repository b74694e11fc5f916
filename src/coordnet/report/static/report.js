/* coordnet report: network list (sort, filter) and lazily opened network details.
 * Data is hostile: every text goes in with textContent / createElement, never innerHTML.
 * Each network's detail is JSON, rendered into a cloned skeleton only when it is opened. */
(function () {
  "use strict";

  var PALETTE = ["#2f5fa7", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d5a97",
    "#e07a5f", "#3d405b", "#81b29a", "#f2cc8f", "#6d597a", "#b56576"];
  var ROLE_COLOURS = { seed: "#d1495b", core: "#2f5fa7", amplifier: "#66a182",
    "outside seed": "#edae49", neighbour: "#b8bec6" };
  var current = null; // { sigma, graph, data, root }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function colourOf(key, order) {
    var i = order.indexOf(key);
    if (i < 0) { order.push(key); i = order.length - 1; }
    return PALETTE[i % PALETTE.length];
  }

  /* ---- the list ---- */
  var table = document.getElementById("networks");
  var filterBox = document.getElementById("filter");
  var minScore = document.getElementById("min-score");
  var shown = document.getElementById("shown");

  function applyFilter() {
    if (!table) return;
    var q = (filterBox.value || "").trim().toLowerCase();
    var min = parseFloat(minScore.value) || 0;
    var rows = table.tBodies[0].rows, n = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!q || r.dataset.search.indexOf(q) >= 0) && parseFloat(r.dataset.score) >= min;
      r.hidden = !ok;
      if (ok) n++;
    }
    shown.textContent = n + " of " + rows.length + " shown";
  }

  function sortBy(th) {
    var key = th.dataset.key, numeric = th.dataset.num === "1";
    var dir = th.getAttribute("aria-sort") === "descending" ? 1 : -1;
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) heads[i].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.dataset[key], y = b.dataset[key];
      var c = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : (x < y ? -1 : x > y ? 1 : 0);
      return c === 0 ? parseFloat(a.dataset.id) - parseFloat(b.dataset.id) : dir * c;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r); });
    body.appendChild(frag);
  }

  if (table) {
    table.tHead.addEventListener("click", function (ev) {
      var th = ev.target.closest("th");
      if (th) sortBy(th);
    });
    table.tBodies[0].addEventListener("click", function (ev) {
      var tr = ev.target.closest("tr");
      if (tr) openNetwork(tr.dataset.id);
    });
    table.tBodies[0].addEventListener("keydown", function (ev) {
      var tr = ev.target.closest("tr");
      if (tr && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); openNetwork(tr.dataset.id); }
    });
    filterBox.addEventListener("input", applyFilter);
    minScore.addEventListener("input", applyFilter);
    applyFilter();
  }

  /* ---- one network ---- */
  var SVG_NS = "http://www.w3.org/2000/svg";

  /* A chart: SVG drawn and escaped in Python, parsed as XML (never as HTML). */
  function svgNode(text) {
    if (!text) return document.createTextNode("");
    var doc = new DOMParser().parseFromString(text, "image/svg+xml");
    var root = doc.documentElement;
    if (!root || root.namespaceURI !== SVG_NS || root.localName !== "svg") return document.createTextNode("");
    return document.importNode(root, true);
  }

  function cellNode(td, cell) {
    if (cell === null || cell === undefined) return;
    if (typeof cell !== "object") { td.textContent = String(cell); return; }
    var main;
    if (cell.href) {
      main = el("a", null, cell.t);
      main.href = cell.href;
      main.rel = "noopener noreferrer";
      main.target = "_blank";
    } else {
      main = el(cell.code ? "code" : "span", cell.code ? null : "handle", cell.t);
    }
    if (cell.title) main.title = cell.title;
    td.appendChild(main);
    if (cell.sub) td.appendChild(el("div", "post", cell.sub));
  }

  function fillTable(table, rows) {
    var body = table.tBodies[0];
    if (!rows.length) {
      var tr = el("tr"), td = el("td", "muted", "none");
      td.colSpan = table.tHead.rows[0].cells.length;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (cell) { var td = el("td"); cellNode(td, cell); tr.appendChild(td); });
      body.appendChild(tr);
    });
  }

  function reasonList(box, items) {
    if (!items.length) { box.appendChild(el("p", "muted", "none recorded")); return; }
    var ul = el("ul", "reasons");
    items.forEach(function (r) { ul.appendChild(el("li", null, r)); });
    box.appendChild(ul);
  }

  function render(d) {
    var root = document.getElementById("network-skeleton").content.firstElementChild.cloneNode(true);
    var slot = function (name) { return root.querySelector('[data-slot="' + name + '"]'); };
    root.dataset.network = d.id;
    slot("title").textContent = "Network " + d.id;
    slot("summary").textContent = d.summary;
    slot("decision").textContent = d.decision;
    slot("neighbours").textContent = d.neighbours;
    slot("timeline").appendChild(svgNode(d.timeline));
    slot("heat_utc").appendChild(svgNode(d.heat_utc));
    slot("heat_local").appendChild(svgNode(d.heat_local));
    slot("zone").textContent = d.zone ? "(" + d.zone + ")" : "";
    slot("zone_note").textContent = d.zone_note;
    if (!d.lags.length) slot("lags").appendChild(el("p", "muted", "No evidence with lags between flagged members."));
    d.lags.forEach(function (l) {
      var fig = el("figure");
      fig.appendChild(el("figcaption", null, l.caption));
      fig.appendChild(svgNode(l.svg));
      slot("lags").appendChild(fig);
    });
    ["coordination", "inauthenticity", "attribution"].forEach(function (k) {
      slot("score_" + k).textContent = d.scores[k];
      reasonList(slot("reasons_" + k), d.reasons[k]);
    });
    slot("hints").textContent = d.hints.length ? "Hints: " + d.hints.join(", ") : "";
    ["objects", "posts", "pairs", "members"].forEach(function (k) { fillTable(slot(k), d[k]); });
    slot("more_members").textContent = d.more_members ? d.more_members + " more in the graph and in accounts.csv." : "";
    return root;
  }

  function openNetwork(id) {
    var script = document.getElementById("net-" + id);
    if (!script) return false;
    closeGraph();
    var d = JSON.parse(script.textContent);
    var root = render(d);
    document.getElementById("detail").replaceChildren(root);
    if (table) {
      var rows = table.tBodies[0].rows;
      for (var i = 0; i < rows.length; i++) rows[i].classList.toggle("selected", rows[i].dataset.id === String(id));
    }
    if (location.hash !== "#network-" + id) history.replaceState(null, "", "#network-" + id);
    initGraph(root, d.graph);
    return true;
  }

  function closeGraph() {
    if (current && current.sigma) current.sigma.kill();
    current = null;
  }

  function initGraph(root, data) {
    var box = root.querySelector(".graph");
    var graph = new graphology.Graph({ type: "undirected", multi: false, allowSelfLoops: false });
    data.nodes.forEach(function (n) {
      graph.addNode(n.id, { x: n.x, y: n.y, label: n.label,
        size: n.role === "neighbour" ? 3 : 4 + 8 * (n.score || 0), color: "#999" });
    });
    data.edges.forEach(function (e) {
      // edges name their ends by node index
      e.s = data.nodes[e.s].id;
      e.t = data.nodes[e.t].id;
      if (!graph.hasEdge(e.s, e.t))
        graph.addEdge(e.s, e.t, { size: Math.min(4, 0.5 + (e.w || 0) / 4), color: "#ccd" });
    });
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    current = { graph: graph, data: data, root: root, byId: byId, sigma: null };
    var select = root.querySelector("select.colour-by");
    recolour(select.value);
    select.addEventListener("change", function () { recolour(select.value); });
    try {
      current.sigma = new Sigma(graph, box, { labelRenderedSizeThreshold: 6, zIndex: true });
    } catch (err) {
      box.replaceChildren(el("p", "muted",
        "The graph view needs WebGL, which this browser does not provide; the member table lists the same accounts."));
      root.dataset.ready = "no-webgl";
      return;
    }
    current.sigma.on("clickNode", function (ev) { showNode(ev.node); });
    root.dataset.ready = "1";
  }

  function recolour(mode) {
    var g = current.graph, data = current.data, legend = current.root.querySelector(".legend");
    var order = [], entries = [];
    function entry(label, colour) {
      if (entries.some(function (e) { return e[0] === label; })) return;
      entries.push([label, colour]);
    }
    var nodeSignal = {};
    if (mode === "signal") {
      var counts = {};
      data.edges.forEach(function (e) {
        [e.s, e.t].forEach(function (id) {
          counts[id] = counts[id] || {};
          counts[id][e.sig] = (counts[id][e.sig] || 0) + 1;
        });
      });
      Object.keys(counts).forEach(function (id) {
        var best = null;
        Object.keys(counts[id]).sort().forEach(function (s) {
          if (best === null || counts[id][s] > counts[id][best]) best = s;
        });
        nodeSignal[id] = best;
      });
    }
    data.nodes.forEach(function (n) {
      var colour, label;
      if (mode === "role") {
        label = n.role; colour = ROLE_COLOURS[n.role] || "#999";
      } else if (mode === "signal") {
        label = nodeSignal[n.id] || "no tie"; colour = nodeSignal[n.id] ? colourOf(label, order) : "#999";
      } else if (n.cluster === data.network) {
        label = "network " + n.cluster + " (this one)"; colour = colourOf(label, order);
      } else if (n.cluster === null || n.cluster === undefined) {
        label = "in no cluster"; colour = "#b8bec6";
      } else {
        label = (n.reported_cluster ? "network " : "candidate cluster (not reported) ") + n.cluster;
        colour = n.reported_cluster ? colourOf(label, order) : "#8a8f98";
      }
      g.setNodeAttribute(n.id, "color", colour);
      entry(label, colour);
    });
    data.edges.forEach(function (e) {
      var key = g.edge(e.s, e.t);
      if (key === undefined) return;
      var colour = mode === "signal" && e.sig ? colourOf(e.sig, order) : "#ccd";
      g.setEdgeAttribute(key, "color", colour);
      if (mode === "signal" && e.sig) entry(e.sig, colour);
    });
    legend.replaceChildren();
    entries.forEach(function (e) {
      var item = el("span", "item");
      var sw = el("span", "swatch");
      sw.style.background = e[1];
      item.appendChild(sw);
      item.appendChild(document.createTextNode(e[0]));
      legend.appendChild(item);
    });
  }

  function showNode(id) {
    var n = current.byId[id];
    var box = current.root.querySelector(".node-detail");
    if (!n) return;
    box.replaceChildren();
    box.appendChild(el("h4", "handle", n.label));
    var dl = el("dl");
    function row(k, v) {
      if (v === null || v === undefined || v === "") return;
      dl.appendChild(el("dt", null, k));
      dl.appendChild(el("dd", null, v));
    }
    row("account id", n.id);
    row("name", n.name);
    row("role", n.role);
    row("cluster", n.cluster);
    row("flagged", n.role === "neighbour" ? null : (n.flagged ? "yes" : "no"));
    row("score", n.score);
    row("inauthenticity", n.inauthenticity);
    row("ties", n.ties);
    row("actions", n.n_actions);
    row("followers", n.followers);
    box.appendChild(dl);
    [["why coordinated", n.reasons], ["inauthenticity", n.inauthenticity_reasons]].forEach(function (part) {
      if (!part[1] || !part[1].length) return;
      box.appendChild(el("h5", null, part[0]));
      var ul = el("ul", "reasons");
      part[1].forEach(function (r) { ul.appendChild(el("li", null, r)); });
      box.appendChild(ul);
    });
    box.dataset.node = id;
  }

  /* Small handle for automation and the browser console. */
  window.coordnetReport = {
    openNetwork: openNetwork,
    showNode: function (id) { if (current) showNode(id); },
    nodeViewport: function (id) {
      if (!current || !current.sigma) return null;
      var a = current.graph.getNodeAttributes(id);
      return current.sigma.graphToViewport({ x: a.x, y: a.y });
    },
    nodes: function () { return current ? current.data.nodes.map(function (n) { return n.id; }) : []; }
  };

  var m = /^#network-(\d+)$/.exec(location.hash);
  if (m) openNetwork(m[1]);
})();
