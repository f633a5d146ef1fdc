(function () {
  var filters = document.getElementById("filters");
  if (!filters) { return; }
  filters.hidden = false;
  var boxes = filters.querySelectorAll("input[type=checkbox]");
  for (var i = 0; i < boxes.length; i++) {
    boxes[i].addEventListener("change", function (event) {
      document.body.classList.toggle("hide-" + event.target.value, !event.target.checked);
    });
  }
})();
(function () {
  // Review in the browser: each verdict and finding can be marked right or wrong, with the correct
  // status and a note. Marks live in localStorage under the report's review key (they survive a
  // reload, and never attach to another report); "Download" saves a sheet that
  // `gapcheck eval --reviews` reads like the sheets of `gapcheck review-sheet`.
  var bar = document.getElementById("review");
  var key = "gapcheck-review:" + document.body.getAttribute("data-review-key");
  if (!bar) { return; }
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  var marks = {};
  try { marks = JSON.parse((store && store.getItem(key)) || "{}") || {}; } catch (e) { marks = {}; }
  var STATUSES = { verdict: ["", "met", "partial", "missing", "not_applicable"], finding: ["", "none"] };
  var items = document.querySelectorAll("[data-review-id]");
  var count = document.getElementById("review-count");

  function save() {
    if (store) { try { store.setItem(key, JSON.stringify(marks)); } catch (e) { /* full or denied */ } }
    var n = 0;
    for (var id in marks) { if (marks[id].verdict) { n += 1; } }
    count.textContent = n + " marked";
  }

  function control(item) {
    var id = item.getAttribute("data-review-id");
    var kind = item.getAttribute("data-kind");
    var box = document.createElement("div");
    box.className = "review-item";
    var mark = marks[id] || { verdict: "", correct_status: "", note: "" };
    function update(field, value) {
      mark[field] = value;
      marks[id] = mark;
      item.classList.toggle("marked-right", mark.verdict === "right");
      item.classList.toggle("marked-wrong", mark.verdict === "wrong");
      save();
    }
    ["right", "wrong"].forEach(function (verdict) {
      var label = document.createElement("label");
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "review-" + id;
      radio.value = verdict;
      radio.className = "review-" + verdict;
      radio.checked = mark.verdict === verdict;
      radio.addEventListener("change", function () { update("verdict", verdict); });
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + verdict));
      box.appendChild(label);
    });
    var select = document.createElement("select");
    select.className = "review-status";
    select.setAttribute("aria-label", "correct status");
    STATUSES[kind].forEach(function (status) {
      var option = document.createElement("option");
      option.value = status;
      option.textContent = status ? "should be " + status : "correct status\u2026";
      option.selected = mark.correct_status === status;
      select.appendChild(option);
    });
    select.addEventListener("change", function () { update("correct_status", select.value); });
    box.appendChild(select);
    var note = document.createElement("input");
    note.type = "text";
    note.className = "review-note";
    note.placeholder = "note";
    note.setAttribute("aria-label", "reviewer's note");
    note.value = mark.note || "";
    note.addEventListener("input", function () { update("note", note.value); });
    box.appendChild(note);
    var cell = item.tagName === "TR" ? item.lastElementChild : item;
    cell.appendChild(box);
    item.classList.toggle("marked-right", mark.verdict === "right");
    item.classList.toggle("marked-wrong", mark.verdict === "wrong");
  }

  function rows() {
    var out = [];
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var id = item.getAttribute("data-review-id");
      var mark = marks[id];
      if (!mark || !mark.verdict) { continue; }
      out.push({ id: id, source: item.getAttribute("data-source"), kind: item.getAttribute("data-kind"),
                 requirement: item.getAttribute("data-requirement"), status: item.getAttribute("data-status"),
                 severity: item.getAttribute("data-severity"), verdict: mark.verdict,
                 correct_status: mark.correct_status || "", note: mark.note || "" });
    }
    return out;
  }

  function download(name, type, text) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  document.getElementById("review-yaml").addEventListener("click", function () {
    // JSON is YAML: PyYAML reads this as it reads the sheets review-sheet writes
    var sheet = { gapcheck_review_sheet: 1, report: document.title, review_key: key.split(":")[1],
                  tool_version: document.body.getAttribute("data-tool-version"),
                  created: new Date().toISOString().replace(/\.\d+Z$/, "Z"), items: rows() };
    download("review-sheet.yaml", "application/yaml", JSON.stringify(sheet, null, 1) + "\n");
  });
  document.getElementById("review-csv").addEventListener("click", function () {
    var columns = ["id", "source", "kind", "requirement", "status", "severity", "verdict", "correct_status", "note"];
    var quote = function (value) { return '"' + String(value == null ? "" : value).replace(/"/g, '""') + '"'; };
    var lines = [columns.join(",")];
    rows().forEach(function (row) { lines.push(columns.map(function (c) { return quote(row[c]); }).join(",")); });
    download("review-sheet.csv", "text/csv", lines.join("\n") + "\n");
  });
  document.getElementById("review-clear").addEventListener("click", function () {
    marks = {};
    save();
    var boxes = document.querySelectorAll(".review-item");
    for (var i = 0; i < boxes.length; i++) { boxes[i].remove(); }
    for (var j = 0; j < items.length; j++) { control(items[j]); }
  });
  for (var i = 0; i < items.length; i++) { control(items[i]); }
  bar.hidden = false;
  save();
})();
