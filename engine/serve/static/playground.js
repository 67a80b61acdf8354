// The case playground: evaluate a case through the API, show each answer with its explanation
// tree, the payer chart, a what-if, and exports.  Plain JavaScript, nothing from the internet.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const examples = JSON.parse($("examples-data").textContent);
  let last = null; // {request, response}

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function runs(entries) {
    // consecutive months with the same value, as a drafter reads a timeline
    const out = [];
    for (const e of entries) {
      const prev = out[out.length - 1];
      if (prev && JSON.stringify(prev.value) === JSON.stringify(e.value)) prev.to = e.to;
      else out.push({from: e.from, to: e.to, value: e.value});
    }
    return out.map((r) => `${r.from} to ${r.to}: ${written(r.value)}`).join("; ");
  }

  function written(value) {
    if (value === null || value === undefined) return "—";
    if (Array.isArray(value) && value.length && value[0] && value[0].from !== undefined && value[0].value !== undefined) return runs(value);
    if (Array.isArray(value)) {
      return value.map((e) => (e && e.from !== undefined) ? `${e.from}…${e.to ?? ""}: ${written(e.value)}` : written(e)).join("; ");
    }
    if (typeof value === "object") return Object.entries(value).map(([k, v]) => `${k} ${written(v)}`).join(", ");
    return String(value);
  }

  function explanationNode(node) {
    const cite = node.citation ? `${node.citation.instrument}, art. ${node.citation.article}` +
      (node.citation.paragraph ? ` ${node.citation.paragraph}` : "") +
      (node.citation.alinea ? `, al. ${node.citation.alinea}` : "") : node.rule;
    const details = el("details", {class: "explain"}, el("summary", {}, cite + ` — version ${node.valid_from}`));
    const link = el("a", {href: `/rules/${node.rule}#${node.version}`}, node.version);
    details.append(el("p", {}, "rule ", link, node.selected_by ? `, chosen by ${node.selected_by}` : ""));
    for (const s of node.sources || []) {
      details.append(el("blockquote", {}, `«${s.excerpt}» (${s.file}, lines ${s.lines[0]}-${s.lines[1]})`));
    }
    const facts = Object.entries(node.facts || {});
    if (facts.length) details.append(el("ul", {class: "facts"}, ...facts.map(([k, v]) => el("li", {}, `fact ${k} = ${written(v)}`))));
    const params = Object.entries(node.parameters || {});
    if (params.length) details.append(el("ul", {class: "params"}, ...params.map(([k, v]) => el("li", {}, `parameter ${k} = ${written(v)}`))));
    for (const used of node.relies_on || []) {
      const inner = el("details", {class: "explain relies"}, el("summary", {}, `relies on ${used.output} = ${used.status === "value" ? written(used.value) : used.status}`));
      for (const child of used.nodes || []) inner.append(explanationNode(child));
      details.append(inner);
    }
    return details;
  }

  function showAnswers(data) {
    const box = $("answers");
    box.replaceChildren(el("h2", {}, `As of ${data.as_of}` + (data.law_as_of ? ` — law of ${data.law_as_of}` : "")));
    const list = el("div", {class: "answers"});
    let shown = 0, missing = 0;
    for (const [name, out] of Object.entries(data.outputs)) {
      if (out.status !== "value") { missing += 1; if (Object.keys(data.outputs).length > 1) continue; }
      shown += 1;
      const item = el("article", {class: `answer status-${out.status}`, "data-output": name});
      item.append(el("h3", {}, el("code", {}, name), " = ", el("span", {class: "value"}, out.status === "value" ? written(out.value) : (out.message || out.status))));
      if (out.citations && out.citations.length) item.append(el("p", {class: "cites"}, out.citations.join("; ")));
      for (const node of out.explanation_tree || []) item.append(explanationNode(node));
      list.append(item);
    }
    box.append(list);
    if (missing && shown !== missing) box.append(el("p", {class: "missing-note"}, `${missing} outputs need more facts.`));
    drawPayer(data.outputs.monthly_payer);
    drawPeriods(data);
    drawWindow(data.window);
  }

  function drawWindow(w) {
    // the 104 weeks of the reference period: the days counted toward the limit (the
    // engine's count, week by week) against the limit line of 52 or 78 weeks
    const section = $("window"), box = $("window-chart");
    if (!w || !w.points || !w.points.length) { section.hidden = true; return; }
    section.hidden = false;
    const ns = "http://www.w3.org/2000/svg";
    const width = 900, height = 260, left = 50, right = 20, top = 14, bottom = 34;
    const top_value = Math.max(w.limit_days || 0, ...w.points.map((p) => p.counted)) * 1.08 || 1;
    const x = (i) => left + (width - left - right) * i / w.points.length;
    const y = (v) => top + (height - top - bottom) * (1 - v / top_value);
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("class", "window-chart");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", `days counted from ${w.from} to ${w.to}; limit ${w.limit_days}`);
    const add = (tag, attrs, text) => {
      const n = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
      if (text !== undefined) n.textContent = text;
      svg.append(n); return n;
    };
    add("line", {x1: left, y1: y(0), x2: width - right, y2: y(0), class: "axis"});
    add("line", {x1: left, y1: top, x2: left, y2: y(0), class: "axis"});
    w.points.forEach((p, i) => {
      const bar = add("rect", {x: x(i) + 0.5, y: y(p.counted), width: Math.max(x(i + 1) - x(i) - 1, 1), height: y(0) - y(p.counted), class: "counted", "data-week": String(i + 1), "data-to": p.to, "data-counted": String(p.counted)});
      const t = document.createElementNS(ns, "title"); t.textContent = `week ${i + 1} (to ${p.to}): ${p.counted} days counted`; bar.append(t);
    });
    if (w.limit_days) {
      add("line", {x1: left, y1: y(w.limit_days), x2: width - right, y2: y(w.limit_days), class: "limit", "data-limit": String(w.limit_days)});
      add("text", {x: left + 4, y: y(w.limit_days) - 4}, `limit ${w.limit_days} days (${w.limit_days / 7} weeks)`);
    }
    for (const v of [0, Math.round(top_value / 2)]) add("text", {x: 4, y: y(v) + 4, class: "tick"}, String(v));
    add("text", {x: left, y: height - 16, class: "tick"}, w.from);
    add("text", {x: (left + width) / 2 - 30, y: height - 16, class: "tick"}, "week 52");
    add("text", {x: width - right - 70, y: height - 16, class: "tick"}, w.to);
    const last = w.points[w.points.length - 1];
    $("window-caption").textContent = `${w.basis}: ${last.counted} days counted` +
      (w.limit_days ? ` of ${w.limit_days} (${w.limit_parameter}, value from ${w.limit_from})` : "") +
      (w.reached_on ? `; the limit is reached on ${w.reached_on}.` : "; the limit is not reached.");
    box.replaceChildren(svg);
  }

  function drawPeriods(data) {
    // the case's periods (incapacity, leave, …) and every dated prohibition, right or
    // obligation on one time axis: e.g. the 26-week ban against the incapacity
    const rows = [];
    for (const [name, periods] of Object.entries(data.periods || {})) rows.push({name, kind: name.includes("incapacity") ? "incapacity" : "periods", spans: periods});
    for (const [name, out] of Object.entries(data.outputs)) {
      const v = out.value;
      if (out.status === "value" && v && typeof v === "object" && !Array.isArray(v) && v.kind && (v.from || v.deadline)) {
        rows.push({name, kind: v.kind, spans: [{from: v.from || v.deadline, to: v.until || v.from || v.deadline}]});
      }
    }
    const section = $("periods"), box = $("periods-chart");
    if (!rows.length) { section.hidden = true; return; }
    section.hidden = false;
    const days = (d) => Date.parse(d) / 86400000;
    const all = rows.flatMap((r) => r.spans.flatMap((s) => [days(s.from), days(s.to)]));
    const lo = Math.min(...all), hi = Math.max(...all) + 1;
    const width = 900, left = 230, rowH = 24, height = rows.length * rowH + 30;
    const x = (d) => left + (width - left - 10) * (d - lo) / Math.max(hi - lo, 1);
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("class", "periods-chart");
    svg.setAttribute("role", "img");
    const add = (tag, attrs, text) => {
      const n = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
      if (text !== undefined) n.textContent = text;
      svg.append(n); return n;
    };
    rows.forEach((row, i) => {
      const y = 10 + i * rowH;
      add("text", {x: 4, y: y + 14, class: "label"}, row.name);
      for (const s of row.spans) {
        const r = add("rect", {x: x(days(s.from)), y, width: Math.max(x(days(s.to) + 1) - x(days(s.from)), 2), height: rowH - 8, class: row.kind, "data-output": row.name, "data-from": s.from, "data-to": s.to});
        const title = document.createElementNS(ns, "title"); title.textContent = `${row.name}: ${s.from} to ${s.to}`; r.append(title);
      }
    });
    const first = new Date(lo * 86400000).toISOString().slice(0, 10), last = new Date((hi - 1) * 86400000).toISOString().slice(0, 10);
    add("text", {x: left, y: height - 4, class: "tick"}, first);
    add("text", {x: width - 80, y: height - 4, class: "tick"}, last);
    box.replaceChildren(svg);
  }

  function drawPayer(out) {
    const section = $("payer"), chart = $("payer-chart");
    if (!out || out.status !== "value" || !Array.isArray(out.value)) { section.hidden = true; return; }
    section.hidden = false;
    chart.replaceChildren();
    const byYear = {};
    for (const entry of out.value) {
      const [y, m] = entry.from.split("-");
      (byYear[y] = byYear[y] || {})[Number(m)] = entry.value;
    }
    const table = el("table", {class: "payer"});
    table.append(el("tr", {}, el("th", {}, ""), ...[...Array(12).keys()].map((i) => el("th", {}, String(i + 1)))));
    for (const [year, months] of Object.entries(byYear)) {
      const row = el("tr", {}, el("th", {scope: "row"}, year));
      for (let m = 1; m <= 12; m++) {
        const who = months[m];
        row.append(el("td", {class: who ? `payer-${who}` : "payer-none", title: `${year}-${String(m).padStart(2, "0")}: ${who ?? "—"}`, "data-month": `${year}-${String(m).padStart(2, "0")}`}, who ? who[0].toUpperCase() : ""));
      }
      table.append(row);
    }
    chart.append(table, el("p", {class: "legend"}, "E = employer, C = CNS"));
  }

  function showErrors(body) {
    const box = $("errors");
    box.hidden = false;
    box.replaceChildren(el("h2", {}, "The case cannot be evaluated"),
      el("ul", {}, ...(body.diagnostics || []).map((d) => el("li", {}, `${d.line ? `line ${d.line}, column ${d.column}: ` : ""}error[${d.code}] ${d.message}` + (d.hint ? ` — ${d.hint}` : "")))));
  }

  async function post(path, payload) {
    const response = await fetch(path, {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify(payload)});
    return {ok: response.ok, body: await response.json()};
  }

  function request() {
    const payload = {case: $("case-yaml").value, window: true};
    if ($("as-of").value) payload.as_of = $("as-of").value;
    if ($("law-as-of").value) payload.law_as_of = $("law-as-of").value;
    if ($("output").value.trim()) payload.outputs = $("output").value.split(",").map((s) => s.trim());
    if ($("reading").value.trim()) payload.reading = $("reading").value.trim();
    return payload;
  }

  // -- the event form: a case as a timeline of the vocabulary's event types -------------
  const eventTypes = JSON.parse($("event-types-data").textContent);
  let rowCount = 0;

  function fillTypes() {
    const types = eventTypes[$("ev-jurisdiction").value] || {};
    $("ev-type").replaceChildren(...Object.keys(types).map((t) => el("option", {value: t}, t)));
    $("ev-rows").replaceChildren();
  }

  function fieldInput(name, spec, rowId) {
    const id = `${rowId}-${name}`;
    let input;
    if (spec.type === "date") input = el("input", {type: "date", id, "data-field": name});
    else if (spec.type === "boolean") {
      input = el("select", {id, "data-field": name}, el("option", {value: ""}, "—"), el("option", {value: "true"}, "yes"), el("option", {value: "false"}, "no"));
    } else if (spec.type === "enum") {
      input = el("select", {id, "data-field": name}, el("option", {value: ""}, "—"), ...spec.values.map((v) => el("option", {value: v}, v)));
    } else input = el("input", {type: "text", id, "data-field": name, size: "10", placeholder: spec.type === "percentage" ? "50%" : spec.type === "time" ? "HH:MM" : spec.type === "event" ? "event id" : spec.type});
    input.dataset.kind = spec.type;
    if (spec.required) input.required = true;
    return el("label", {title: spec.description}, `${name}${spec.required ? " *" : ""} `, input);
  }

  function addEvent(type, values) {
    const spec = (eventTypes[$("ev-jurisdiction").value] || {})[type];
    if (!spec) return null;
    rowCount += 1;
    const rowId = `ev${rowCount}`;
    const row = el("div", {class: "event-row", "data-type": type, id: rowId},
      el("strong", {title: spec.description}, type),
      ...Object.entries(spec.fields).map(([name, f]) => fieldInput(name, f, rowId)));
    const remove = el("button", {type: "button", class: "remove", "aria-label": `remove ${type}`}, "✕");
    remove.addEventListener("click", () => row.remove());
    row.append(remove);
    $("ev-rows").append(row);
    for (const [k, v] of Object.entries(values || {})) { const i = $(`${rowId}-${k}`); if (i) i.value = v; }
    return row;
  }

  function scalar(kind, value) {
    if (kind === "boolean") return value;
    if (kind === "decimal" && /^-?[0-9]+(\.[0-9]+)?$/.test(value)) return value;
    return JSON.stringify(value);      // a quoted YAML string: dates, enums, "50%"
  }

  function caseYaml() {
    const lines = [`case: ${JSON.stringify($("ev-case").value || "A case built in the event form")}`,
      `jurisdiction: ${$("ev-jurisdiction").value}`];
    if ($("ev-as-of").value) lines.push(`as_of: "${$("ev-as-of").value}"`);
    const rows = [...$("ev-rows").querySelectorAll(".event-row")];
    lines.push(rows.length ? "events:" : "events: []");
    for (const row of rows) {
      const parts = [`type: ${row.dataset.type}`];
      for (const input of row.querySelectorAll("[data-field]")) {
        if (input.value !== "") parts.push(`${input.dataset.field}: ${scalar(input.dataset.kind, input.value)}`);
      }
      lines.push(`  - {${parts.join(", ")}}`);
    }
    return lines.join("\n") + "\n";
  }

  $("ev-jurisdiction").addEventListener("change", fillTypes);
  $("ev-add").addEventListener("click", () => addEvent($("ev-type").value));
  $("events-form").addEventListener("submit", (e) => {
    e.preventDefault();
    $("case-yaml").value = caseYaml();          // the case, shown as YAML, then evaluated
    if ($("ev-as-of").value) $("as-of").value = $("ev-as-of").value;
    $("case-form").requestSubmit();
  });
  fillTypes();

  $("example").addEventListener("change", (e) => { $("case-yaml").value = examples[e.target.value] || ""; });
  $("case-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("errors").hidden = true;
    const payload = request();
    const {ok, body} = await post("/api/v1/evaluate", payload);
    if (!ok) { showErrors(body); return; }
    last = {request: payload, response: body.data};
    showAnswers(body.data);
    $("whatif-section").hidden = false;
    $("export-section").hidden = false;
  });
  $("whatif-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const set = {};
    for (const part of $("whatif-set").value.split(";")) {
      const i = part.indexOf("=");
      if (i > 0) set[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    }
    const payload = request();
    delete payload.reading;
    delete payload.window;
    payload.set = set;
    const {ok, body} = await post("/api/v1/whatif", payload);
    const box = $("whatif-result");
    if (!ok) { showErrors(body); return; }
    const changes = body.data.changes;
    box.replaceChildren(changes.length ? el("ul", {class: "changes"}, ...changes.map((c) => el("li", {}, el("code", {}, c.output), `: ${written(c.before)} → ${written(c.after)}`, el("br"), el("small", {}, c.divergence)))) : el("p", {}, "Nothing changes."));
  });

  function download(name, text, type) {
    const a = el("a", {href: URL.createObjectURL(new Blob([text], {type})), download: name});
    document.body.append(a); a.click(); a.remove();
  }
  $("export-json").addEventListener("click", () => last && download("answers.json", JSON.stringify(last, null, 2), "application/json"));
  $("export-yaml").addEventListener("click", () => last && download("case.yaml", last.request.case, "text/yaml"));
  $("export-md").addEventListener("click", () => {
    if (!last) return;
    const rows = Object.entries(last.response.outputs).filter(([, o]) => o.status === "value").map(([n, o]) => `| ${n} | ${written(o.value)} | ${(o.citations || []).join("; ")} |`);
    download("answers.md", `# ${last.response.case}\n\nAs of ${last.response.as_of}\n\n| output | value | citation |\n|---|---|---|\n${rows.join("\n")}\n`, "text/markdown");
  });
})();
