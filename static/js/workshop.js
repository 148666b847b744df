// cvm-align workshop page: what HTML cannot do on its own.
// 1. A countdown that ticks every second.
// 2. Drag-and-drop reordering (SortableJS), saved through htmx. The keyboard
//    alternative is the pair of move buttons on every item.
// 3. Live: one WebSocket per page receives the room's changes as parts of the
//    page; it reconnects by itself and catches up on reconnecting. While it is
//    down, the page asks every 2 s.
// 4. What a page shared by a rights class leaves to the page (personalise).
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
        group: groupOption(list),
        onAdd: moveToGroup,
        onEnd: function (event) {
          // Dropped into a group: that list's onAdd saves it.
          if (event.to !== event.from) { return; }
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

  // The facilitator drags an answer onto another group (or out of every group):
  // the lists a group's answers sit in share one Sortable group, and a drop
  // posts what the "Move" control beside each answer posts.
  function groupOption(list) {
    return list.hasAttribute("data-group-drop") ? { name: "answers", pull: true, put: true } : undefined;
  }

  function moveToGroup(event) {
    var list = event.to;
    var slot = event.item;
    var url = list.dataset.moveUrl.replace("00000000-0000-0000-0000-000000000000", slot.dataset.itemId);
    htmx.ajax("POST", url, {
      target: "#items", swap: "outerHTML", values: { to: list.dataset.groupDrop || "" }
    });
  }

  function makeGroupable(root) {
    if (typeof Sortable === "undefined") { return; }
    root.querySelectorAll("ol[data-group-drop]:not(.item-list--sortable)").forEach(function (list) {
      if (list.dataset.sortableReady) { return; }
      list.dataset.sortableReady = "1";
      Sortable.create(list, {
        handle: ".item__handle",
        draggable: ".item-slot",
        animation: 120,
        sort: false,
        group: groupOption(list),
        onAdd: moveToGroup
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

  // What a part shared by a rights class leaves to the page -------------------
  // Shared parts carry no CSRF token and show a leader's edit controls on every
  // answer: the page adds its own token, shows the controls on its person's own
  // answers (#mine names them) and draws their dots. The server checks every write.
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }

  function personalise(root) {
    var token = csrfToken();
    var forms = Array.prototype.slice.call(root.querySelectorAll('form[method="post"]'));
    if (root.matches && root.matches('form[method="post"]')) { forms.push(root); }
    forms.forEach(function (form) {
      if (!token || form.querySelector('[name="csrfmiddlewaretoken"]')) { return; }
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "csrfmiddlewaretoken";
      input.value = token;
      form.prepend(input);
    });
    var mine = document.getElementById("mine");
    if (!mine) { return; }
    document.querySelectorAll(".item__own").forEach(function (own) {
      own.hidden = own.dataset.author !== mine.dataset.me;
    });
    var dots = {};
    try { dots = JSON.parse(mine.dataset.dots || "{}"); } catch (e) { dots = {}; }
    document.querySelectorAll(".dots[data-dots-for]").forEach(function (el) {
      var count = dots[el.dataset.dotsFor] || 0;
      if (el.childElementCount === count) { return; }
      el.textContent = "";
      for (var i = 0; i < count; i += 1) {
        var dot = document.createElement("span");
        dot.className = "dots__dot";
        el.appendChild(dot);
      }
    });
    document.querySelectorAll(".dot-take-back[data-dots-for]").forEach(function (form) {
      form.hidden = !dots[form.dataset.dotsFor];
    });
    var none = Number(mine.dataset.left || 0) <= 0;
    document.querySelectorAll(".dot-add").forEach(function (button) {
      if (none) { button.setAttribute("aria-disabled", "true"); }
      else { button.removeAttribute("aria-disabled"); }
    });
  }

  // Live: what the room sends ------------------------------------------------------
  // Messages come over one WebSocket per page, or, while it cannot connect, from
  // the poll every 2 s (the same messages as a list). A message holds parts of
  // the page by element id; a part is swapped only when it differs from the one
  // last applied, and an answer being edited here is kept as it is.
  var room = {
    applied: {}, deferred: {}, current: null, socket: false, socketObject: null, reopen: false,
    lastPoll: 0, polling: false
  };
  var SAFETY_POLL_MS = 30000, POLL_MS = 2000;

  function liveElement() { return document.getElementById("live"); }

  // A form someone has typed into (a reservation, a reason, a group's new title)
  // or chosen in (the group to merge into) is theirs until sent.
  function typedInto(form) {
    var typed = Array.prototype.some.call(
      form.querySelectorAll("textarea, input[type=text], input:not([type])"),
      function (field) { return field.value !== field.defaultValue; }
    );
    return typed || Array.prototype.some.call(form.querySelectorAll("select"), function (select) {
      return Array.prototype.some.call(select.options, function (option) {
        return option.selected !== option.defaultSelected;
      });
    });
  }

  function keepEditing(html) {
    var editing = Array.prototype.slice.call(document.querySelectorAll(".item--editing[id]"));
    document.querySelectorAll("form.keep-while-typing[id]").forEach(function (form) {
      if (typedInto(form)) { editing.push(form); }
    });
    var unfolded = document.querySelectorAll("details[open][id]");
    if (!editing.length && !unfolded.length) { return html; }
    var template = document.createElement("template");
    template.innerHTML = html;
    // What someone unfolded stays unfolded when the part around it is renewed.
    unfolded.forEach(function (local) {
      var incoming = template.content.querySelector("#" + CSS.escape(local.id));
      if (incoming && incoming.tagName === "DETAILS") { incoming.setAttribute("open", ""); }
    });
    editing.forEach(function (local) {
      var incoming = template.content.querySelector("#" + CSS.escape(local.id));
      if (!incoming) { return; }
      var keep = document.createElement("div");
      keep.id = local.id;
      keep.setAttribute("hx-preserve", "true");
      incoming.replaceWith(keep);
    });
    return template.innerHTML;
  }

  function swapParts(parts) {
    var html = "";
    Object.keys(parts || {}).forEach(function (id) {
      if (room.applied[id] === parts[id]) { return; }
      var here = document.getElementById(id);
      if (here && here.querySelector(".htmx-request")) {
        // Someone's request from inside this part is on its way (opening an
        // answer to edit it, say): its answer must find the element it targets.
        room.deferred[id] = parts[id];
        return;
      }
      delete room.deferred[id];
      room.applied[id] = parts[id];
      html += parts[id];
    });
    if (html) { htmx.swap(liveElement(), keepEditing(html), { swapStyle: "none" }); }
  }

  // A part held back while a request was on its way goes in once it is answered.
  document.addEventListener("htmx:afterSettle", function () {
    var deferred = room.deferred;
    if (!Object.keys(deferred).length) { return; }
    room.deferred = {};
    window.setTimeout(function () { swapParts(deferred); }, 0);
  });

  function setToken(revision, print) {
    var live = liveElement();
    var parts = (live.dataset.v || "").split(".");
    if (revision !== null) { parts[0] = String(revision); }
    if (print !== null) { parts[1] = print; }
    live.dataset.v = parts.join(".");
  }

  function follows() {
    var follow = document.getElementById("follow");
    return follow && follow.dataset.follows === "1";
  }

  function handle(message) {
    var live = liveElement();
    if (message.t === "room") {
      var moved = room.current !== null && message.current !== room.current;
      room.current = message.current;
      var step = live.dataset.step;
      if (moved && step && message.current && message.current !== step && follows() && !busyEditing()) {
        // The facilitator brought the room to another step: go with them (unless
        // typing an answer: then the room bar says where the room went).
        window.location.assign(live.dataset.stepUrl.replace("__step__", message.current));
        return;
      }
      swapParts(message.parts);
      setToken(message.v, null);
    } else if (message.t === "presence") {
      swapParts({ presence: message.html });
      setToken(null, message.f);
    } else if (message.t === "mine") {
      swapParts(message.parts);
    } else if (message.t === "page") {
      land(message);
    }
  }

  // Someone typing an answer: the facilitator moving the room does not take
  // their page away; the room bar says where the room went.
  function busyEditing() {
    if (document.querySelector(".item--editing")) { return true; }
    return Array.prototype.some.call(
      document.querySelectorAll("#add-form input[type=text], #add-form textarea"),
      function (field) { return field.value.trim() !== ""; }
    );
  }

  // The facilitator brought the room to another step, and the connection sent
  // that step's page: it replaces this one in place (no reload, same socket).
  function land(message) {
    room.current = message.step;
    if (busyEditing()) {
      // This page stays on its step: reconnecting tells the server so.
      if (room.socketObject) { room.reopen = true; room.socketObject.close(); }
      return;
    }
    var mine = document.getElementById("mine");
    var me = mine ? mine.dataset.me : "";
    htmx.swap(document.getElementById("main"), message.html, { swapStyle: "innerHTML" });
    var landed = document.getElementById("mine");
    if (landed && me && !landed.dataset.me) { landed.dataset.me = me; }
    room.applied = {};
    room.deferred = {};
    history.pushState({ step: message.step }, "", message.url);
    document.title = message.title;
    var next = document.querySelector('.lang-switch input[name="next"]');
    if (next) { next.value = message.url; }
    personalise(document);
    window.scrollTo(0, 0);
  }

  // Back to a step the room left: load it as it is now.
  window.addEventListener("popstate", function () { window.location.reload(); });

  function poll() {
    var live = liveElement();
    if (!live || room.polling) { return; }
    room.polling = true;
    room.lastPoll = Date.now();
    var url = live.dataset.poll + "?" + new URLSearchParams({ v: live.dataset.v || "", step: live.dataset.step });
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.status === 200 ? response.json() : null; })
      .then(function (answer) {
        if (!answer) { return; }
        answer.messages.forEach(handle);
        live.dataset.v = answer.v;
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { room.polling = false; });
  }

  function connect() {
    var live = liveElement();
    if (!live) { return; }
    room.current = live.dataset.current || "";
    // While the WebSocket is open, the poll runs only now and then (a safety net).
    window.setInterval(function () {
      var every = room.socket ? SAFETY_POLL_MS : POLL_MS;
      if (Date.now() - room.lastPoll >= every) { poll(); }
    }, 500);
    if (!window.WebSocket) { return; }
    var delay = 1000, failures = 0;
    function fallbackNotice(shown) {
      var notice = document.getElementById("live-fallback");
      if (notice) { notice.hidden = !shown; }
    }
    function open() {
      live = liveElement();
      var query = new URLSearchParams({
        step: live.dataset.step, v: live.dataset.v || "", lang: document.documentElement.lang,
        follows: follows() ? "1" : "0"
      });
      var socket = new WebSocket(
        (location.protocol === "https:" ? "wss://" : "ws://") + location.host + live.dataset.push + "?" + query
      );
      room.socketObject = socket;
      socket.onopen = function () {
        delay = 1000;
        failures = 0;
        room.socket = true;
        document.documentElement.dataset.live = "push";
        fallbackNotice(false);
      };
      socket.onmessage = function (event) {
        try { handle(JSON.parse(event.data)); } catch (e) { poll(); }
      };
      socket.onclose = function (event) {
        room.socket = false;
        if (room.reopen) { room.reopen = false; open(); return; }
        document.documentElement.dataset.live = "poll";
        // Two tries in a row that failed: say so, discreetly; the page polls.
        failures += 1;
        if (failures >= 2) { fallbackNotice(true); }
        if (event.code === 4403) { return; }  // no longer allowed here: stop trying
        // Reconnecting sends the revision this page shows: it receives what it missed.
        window.setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }
    open();
  }

  document.addEventListener("DOMContentLoaded", function () {
    personalise(document);
    connect();
    tick();
    window.setInterval(tick, 1000);
    makeSortable(document);
    makeGroupable(document);
  });
  document.addEventListener("htmx:beforeSwap", rememberFocus);
  document.addEventListener("htmx:oobBeforeSwap", rememberFocus);
  document.addEventListener("htmx:load", function (event) {
    personalise(event.target);
    tick();
    makeSortable(event.target.parentNode || document);
    makeGroupable(event.target.parentNode || document);
    restoreFocus(event.target);
  });
})();
