// The visual buying-influence map (Cytoscape.js, vendored in static/vendor/cytoscape/).
// Data comes from the page through json_script (#rel-map-data); every change goes through
// the REST API with the session cookie, the CSRF header and If-Match (the version read), so
// the server's rules and messages are the ones the API gives. The text tree below the canvas
// stays the accessible view of the same people and works without this script.
(function () {
  "use strict";
  // The page's language: the JavaScript catalogue (/jsi18n/, loaded by base.html) gives
  // gettext and interpolate; without it the English text shows.
  var gettext = window.gettext || function (text) { return text; };
  var pgettext = window.pgettext || function (context, text) { return text; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\((\w+)\)s/g, function (all, name) { return values[name]; });
  };
  function words(translated, values) { return interpolate(translated, values, true); }
  var section = document.getElementById("rel-visual");
  var dataNode = document.getElementById("rel-map-data");
  if (!section || !dataNode || typeof window.cytoscape !== "function") { return; }
  var data = JSON.parse(dataNode.textContent);
  section.hidden = false;

  var canEdit = !!data.can_edit && !section.getAttribute("data-print");
  var statusLine = document.getElementById("map-status");
  var panel = document.getElementById("rel-panel");
  var personForm = document.getElementById("person-form");
  var influenceForm = document.getElementById("influence-form");
  var csrfInput = personForm.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var ROLE_SHORT = {
    economic_buyer: pgettext("buying role, short", "EB"),
    user_buyer: pgettext("buying role, short", "UB"),
    technical_buyer: pgettext("buying role, short", "TB"),
    coach: pgettext("buying role, short", "Coach")
  };
  var INFLUENCE = {
    high: gettext("high influence"), medium: gettext("medium influence"), low: gettext("low influence")
  };
  var ATTITUDE = {
    supporter: { border: "#1f7a3f", fill: "#eef8f1" },
    neutral: { border: "#8a93a3", fill: "#ffffff" },
    detractor: { border: "#b3261e", fill: "#fff3f2" }
  };
  var people = {};  // contact id → the contact as the API last showed it
  data.contacts.forEach(function (c) { people[c.id] = c; });

  // --- messages ----------------------------------------------------------------------
  function say(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("bad-text", !!isError);
  }

  function problems(body) {
    // A DRF answer's messages in one line ({field: [..]} or {detail: ".."}).
    if (!body || typeof body !== "object") { return gettext("The server refused the change."); }
    if (body.detail && typeof body.detail === "string") { return body.detail; }
    var parts = [];
    Object.keys(body).forEach(function (key) {
      var value = body[key];
      if (Array.isArray(value)) { parts.push(value.join(" ")); }
      else if (typeof value === "string") { parts.push(value); }
    });
    return parts.join(" ") || gettext("The server refused the change.");
  }

  function api(method, url, body, version) {
    // The API answers in the language asked for: the page's.
    var headers = {
      "Accept": "application/json", "X-CSRFToken": csrf,
      "Accept-Language": document.documentElement.lang || "en-gb"
    };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (version) { headers["If-Match"] = '"' + version + '"'; }
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 204) { return { ok: true, status: 204, body: null }; }
      return response.json().then(
        function (json) { return { ok: response.ok, status: response.status, body: json }; },
        function () { return { ok: response.ok, status: response.status, body: null }; }
      );
    });
  }

  // --- cards and lines -----------------------------------------------------------------
  function stars(n) {
    var text = "";
    for (var i = 1; i <= 5; i += 1) { text += i <= n ? "●" : "○"; }
    return text;
  }

  function label(c) {
    var roles = c.roles.map(function (r) { return ROLE_SHORT[r] || r; }).join(" · ");
    var lines = [c.name];
    if (c.title) { lines.push(c.title); }
    lines.push((roles ? roles + " · " : "") + (INFLUENCE[c.influence] || c.influence));
    lines.push(stars(c.strength) + "  " + words(gettext("ours: %(who)s"), { who: c.primary_contact || gettext("nobody") }));
    if (!c.is_active) { lines.push(c.left_on ? words(gettext("left on %(date)s"), { date: c.left_on }) : gettext("left")); }
    else if (c.is_overdue) { lines.push("⚠ " + gettext("overdue")); }
    return lines.join("\n");
  }

  function nodeData(c) {
    var colours = ATTITUDE[c.attitude] || ATTITUDE.neutral;
    return {
      id: "c" + c.id, contact: c.id, label: label(c), border: colours.border, fill: colours.fill,
      attitude: c.attitude, roles: c.roles.join(" "), name: c.name.toLowerCase()
    };
  }

  function nodeClasses(c) {
    var classes = [];
    if (!c.is_active) { classes.push("left"); }
    if (c.gaps && c.gaps.length) { classes.push("gap"); }
    return classes.join(" ");
  }

  var elements = [];
  data.contacts.forEach(function (c) {
    elements.push({ group: "nodes", data: nodeData(c), classes: nodeClasses(c) });
  });
  data.contacts.forEach(function (c) {
    if (c.reports_to && people[c.reports_to]) {
      elements.push({ group: "edges", data: { id: "r" + c.id, source: "c" + c.reports_to, target: "c" + c.id }, classes: "reports" });
    }
  });
  data.influences.forEach(function (line) {
    elements.push({ group: "edges", data: influenceData(line), classes: "influence" });
  });

  function influenceData(line) {
    return {
      id: "i" + line.id, influence: line.id, source: "c" + line.source, target: "c" + line.target,
      strength: line.strength, note: line.note, version: line.version, label: gettext("influences") + " · " + line.strength
    };
  }

  var cy = window.cytoscape({
    container: document.getElementById("rel-canvas"),
    elements: elements,
    minZoom: 0.1,
    maxZoom: 3,
    autoungrabify: !canEdit,
    style: [
      { selector: "node", style: {
        "shape": "round-rectangle", "width": 200, "height": 86,
        "background-color": "data(fill)", "border-width": 3, "border-color": "data(border)",
        "label": "data(label)", "text-wrap": "wrap", "text-max-width": 186,
        "text-valign": "center", "text-halign": "center", "font-size": 11, "color": "#14213d",
        "line-height": 1.25
      } },
      { selector: "node.gap", style: { "underlay-color": "#f28c28", "underlay-opacity": 0.55, "underlay-padding": 7, "underlay-shape": "round-rectangle" } },
      { selector: "node.left", style: { "opacity": 0.45, "border-style": "dashed", "background-color": "#eeeeee" } },
      { selector: "node.dim", style: { "opacity": 0.15 } },
      { selector: "node.match", style: { "overlay-color": "#ffbf47", "overlay-opacity": 0.35, "overlay-padding": 6 } },
      { selector: "node.focus", style: { "border-width": 6, "border-color": "#1f5fbf", "overlay-color": "#1f5fbf", "overlay-opacity": 0.12, "overlay-padding": 10 } },
      { selector: "node:selected", style: { "border-width": 5, "border-color": "#1f5fbf" } },
      { selector: "node.drop-target", style: { "border-width": 6, "border-color": "#ffbf47" } },
      { selector: "edge.reports", style: {
        "width": 2, "line-color": "#8a93a3", "curve-style": "taxi", "taxi-direction": "downward",
        "target-arrow-shape": "none"
      } },
      { selector: "edge.influence", style: {
        "width": "mapData(strength, 1, 5, 1.5, 5)", "line-color": "#6b3fa0", "line-style": "dashed",
        "target-arrow-shape": "triangle", "target-arrow-color": "#6b3fa0", "curve-style": "bezier",
        "label": "data(label)", "font-size": 9, "color": "#6b3fa0", "text-rotation": "autorotate",
        "text-background-color": "#ffffff", "text-background-opacity": 0.8
      } },
      { selector: "edge.influence:selected", style: { "line-color": "#1f5fbf", "target-arrow-color": "#1f5fbf" } },
      { selector: "edge.dim", style: { "opacity": 0.1 } }
    ]
  });
  window.kamRelationshipMap = cy;  // for the browser tests and the console

  function arrange(animate) {
    var roots = cy.nodes().filter(function (n) { return n.incomers("edge.reports").length === 0; });
    cy.elements("node, edge.reports").layout({
      name: "breadthfirst", directed: true, roots: roots, spacingFactor: 1.05,
      avoidOverlap: true, animate: !!animate, padding: 20, grid: false
    }).run();
  }
  arrange(false);
  cy.fit(undefined, 20);

  // --- focus, find, filter -------------------------------------------------------------
  function centreOn(node) {
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1) }, { duration: 250 });
  }
  var focusId = section.getAttribute("data-focus");
  if (focusId) {
    var focused = cy.getElementById("c" + focusId);
    if (focused.length) {
      focused.addClass("focus");
      cy.center(focused);
      cy.zoom({ level: 1.1, position: focused.position() });
      say(words(gettext("Showing %(name)s."), { name: people[focused.data("contact")].name }));
    }
  }

  var find = document.getElementById("map-find");
  find.addEventListener("input", function () {
    var wanted = find.value.trim().toLowerCase();
    cy.nodes().removeClass("match");
    if (wanted.length < 2) { return; }
    var hits = cy.nodes().filter(function (n) { return n.data("name").indexOf(wanted) !== -1; });
    hits.addClass("match");
    if (hits.length) { centreOn(hits[0]); }
  });
  find.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    event.preventDefault();
    var hit = cy.nodes(".match")[0];
    if (hit) { centreOn(hit); openPerson(hit); }
  });

  var roleFilter = document.getElementById("map-role");
  var attitudeFilter = document.getElementById("map-attitude");
  function applyFilters() {
    var role = roleFilter.value;
    var attitude = attitudeFilter.value;
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var ok = (!role || (" " + n.data("roles") + " ").indexOf(" " + role + " ") !== -1) &&
          (!attitude || n.data("attitude") === attitude);
        n.toggleClass("dim", !ok);
      });
      cy.edges().forEach(function (e) {
        e.toggleClass("dim", e.source().hasClass("dim") || e.target().hasClass("dim"));
      });
    });
  }
  roleFilter.addEventListener("change", applyFilters);
  attitudeFilter.addEventListener("change", applyFilters);

  // --- export --------------------------------------------------------------------------
  function download(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  function escapeXml(text) {
    return String(text).replace(/[<>&"']/g, function (ch) {
      return { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" }[ch];
    });
  }

  function svgMap() {
    // The map as SVG, drawn from the cards' positions (the canvas itself is a bitmap).
    var box = cy.elements().boundingBox({});
    var pad = 20;
    var x0 = box.x1 - pad;
    var y0 = box.y1 - pad;
    var out = ['<svg xmlns="http://www.w3.org/2000/svg" width="' + Math.ceil(box.w + 2 * pad) +
      '" height="' + Math.ceil(box.h + 2 * pad) + '" viewBox="0 0 ' + Math.ceil(box.w + 2 * pad) +
      " " + Math.ceil(box.h + 2 * pad) + '" font-family="sans-serif" font-size="11">',
      '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b3fa0"/></marker></defs>',
      '<rect width="100%" height="100%" fill="#ffffff"/>'];
    cy.edges(".reports").forEach(function (e) {
      var s = e.source().position();
      var t = e.target().position();
      var midY = (s.y + 43 + t.y - 43) / 2 - y0;
      out.push('<path d="M' + (s.x - x0) + "," + (s.y + 43 - y0) + " V" + midY + " H" + (t.x - x0) +
        " V" + (t.y - 43 - y0) + '" fill="none" stroke="#8a93a3" stroke-width="2"/>');
    });
    cy.edges(".influence").forEach(function (e) {
      var s = e.sourceEndpoint();
      var t = e.targetEndpoint();
      out.push('<line class="influence" x1="' + (s.x - x0) + '" y1="' + (s.y - y0) + '" x2="' + (t.x - x0) +
        '" y2="' + (t.y - y0) + '" stroke="#6b3fa0" stroke-width="2" stroke-dasharray="6 4" marker-end="url(#arrow)"><title>' +
        escapeXml(people[e.source().data("contact")].name + " influences " + people[e.target().data("contact")].name) +
        "</title></line>");
    });
    cy.nodes().forEach(function (n) {
      var p = n.position();
      var c = people[n.data("contact")];
      var left = p.x - 100 - x0;
      var top = p.y - 43 - y0;
      var gap = n.hasClass("gap") ? ' <rect x="' + (left - 5) + '" y="' + (top - 5) + '" width="210" height="96" rx="10" fill="#f28c28" opacity="0.45"/>' : "";
      out.push('<g class="person"' + (c.is_active ? "" : ' opacity="0.45"') + ">" + gap +
        '<rect x="' + left + '" y="' + top + '" width="200" height="86" rx="8" fill="' + n.data("fill") +
        '" stroke="' + n.data("border") + '" stroke-width="3"' + (c.is_active ? "" : ' stroke-dasharray="5 3"') + "/>");
      var lines = n.data("label").split("\n");
      var startY = p.y - y0 - (lines.length - 1) * 7;
      lines.forEach(function (line, index) {
        out.push('<text x="' + (p.x - x0) + '" y="' + (startY + index * 14 + 4) + '" text-anchor="middle"' +
          (index === 0 ? ' font-weight="bold"' : "") + ' fill="#14213d">' + escapeXml(line) + "</text>");
      });
      out.push("</g>");
    });
    out.push("</svg>");
    return out.join("");
  }
  window.kamRelationshipMapSvg = svgMap;

  function fileName(ext) {
    return "relationship-map-" + data.account + "." + ext;
  }

  // --- the side panel ------------------------------------------------------------------
  var current = null;  // the contact id in the person form (null: a new person)
  var currentLine = null;  // the influence id in the influence form
  var drawingFrom = null;  // the contact id a new line of influence starts from

  function clearErrors(form) {
    form.querySelectorAll("[data-errors]").forEach(function (p) { p.textContent = ""; });
  }

  function showErrors(form, body) {
    clearErrors(form);
    var general = [];
    if (body && typeof body === "object") {
      Object.keys(body).forEach(function (key) {
        var value = body[key];
        var text = Array.isArray(value) ? value.join(" ") : (typeof value === "string" ? value : "");
        var slot = form.querySelector('[data-errors="' + key + '"]');
        if (slot && text) { slot.textContent = text; }
        else if (text && key !== "current" && key !== "changes" && key !== "current_version" && key !== "version") { general.push(text); }
        else if (key === "version" && text && !body.detail) { general.push(text); }
      });
    }
    form.querySelector('[data-errors="__all__"]').textContent = general.join(" ") || (body ? "" : gettext("The server refused the change."));
  }

  function fillManagers(select, exceptId) {
    select.innerHTML = "";
    var none = document.createElement("option");
    none.value = "";
    none.textContent = gettext("Nobody (top of the tree)");
    select.appendChild(none);
    Object.keys(people).map(function (id) { return people[id]; })
      .sort(function (a, b) { return a.name.localeCompare(b.name); })
      .forEach(function (c) {
        if (c.id === exceptId) { return; }
        var option = document.createElement("option");
        option.value = String(c.id);
        option.textContent = c.name + (c.title ? " (" + c.title + ")" : "");
        select.appendChild(option);
      });
  }

  function setReadOnly(form) {
    form.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (field.name !== "csrfmiddlewaretoken") { field.disabled = !canEdit; }
    });
  }

  function openPerson(node) {
    var c = node ? people[node.data("contact")] : null;
    current = c ? c.id : null;
    influenceForm.hidden = true;
    personForm.hidden = false;
    showPanel();
    clearErrors(personForm);
    document.getElementById("panel-heading").textContent = c ? c.name : gettext("Add a person");
    fillManagers(personForm.elements.reports_to, current);
    personForm.elements.name.value = c ? c.name : "";
    personForm.elements.title.value = c ? c.title : "";
    personForm.elements.reports_to.value = c && c.reports_to ? String(c.reports_to) : "";
    personForm.querySelectorAll("input[name=roles]").forEach(function (box) {
      box.checked = !!c && c.roles.indexOf(box.value) !== -1;
    });
    personForm.elements.influence.value = c ? c.influence : "medium";
    personForm.elements.attitude.value = c ? c.attitude : "neutral";
    personForm.elements.relationship_strength.value = String(c ? c.strength : 3);
    personForm.elements.primary_contact.value = c && c.primary_contact ? c.primary_contact : "";
    personForm.elements.left.checked = !!c && !c.is_active;
    var full = personForm.querySelector("[data-panel=full-form]");
    if (full) {
      full.hidden = !c;
      if (c) { full.href = "/accounts/" + data.account + "/relationships/contacts/" + c.id + "/edit/"; }
    }
    var drawButton = personForm.querySelector("[data-panel=influences]");
    if (drawButton) { drawButton.hidden = !c; }
    setReadOnly(personForm);
    personForm.elements.name.focus();
  }

  function openInfluence(edge) {
    currentLine = edge.data("influence");
    personForm.hidden = true;
    influenceForm.hidden = false;
    showPanel();
    clearErrors(influenceForm);
    document.getElementById("panel-heading").textContent = gettext("Line of influence");
    document.getElementById("influence-what").textContent =
      people[edge.source().data("contact")].name + " influences " + people[edge.target().data("contact")].name + ".";
    influenceForm.elements.strength.value = String(edge.data("strength"));
    influenceForm.elements.note.value = edge.data("note") || "";
    setReadOnly(influenceForm);
  }

  function showPanel() {
    // The panel takes room from the canvas: Cytoscape must learn its new size.
    if (panel.hidden) { panel.hidden = false; cy.resize(); }
  }

  function closePanel() {
    panel.hidden = true;
    cy.resize();
    current = null;
    currentLine = null;
    cy.elements().unselect();
  }
  panel.addEventListener("click", function (event) {
    var action = event.target.getAttribute("data-panel");
    if (action === "close") { closePanel(); }
    if (action === "influences" && current) {
      drawingFrom = current;
      say(words(gettext("Click the person %(name)s influences (Esc cancels)."), { name: people[current].name }));
    }
    if (action === "delete-influence" && currentLine) { deleteInfluence(currentLine); }
  });

  function refresh(c) {
    // The contact as the API answered: its card, its reporting line, its data.
    people[c.id] = Object.assign({}, people[c.id] || {}, {
      id: c.id, name: c.name, title: c.title, roles: c.roles, influence: c.influence,
      attitude: c.attitude, strength: c.relationship_strength, primary_contact: c.primary_contact,
      is_overdue: c.is_overdue, is_active: c.is_active, left_on: c.left_on, reports_to: c.reports_to, version: c.version,
      last_interaction_on: c.last_interaction_on
    });
    var p = people[c.id];
    var node = cy.getElementById("c" + c.id);
    if (!node.length) {
      node = cy.add({ group: "nodes", data: nodeData(p), position: freeSpot() });
    } else {
      node.data(nodeData(p));
    }
    node.toggleClass("left", !p.is_active);
    cy.getElementById("r" + c.id).remove();
    if (p.reports_to && people[p.reports_to]) {
      cy.add({ group: "edges", data: { id: "r" + c.id, source: "c" + p.reports_to, target: "c" + c.id }, classes: "reports" });
    }
    applyFilters();
    return node;
  }

  function freeSpot() {
    if (!cy.nodes().length) { return { x: 0, y: 0 }; }
    var box = cy.nodes().boundingBox({});
    return { x: box.x1 + 100, y: box.y2 + 120 };
  }

  function refreshGaps() {
    return api("GET", "/api/v1/accounts/" + data.account + "/coverage-gaps/").then(function (answer) {
      if (!answer.ok || !Array.isArray(answer.body)) { return; }
      var withGap = {};
      answer.body.forEach(function (gap) { if (gap.contact) { withGap[gap.contact] = true; } });
      cy.nodes().forEach(function (n) { n.toggleClass("gap", !!withGap[n.data("contact")]); });
    });
  }

  function personBody() {
    var f = personForm.elements;
    var body = {
      name: f.name.value,
      title: f.title.value,
      reports_to: f.reports_to.value ? Number(f.reports_to.value) : null,
      roles: Array.prototype.filter.call(personForm.querySelectorAll("input[name=roles]"), function (box) { return box.checked; })
        .map(function (box) { return box.value; }),
      influence: f.influence.value,
      attitude: f.attitude.value,
      relationship_strength: Number(f.relationship_strength.value),
      primary_contact: f.primary_contact.value || null,
      is_active: !f.left.checked
    };
    return body;
  }

  personForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!canEdit) { return; }
    var body = personBody();
    var request;
    if (current) {
      request = api("PATCH", "/api/v1/contacts/" + current + "/", body, people[current].version);
    } else {
      body.account = data.account;
      request = api("POST", "/api/v1/contacts/", body);
    }
    request.then(function (answer) {
      if (!answer.ok) {
        showErrors(personForm, answer.body);
        say(problems(answer.body), true);
        if (answer.body && answer.body.current) { refresh(answer.body.current); }
        return;
      }
      var node = refresh(answer.body);
      say(words(current ? gettext("Saved %(name)s.") : gettext("Added %(name)s."), { name: answer.body.name }));
      current = answer.body.id;
      document.getElementById("panel-heading").textContent = answer.body.name;
      node.select();
      refreshGaps();
    }, function () { say(gettext("The server could not be reached; nothing was saved."), true); });
  });

  influenceForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!canEdit || !currentLine) { return; }
    var edge = cy.getElementById("i" + currentLine);
    api("PATCH", "/api/v1/contact-influences/" + currentLine + "/", {
      strength: Number(influenceForm.elements.strength.value), note: influenceForm.elements.note.value
    }, edge.data("version")).then(function (answer) {
      if (!answer.ok) { showErrors(influenceForm, answer.body); say(problems(answer.body), true); return; }
      edge.data(influenceData(answer.body));
      say(gettext("Saved the line of influence."));
    });
  });

  function drawInfluence(fromId, toId) {
    api("POST", "/api/v1/contact-influences/", {
      account: data.account, source: fromId, target: toId, strength: 3
    }).then(function (answer) {
      if (!answer.ok) { say(problems(answer.body), true); return; }
      var edge = cy.add({ group: "edges", data: influenceData(answer.body), classes: "influence" });
      say(words(gettext("%(from)s influences %(to)s: line drawn. Set its strength and note in the panel."), { from: people[fromId].name, to: people[toId].name }));
      cy.elements().unselect();
      edge.select();
      openInfluence(edge);
      refreshGaps();
    });
  }

  function deleteInfluence(id) {
    api("DELETE", "/api/v1/contact-influences/" + id + "/").then(function (answer) {
      if (!answer.ok) { say(problems(answer.body), true); return; }
      cy.getElementById("i" + id).remove();
      closePanel();
      say(gettext("Removed the line of influence."));
      refreshGaps();
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && drawingFrom) { drawingFrom = null; say(gettext("No line drawn.")); }
  });

  cy.on("tap", "node", function (event) {
    var node = event.target;
    if (drawingFrom) {
      var from = drawingFrom;
      drawingFrom = null;
      if (node.data("contact") === from) { say(gettext("A person cannot influence themselves; no line drawn."), true); return; }
      drawInfluence(from, node.data("contact"));
      return;
    }
    openPerson(node);
  });
  cy.on("tap", "edge.influence", function (event) { openInfluence(event.target); });

  // --- drag a person onto another: a new reporting line ------------------------------
  var grabbedAt = null;
  function dropTarget(node) {
    var p = node.position();
    var hit = null;
    cy.nodes().forEach(function (other) {
      if (hit || other.same(node)) { return; }
      var b = other.boundingBox({ includeLabels: false });
      if (p.x >= b.x1 && p.x <= b.x2 && p.y >= b.y1 && p.y <= b.y2) { hit = other; }
    });
    return hit;
  }
  cy.on("grab", "node", function (event) { grabbedAt = Object.assign({}, event.target.position()); });
  cy.on("drag", "node", function (event) {
    cy.nodes().removeClass("drop-target");
    var target = dropTarget(event.target);
    if (target) { target.addClass("drop-target"); }
  });
  cy.on("free", "node", function (event) {
    var node = event.target;
    cy.nodes().removeClass("drop-target");
    var target = dropTarget(node);
    var from = grabbedAt;
    grabbedAt = null;
    if (!target || !canEdit) { return; }
    var c = people[node.data("contact")];
    var manager = people[target.data("contact")];
    var undo = function () { if (from) { node.animate({ position: from }, { duration: 200 }); } };
    if (c.reports_to === manager.id) { undo(); say(words(gettext("%(name)s already reports to %(manager)s."), { name: c.name, manager: manager.name })); return; }
    api("PATCH", "/api/v1/contacts/" + c.id + "/", { reports_to: manager.id }, c.version).then(function (answer) {
      undo();
      if (!answer.ok) {
        say(problems(answer.body), true);
        if (answer.body && answer.body.current) { refresh(answer.body.current); }
        return;
      }
      refresh(answer.body);
      say(words(gettext("%(name)s now reports to %(manager)s."), { name: c.name, manager: manager.name }));
      refreshGaps();
    }, function () { undo(); say(gettext("The server could not be reached; nothing changed."), true); });
  });

  // --- the toolbar ---------------------------------------------------------------------
  section.querySelector(".canvas-tools").addEventListener("click", function (event) {
    var action = event.target.getAttribute("data-map");
    if (!action) { return; }
    if (action === "fit") { cy.fit(undefined, 20); }
    if (action === "zoom-in") { cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }); }
    if (action === "zoom-out") { cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }); }
    if (action === "layout") { arrange(true); cy.fit(undefined, 20); }
    if (action === "png") { download(cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }), fileName("png")); }
    if (action === "svg") { download(new Blob([svgMap()], { type: "image/svg+xml" }), fileName("svg")); }
    if (action === "print") { window.print(); }
    if (action === "add") { cy.elements().unselect(); openPerson(null); }
  });

  if (section.getAttribute("data-print")) {
    // The print view: the map as a picture above the full list, ready for the printer.
    var picture = document.createElement("img");
    picture.className = "map-picture";
    picture.alt = gettext("The buying-influence map (the list below holds the same people)");
    picture.src = cy.png({ full: true, scale: 1.5, bg: "#ffffff" });
    section.appendChild(picture);
  }
})();
