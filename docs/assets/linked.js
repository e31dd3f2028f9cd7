// Linked views (diagram_gen/linked.py writes the contract this reads; the legend page
// documents it). Every `.dg-linked` element holds inline SVG views whose elements carry
// 1-based data-dg-step (an output, by the placement that writes it), data-dg-input and
// data-dg-weight; an element with two or more of them is a product (a matrix entry, an
// edge, a covered cell). Elements of all `.dg-linked` with the same data-dg-group form
// one group. Pointing at an element (hover, keyboard focus, tap) lights what belongs to
// it in every view of the group (class dg-on) and dims the other linked elements
// (dg-off). Which outputs, inputs and weights belong together is read from the products
// the views draw: no layer math runs here.
(function () {
  "use strict";
  var KEYS = ["step", "weight", "input"];
  var SELECTOR = "[data-dg-step], [data-dg-weight], [data-dg-input]";
  var groups = {};

  function read(element) {
    var d = element.dataset;
    return { step: d.dgStep, weight: d.dgWeight, input: d.dgInput };
  }

  function count(a) {
    return KEYS.filter(function (k) { return a[k] !== undefined; }).length;
  }

  function Group(name) {
    this.name = name;
    this.roots = [];
    this.texts = [];
    this.controls = [];
    this.index = 0; // the step shown by the controls, 1-based; 0 for none
    this.pinned = null; // an element chosen by a tap, a click or Enter
    this.timer = null;
  }

  Group.prototype.elements = function () {
    var all = [];
    this.roots.forEach(function (root) {
      all.push.apply(all, root.querySelectorAll(SELECTOR));
    });
    return all;
  };

  // What lights up for a pointed element's attributes `a`.
  Group.prototype.related = function (a) {
    var all = this.elements();
    var items = all.map(function (el) { return { el: el, a: read(el) }; });
    var products = items.filter(function (it) { return count(it.a) > 1; });
    var lit = new Set();
    var want = { step: new Set(), weight: new Set(), input: new Set() };
    function same(it, key) { return it.a[key] !== undefined && it.a[key] === a[key]; }
    if (count(a) > 1) {
      // A product: that entry, in every view, with its output, input and weight.
      items.forEach(function (it) {
        if (KEYS.every(function (k) { return it.a[k] === a[k]; })) lit.add(it.el);
      });
      KEYS.forEach(function (k) { if (a[k] !== undefined) want[k].add(a[k]); });
    } else if (a.step !== undefined) {
      // An output: its products, and the inputs and weights they use.
      products.forEach(function (it) {
        if (same(it, "step")) {
          lit.add(it.el);
          if (it.a.input !== undefined) want.input.add(it.a.input);
          if (it.a.weight !== undefined) want.weight.add(it.a.weight);
        }
      });
      want.step.add(a.step);
    } else if (a.weight !== undefined) {
      // A weight: every copy of it.
      products.forEach(function (it) { if (same(it, "weight")) lit.add(it.el); });
      want.weight.add(a.weight);
    } else if (a.input !== undefined) {
      // An input: every output that reads it, through the products that carry it.
      products.forEach(function (it) {
        if (same(it, "input")) {
          lit.add(it.el);
          if (it.a.step !== undefined) want.step.add(it.a.step);
        }
      });
      want.input.add(a.input);
    }
    items.forEach(function (it) {
      if (count(it.a) !== 1) return;
      KEYS.forEach(function (k) {
        if (it.a[k] !== undefined && want[k].has(it.a[k])) lit.add(it.el);
      });
    });
    return { all: all, lit: lit };
  };

  Group.prototype.show = function (a) {
    var result = a ? this.related(a) : { all: this.elements(), lit: new Set() };
    result.all.forEach(function (el) {
      el.classList.toggle("dg-on", !!a && result.lit.has(el));
      el.classList.toggle("dg-off", !!a && !result.lit.has(el));
    });
    this.roots.forEach(function (root) { root.classList.toggle("dg-active", !!a); });
  };

  // What stays shown when nothing is pointed at: a pinned element, or the current step.
  Group.prototype.rest = function () {
    if (this.pinned) return this.show(read(this.pinned));
    if (this.index) return this.show({ step: String(this.index) });
    this.show(null);
  };

  Group.prototype.step = function (index) {
    var total = this.texts.length;
    if (!total) return;
    this.index = ((index - 1 + total) % total) + 1;
    this.pinned = null;
    this.rest();
    var text = this.texts[this.index - 1];
    this.controls.forEach(function (c) { c.text.textContent = text; });
  };

  Group.prototype.play = function (playing) {
    var group = this;
    clearInterval(this.timer);
    this.timer = playing ? setInterval(function () { group.step(group.index + 1); }, 1600) : null;
    if (playing && !this.index) this.step(1);
    this.controls.forEach(function (c) {
      c.play.setAttribute("aria-pressed", playing ? "true" : "false");
      c.play.textContent = playing ? "Pause" : "Play";
    });
  };

  function button(text, label) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button dg-step-button";
    b.textContent = text;
    if (label) b.setAttribute("aria-label", label);
    return b;
  }

  function addControls(group, root) {
    var box = document.createElement("div");
    box.className = "dg-step-controls";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Steps of this example");
    var previous = button("\u25c0 Previous", "Previous step");
    var play = button("Play");
    play.setAttribute("aria-pressed", "false");
    var next = button("Next \u25b6", "Next step");
    var text = document.createElement("p");
    text.className = "dg-step-text";
    // One announcer per group, so that a screen reader hears each step once.
    text.setAttribute("aria-live", group.controls.length ? "off" : "polite");
    text.textContent = group.texts.length + " steps: press Next, or Play.";
    previous.addEventListener("click", function () { group.play(false); group.step(group.index - 1); });
    next.addEventListener("click", function () { group.play(false); group.step(group.index + 1); });
    play.addEventListener("click", function () {
      group.play(play.getAttribute("aria-pressed") !== "true");
    });
    box.append(previous, play, next, text);
    root.after(box);
    box.addEventListener("keydown", function (event) { arrows(group, event); });
    group.controls.push({ box: box, play: play, text: text });
  }

  function arrows(group, event) {
    if (!group.texts.length) return;
    var forward = event.key === "ArrowRight" || event.key === "ArrowDown";
    var back = event.key === "ArrowLeft" || event.key === "ArrowUp";
    if (!forward && !back) return;
    event.preventDefault();
    group.play(false);
    group.step(group.index + (forward ? 1 : -1));
  }

  function linkedTarget(event, root) {
    var el = event.target.closest && event.target.closest(SELECTOR);
    return el && root.contains(el) ? el : null;
  }

  function attachRoot(root) {
    if (root.dataset.dgReady) return;
    root.dataset.dgReady = "1";
    var name = root.dataset.dgGroup || "";
    var group = groups[name] || (groups[name] = new Group(name));
    group.roots.push(root);
    var script = root.querySelector("script.dg-steps");
    if (script && !group.texts.length) group.texts = JSON.parse(script.textContent);
    root.addEventListener("pointerover", function (event) {
      var el = linkedTarget(event, root);
      if (el && event.pointerType === "mouse") group.show(read(el));
    });
    root.addEventListener("pointerleave", function () { group.rest(); });
    root.addEventListener("focusin", function (event) {
      var el = linkedTarget(event, root);
      if (el) group.show(read(el));
    });
    root.addEventListener("focusout", function (event) {
      if (!root.contains(event.relatedTarget)) group.rest();
    });
    function pin(el) {
      group.play(false);
      group.pinned = group.pinned === el ? null : el;
      if (!group.pinned) group.index = 0;
      group.rest();
    }
    root.addEventListener("click", function (event) {
      var el = linkedTarget(event, root);
      if (el) pin(el);
    });
    root.addEventListener("keydown", function (event) {
      var el = linkedTarget(event, root);
      if (el && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        pin(el);
        return;
      }
      if (event.key === "Escape") {
        group.pinned = null;
        group.index = 0;
        group.play(false);
        group.rest();
        return;
      }
      arrows(group, event);
    });
    if (root.hasAttribute("data-dg-controls") && (script || group.texts.length)) {
      addControls(group, root);
      var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      if (root.hasAttribute("data-dg-autoplay") && !still) group.play(true);
    }
  }

  function attach(scope) {
    var root = scope || document;
    if (root.matches && root.matches(".dg-linked")) attachRoot(root);
    root.querySelectorAll(".dg-linked").forEach(attachRoot);
  }

  // Groups whose elements were replaced (the explorer loads another example) start over.
  function reset() {
    Object.keys(groups).forEach(function (name) {
      var group = groups[name];
      group.roots = group.roots.filter(function (r) { return r.isConnected; });
      if (!group.roots.length) {
        group.play(false);
        delete groups[name];
      }
    });
  }

  window.dgLinked = {
    attach: function (scope) { reset(); attach(scope); },
    groups: groups,
  };
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(function () { reset(); attach(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { attach(document); });
  } else {
    attach(document);
  }
})();
