// rxevidence: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (!navigator.clipboard) { return; }
      ev.preventDefault();
      navigator.clipboard.writeText(el.getAttribute("data-copy")).then(function () {
        var old = el.textContent;
        el.textContent = "Link copied";
        el.setAttribute("aria-live", "polite");
        setTimeout(function () { el.textContent = old; }, 2000);
      }, function () { window.location.href = el.getAttribute("href"); });
    });
  });
  // chart marks: show the focused / hovered mark's details under the chart (the link itself goes to its row)
  document.querySelectorAll("figure.chart").forEach(function (fig) {
    var out = fig.querySelector(".chart-detail");
    if (!out) { return; }
    fig.querySelectorAll(".mark-link").forEach(function (a) {
      var show = function () {
        fig.querySelectorAll(".mark-link.active").forEach(function (o) { o.classList.remove("active"); });
        a.classList.add("active");
        out.textContent = a.getAttribute("data-detail");
        out.hidden = false;
      };
      a.addEventListener("focus", show);
      a.addEventListener("mouseenter", show);
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.hidden = false;
    el.addEventListener("click", function () { window.print(); });
  });
})();
