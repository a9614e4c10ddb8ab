// Leads at the stand, kept on the device until they are sent (templates/stand/leads.html).
//
// A fair's network comes and goes. Each entry is saved in this browser's localStorage first,
// then sent; it leaves the device only once the server has answered that it is recorded. Every
// entry carries its own key (client_key), so an entry sent twice (an answer lost on the way
// back) is recorded once. The page says how many entries are waiting. An entry the server
// refuses (a mistyped address) is kept aside, to be loaded back into the form and corrected.
// Without this script the form posts as any other and the page comes back.
(function () {
  "use strict";
  var form = document.querySelector("form[data-lead-form]");
  if (!form || !window.localStorage || !window.fetch) return;

  var STORE = "stand-leads:" + form.getAttribute("data-channel");
  var status = document.getElementById("lead-queue");
  var refusedList = document.getElementById("lead-refused");
  var codes = JSON.parse(form.getAttribute("data-codes") || "{}");
  var tags = JSON.parse(form.getAttribute("data-tags") || "{}");
  var consents = JSON.parse(form.getAttribute("data-consents") || "{}");
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function save(entries) { localStorage.setItem(STORE, JSON.stringify(entries)); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(16) + Math.random().toString(16).slice(2);
  }

  function show() {
    var entries = load();
    var waiting = entries.filter(function (e) { return !e.refused; }).length;
    if (waiting === 0) {
      status.textContent = status.getAttribute("data-none");
      status.hidden = entries.length === 0 && !status.getAttribute("data-shown");
    } else {
      status.setAttribute("data-shown", "1");
      status.hidden = false;
      status.textContent = waiting === 1 ? status.getAttribute("data-one")
        : status.getAttribute("data-many").replace("{n}", String(waiting));
    }
    refusedList.textContent = "";
    entries.forEach(function (entry) {
      if (!entry.refused) return;
      var item = document.createElement("li");
      item.textContent = status.getAttribute("data-refused") + " " + (entry.fields.name || "") +
        " — " + entry.refused + " ";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button secondary";
      button.textContent = status.getAttribute("data-load");
      button.addEventListener("click", function () { restore(entry.fields.client_key); });
      item.appendChild(button);
      refusedList.appendChild(item);
    });
    refusedList.hidden = refusedList.children.length === 0;
  }

  function restore(key) {
    var entries = load();
    var entry = entries.filter(function (e) { return e.fields.client_key === key; })[0];
    if (!entry) return;
    Object.keys(entry.fields).forEach(function (name) {
      var field = form.elements[name];
      if (!field || name === "csrf_token") return;
      if (field.type === "checkbox") field.checked = entry.fields[name] === "y";
      else field.value = entry.fields[name];
    });
    save(entries.filter(function (e) { return e !== entry && e.fields.client_key !== key; }));
    showConsent();
    show();
    form.elements.name.focus();
  }

  function fields() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "submit" || field.type === "button") return;
      if (field.type === "checkbox") { if (field.checked) out[field.name] = "y"; return; }
      out[field.name] = field.value;
    });
    return out;
  }

  // A fresh CSRF token from the form's own page, for entries kept across a new session.
  function freshToken() {
    return fetch(form.action, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var m = html.match(/name="csrf_token"[^>]*value="([^"]+)"/);
        if (m) form.elements.csrf_token.value = m[1];
        return m ? m[1] : null;
      });
  }

  function post(entry, token) {
    var body = new URLSearchParams(entry.fields);
    body.set("csrf_token", token);
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
  }

  function messageOf(answer) {
    var errors = (answer && answer.errors) || {};
    return Object.keys(errors).map(function (k) { return errors[k].join(" "); }).join(" ");
  }

  function sendOne(entry, retried) {
    return post(entry, form.elements.csrf_token.value).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
      if (response.ok && json) return response.json().then(function () { return "sent"; });
      if (response.status === 400 && !json && !retried) {
        // The form's token no longer holds (a new session): fetch one and try once more.
        return freshToken().then(function () { return sendOne(entry, true); });
      }
      if (response.status === 400 && json) {
        return response.json().then(function (answer) { return { refused: messageOf(answer) }; });
      }
      return "later"; // the server is busy or away: keep the entry and try again later
    });
  }

  function flush() {
    if (sending) return Promise.resolve();
    sending = true;
    function next() {
      var entry = load().filter(function (e) { return !e.refused; })[0];
      if (!entry) return Promise.resolve();
      return sendOne(entry, false).then(function (outcome) {
        var entries = load();
        if (outcome === "later") return;
        entries = entries.map(function (e) {
          if (e.fields.client_key !== entry.fields.client_key) return e;
          return outcome === "sent" ? null : { fields: e.fields, refused: outcome.refused };
        }).filter(Boolean);
        save(entries);
        show();
        return next();
      });
    }
    return next().catch(function () { /* offline: the entries wait */ })
      .then(function () { sending = false; show(); });
  }

  function showConsent() {
    var text = document.getElementById("consent-text");
    var locale = form.elements.locale.value;
    if (text && consents[locale]) {
      text.textContent = consents[locale];
      text.setAttribute("lang", locale === "zh" ? "zh-Hans" : locale);
    }
  }

  function choose(nominationId) {
    if (nominationId) form.elements.nomination.value = String(nominationId);
  }

  form.elements.locale.addEventListener("change", showConsent);
  document.getElementById("shelf-code").addEventListener("input", function (event) {
    choose(codes[event.target.value.trim().toUpperCase()]);
  });

  // Scanning a printed tag where the browser can read QR codes (BarcodeDetector).
  var scan = form.querySelector("[data-scan]");
  var video = form.querySelector("[data-scan-video]");
  if (scan && video && "BarcodeDetector" in window && navigator.mediaDevices) {
    scan.hidden = false;
    scan.querySelector("button").addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
        .then(function (stream) {
          video.srcObject = stream;
          video.hidden = false;
          return video.play().then(function () {
            function look() {
              detector.detect(video).then(function (found) {
                var token = found.length && (found[0].rawValue.split("/t/")[1] || "");
                if (token && tags[token]) {
                  choose(tags[token]);
                  stream.getTracks().forEach(function (t) { t.stop(); });
                  video.hidden = true;
                } else {
                  requestAnimationFrame(look);
                }
              }).catch(function () { requestAnimationFrame(look); });
            }
            look();
          });
        })
        .catch(function () { scan.hidden = true; });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = fields();
    if (!data.name || (!data.email && !data.whatsapp) || data.consent !== "y") {
      form.submit(); // the server answers with the form and what is missing
      return;
    }
    var entries = load();
    entries.push({ fields: data });
    save(entries);
    var keep = { country: data.country, locale: data.locale, nomination: data.nomination };
    form.reset();
    Object.keys(keep).forEach(function (name) { form.elements[name].value = keep[name]; });
    form.elements.client_key.value = newKey();
    showConsent();
    show();
    flush();
    form.elements.name.focus();
  });

  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  show();
  flush();
})();
