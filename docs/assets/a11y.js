// Regions that scroll sideways (wide tables, long notebook lines) get keyboard focus, so
// that a reader without a mouse can scroll them too (axe: scrollable-region-focusable).
document$.subscribe(function () {
  var selector = ".md-typeset__scrollwrap, .highlight-ipynb, .jp-OutputArea-output pre";
  document.querySelectorAll(selector).forEach(function (region) {
    if (region.scrollWidth > region.clientWidth && !region.hasAttribute("tabindex")) {
      region.setAttribute("tabindex", "0");
    }
  });
});

// Animations (the animation macro of hooks/pages.py) get a pause button (WCAG 2.2.2):
// pausing swaps in the still figure, playing swaps the animation back. A reader who
// prefers reduced motion already sees the still image (a <picture> source), so the
// button stays hidden for them; the step PDF link is always there.
document$.subscribe(function () {
  var reduce = window.matchMedia("(prefers-reduced-motion: reduce)");
  document.querySelectorAll("figure.dg-animation").forEach(function (figure) {
    var button = figure.querySelector("button.dg-pause");
    if (!button || button.dataset.ready) return;
    button.dataset.ready = "1";
    var images = figure.querySelectorAll("img.dg-animated");
    function show(playing) {
      images.forEach(function (img) {
        img.src = playing ? img.dataset.moving : img.dataset.still;
      });
      button.setAttribute("aria-pressed", playing ? "false" : "true");
      button.textContent = playing ? "Pause animation" : "Play animation";
      figure.classList.toggle("dg-paused", !playing);
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-pressed") === "true");
    });
    button.hidden = reduce.matches;
  });
});
