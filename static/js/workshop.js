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
      function currentOrder() {
        return Array.prototype.map.call(
          list.querySelectorAll(".item-slot"), function (slot) { return slot.dataset.itemId; }
        );
      }
      // The order last saved: a drop that leaves it as it was (or a second end
      // event for the same drag) saves nothing.
      list.dataset.savedOrder = currentOrder().join(",");
      Sortable.create(list, {
        handle: ".item__handle",
        draggable: ".item-slot",
        animation: 120,
        onEnd: function () {
          var order = currentOrder();
          if (order.join(",") === list.dataset.savedOrder) { return; }
          list.dataset.savedOrder = order.join(",");
          htmx.ajax("POST", list.dataset.reorderUrl, {
            target: "#items", swap: "outerHTML", values: { order: order }
          });
        }
      });
    });
  }

  // When the list is swapped (the live sync brings someone's change, or this
  // person's own move), keyboard focus inside it would fall back to the page:
  // the control that had it is found again in the new list and focused.
  var kept = null;

  function rememberFocus() {
    var active = document.activeElement;
    var items = document.getElementById("items");
    var slot = active && items && items.contains(active) ? active.closest(".item-slot") : null;
    kept = slot ? {
      item: slot.dataset.itemId,
      label: active.getAttribute("aria-label"),
      name: active.getAttribute("name"),
      value: active.getAttribute("value")
    } : null;
  }

  function focusKept() {
    if (!kept) { return; }
    var wanted = kept;
    kept = null;
    var slot = Array.prototype.find.call(
      document.querySelectorAll("#items .item-slot"),
      function (s) { return s.dataset.itemId === wanted.item; }
    );
    if (!slot) { return; }
    var control = Array.prototype.find.call(
      slot.querySelectorAll("button, a, input, select, textarea"),
      function (c) {
        return c.getAttribute("aria-label") === wanted.label &&
          c.getAttribute("name") === wanted.name && c.getAttribute("value") === wanted.value;
      }
    );
    if (control) { control.focus(); }
  }

  function restoreFocus(root) {
    var items = root.id === "items" ? root : root.querySelector && root.querySelector("#items");
    if (!items) { return; }
    if (!items.dataset.focus) { focusKept(); return; }
    kept = null;
    var button = items.querySelector("#item-" + items.dataset.focus + " .move button");
    if (button) { button.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
    makeSortable(document);
  });
  document.addEventListener("htmx:beforeSwap", rememberFocus);
  document.addEventListener("htmx:oobBeforeSwap", rememberFocus);
  document.addEventListener("htmx:load", function (event) {
    tick();
    makeSortable(event.target.parentNode || document);
    restoreFocus(event.target);
  });
})();
