// cvm-align workshop page: the two things HTML cannot do on its own.
// 1. A countdown that ticks every second.
// 2. Drag-and-drop reordering (SortableJS), saved through htmx. The keyboard
//    alternative is the pair of move buttons on every item.
(function () {
  "use strict";

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function tick() {
    document.querySelectorAll("[data-countdown-ends]").forEach(function (el) {
      var ends = Date.parse(el.getAttribute("data-countdown-ends"));
      var text = el.querySelector("[data-countdown-text]");
      if (!text || isNaN(ends)) { return; }
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      if (left === 0) {
        if (!el.classList.contains("countdown--done")) {
          el.classList.add("countdown--done");
          text.textContent = el.getAttribute("data-done-text");
          var announcer = document.getElementById("announcer");
          if (announcer) { announcer.textContent = el.getAttribute("data-done-text"); }
        }
        return;
      }
      el.classList.remove("countdown--done");
      text.textContent = Math.floor(left / 60) + ":" + pad(left % 60);
    });
  }

  function makeSortable(root) {
    if (typeof Sortable === "undefined") { return; }
    root.querySelectorAll(".item-list--sortable").forEach(function (list) {
      if (list.dataset.sortableReady) { return; }
      list.dataset.sortableReady = "1";
      Sortable.create(list, {
        handle: ".item__handle",
        draggable: ".item-slot",
        animation: 120,
        onEnd: function () {
          var order = Array.prototype.map.call(
            list.querySelectorAll(".item-slot"), function (slot) { return slot.dataset.itemId; }
          );
          htmx.ajax("POST", list.dataset.reorderUrl, {
            target: "#items", swap: "outerHTML", values: { order: order }
          });
        }
      });
    });
  }

  function restoreFocus(root) {
    var items = root.id === "items" ? root : root.querySelector && root.querySelector("#items");
    if (!items || !items.dataset.focus) { return; }
    var button = items.querySelector("#item-" + items.dataset.focus + " .move button");
    if (button) { button.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
    makeSortable(document);
  });
  document.addEventListener("htmx:load", function (event) {
    tick();
    makeSortable(event.target.parentNode || document);
    restoreFocus(event.target);
  });
})();
