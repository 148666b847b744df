// cvm-align workshop page: the two things HTML cannot do on its own.
// 1. A countdown that ticks every second.
// 2. Drag-and-drop reordering (SortableJS), saved through htmx. The keyboard
//    alternative is the pair of move buttons on every item.
// 3. Live push: one WebSocket per page hears of every change in the workshop and
//    asks for it at once (the #live request); it reconnects by itself and
//    catches up on reconnecting. While it is down, the page asks every 2 s.
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
  // the control that had it (or that a move asked for, data-focus) is found in
  // the list now on the page and focused again. Swaps can follow each other
  // within a few milliseconds, so the wish outlives one swap; it ends when it is
  // met or when the person moves focus elsewhere.
  var wanted = null;

  function describe(control) {
    var slot = control.closest(".item-slot");
    return slot ? {
      item: slot.dataset.itemId,
      label: control.getAttribute("aria-label"),
      name: control.getAttribute("name"),
      value: control.getAttribute("value")
    } : null;
  }

  function rememberFocus() {
    var active = document.activeElement;
    var items = document.getElementById("items");
    if (active && items && items.contains(active)) { wanted = describe(active); }
  }

  function findWanted() {
    var slot = Array.prototype.find.call(
      document.querySelectorAll("#items .item-slot"),
      function (s) { return s.dataset.itemId === wanted.item; }
    );
    if (!slot) { return null; }
    if (wanted.first) { return slot.querySelector(wanted.first); }
    return Array.prototype.find.call(
      slot.querySelectorAll("button, a, input, select, textarea"),
      function (c) {
        return c.getAttribute("aria-label") === wanted.label &&
          c.getAttribute("name") === wanted.name && c.getAttribute("value") === wanted.value;
      }
    );
  }

  function restoreFocus(root) {
    var items = root.id === "items" ? root : root.querySelector && root.querySelector("#items");
    if (!items) { return; }
    if (items.dataset.focus) {
      var slot = items.querySelector("#item-" + items.dataset.focus);
      var holder = slot && slot.closest(".item-slot");
      if (holder) { wanted = { item: holder.dataset.itemId, first: ".move button" }; }
    }
    if (!wanted) { return; }
    var control = findWanted();
    if (control && document.body.contains(control)) {
      control.focus();
      wanted = null;
    }
  }

  document.addEventListener("focusin", function (event) {
    var items = document.getElementById("items");
    if (!items || !items.contains(event.target)) { wanted = null; }
  });

  // Live push ------------------------------------------------------------------
  var push = { open: false, lastAsked: 0 };
  var SAFETY_POLL_MS = 30000;

  // One request for the room's state at a time; a change announced while one is
  // on its way asks again once it is back (its answer may predate the change).
  var asking = false, askAgain = false;

  function askNow() {
    if (asking) { askAgain = true; return; }
    var live = document.getElementById("live");
    if (live) { htmx.trigger(live, "cvm:changed"); }
  }

  function answered() {
    asking = false;
    if (askAgain) { askAgain = false; window.setTimeout(askNow, 0); }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target.id === "live") { asking = true; }
  });
  // The answer either leaves #live in place (nothing new, an error) or brings a
  // new #live with the new state: either way the request is over.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.target.id === "live") { answered(); }
  });
  document.addEventListener("htmx:load", function (event) {
    if (event.target.id === "live" && asking) { answered(); }
  });

  function connectPush() {
    var live = document.getElementById("live");
    if (!live || !live.dataset.push || !window.WebSocket) { return; }
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + live.dataset.push;
    var delay = 1000, failures = 0;
    function fallbackNotice(shown) {
      var notice = document.getElementById("live-fallback");
      if (notice) { notice.hidden = !shown; }
    }
    function open() {
      var socket = new WebSocket(url);
      socket.onopen = function () {
        delay = 1000;
        failures = 0;
        push.open = true;
        document.documentElement.dataset.live = "push";
        fallbackNotice(false);
        askNow();  // catch up on whatever changed while it was down
      };
      socket.onmessage = askNow;
      socket.onclose = function (event) {
        push.open = false;
        document.documentElement.dataset.live = "poll";
        // Two tries in a row that failed: say so, discreetly; the page polls.
        failures += 1;
        if (failures >= 2) { fallbackNotice(true); }
        if (event.code === 4403) { return; }  // no longer allowed here: stop trying
        window.setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }
    open();
  }

  // While push is connected, the 2 s timer asks only now and then (a safety net);
  // a change announced by push always asks at once.
  document.addEventListener("htmx:confirm", function (event) {
    var live = event.target;
    if (live.id !== "live") { return; }
    var now = Date.now();
    var timer = !event.detail.triggeringEvent;
    if (push.open && timer && now - push.lastAsked < SAFETY_POLL_MS) {
      event.preventDefault();
      return;
    }
    push.lastAsked = now;
  });

  document.addEventListener("DOMContentLoaded", function () {
    connectPush();
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
