// The explorer page (docs/explorer.md): the reader picks a layer, this loads the one
// fragment Python drew for it at build time (diagram_gen/explorer.py) from this site,
// writes the choice into the URL hash so that it can be linked, and hands the new views
// to the linked views (docs/assets/linked.js). No layer math runs here: which choices
// exist, and the reason a choice is refused, come from the build's index.json.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL("../generated/explorer/", script ? script.src : window.location.href);
  var FIELDS = { conv: ["n", "k", "s", "p", "d"], transposed: ["n", "k", "s", "p", "d", "op"] };
  var DEFAULT = "conv-n5-k3-s1-p1-d1";

  function start(root) {
    if (root.dataset.dgxReady) return;
    root.dataset.dgxReady = "1";
    var tabs = Array.prototype.slice.call(root.querySelectorAll('[role="tab"]'));
    var form = root.querySelector("form");
    var panel = root.querySelector('[role="tabpanel"]');
    var result = root.querySelector(".dgx-output");
    var status = root.querySelector(".dgx-status");
    var index = null;
    var mode = "conv";
    var loads = 0;

    function select(name) { return form.querySelector('select[name="' + name + '"]'); }

    function slug() {
      var v = {};
      FIELDS[mode].forEach(function (f) { v[f] = select(f).value; });
      var text = mode + "-n" + v.n + "-k" + v.k + "-s" + v.s + "-p" + v.p + "-d" + v.d;
      return mode === "transposed" ? text + "-op" + v.op : text;
    }

    function parse(text) {
      var m = /^(conv|transposed)-n(\d+)-k(\d+)-s(\d+)-p(\d+|same)-d(\d+)(?:-op(\d+))?$/.exec(text);
      if (!m || !index || !index.combinations[text]) return null;
      return { mode: m[1], n: m[2], k: m[3], s: m[4], p: m[5], d: m[6], op: m[7] };
    }

    function fill(which) {
      var options = index.pickers[which];
      FIELDS.transposed.forEach(function (f) {
        var box = select(f);
        var keep = box.value;
        box.textContent = "";
        (options[f] || []).forEach(function (value) {
          var option = document.createElement("option");
          option.value = String(value);
          option.textContent = String(value);
          box.append(option);
        });
        if (options[f] && options[f].map(String).indexOf(keep) >= 0) box.value = keep;
        box.closest("label").classList.toggle("dgx-hidden", !options[f]);
      });
    }

    function setMode(which, focus) {
      mode = which;
      tabs.forEach(function (tab) {
        var on = tab.dataset.mode === which;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        if (on) {
          panel.setAttribute("aria-labelledby", tab.id);
          if (focus) tab.focus();
        }
      });
      fill(which);
    }

    function show(name) {
      var entry = index.combinations[name];
      var url = new URL(name + ".html", base);
      var load = ++loads;
      history.replaceState(null, "", "#" + name);
      status.textContent = "Loading…";
      fetch(url.href)
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (text) {
          if (load !== loads) return; // a later choice won
          result.innerHTML = text;
          // A fresh group name per load, so the linked views start clean.
          result.querySelectorAll(".dg-linked").forEach(function (view) {
            view.setAttribute("data-dg-group", view.getAttribute("data-dg-group") + "-" + load);
          });
          status.textContent = entry.valid
            ? "Output " + entry.output + " × " + entry.output + "."
            : "Not a valid layer: " + entry.reason;
          if (window.dgLinked) window.dgLinked.attach(result);
        })
        .catch(function (error) {
          if (load === loads) status.textContent = "Could not load this choice (" + error.message + ").";
        });
    }

    function choose(name) {
      var v = parse(name) || parse(DEFAULT);
      setMode(v.mode, false);
      FIELDS[v.mode].forEach(function (f) { select(f).value = v[f]; });
      show(slug());
    }

    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () {
        setMode(tab.dataset.mode, false);
        show(slug());
      });
      tab.addEventListener("keydown", function (event) {
        var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        event.preventDefault();
        var next = tabs[(i + step + tabs.length) % tabs.length];
        setMode(next.dataset.mode, true);
        show(slug());
      });
    });
    form.addEventListener("change", function () { show(slug()); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    window.addEventListener("hashchange", function () {
      var name = window.location.hash.slice(1);
      if (parse(name) && name !== slug()) choose(name);
    });

    fetch(new URL("index.json", base).href)
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        index = data;
        form.hidden = false;
        choose(decodeURIComponent(window.location.hash.slice(1)));
      })
      .catch(function (error) {
        status.textContent = "Could not load the explorer (" + error.message + ").";
      });
  }

  function init() {
    document.querySelectorAll(".dg-explorer").forEach(start);
  }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
