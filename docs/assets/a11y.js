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
