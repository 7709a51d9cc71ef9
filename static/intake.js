// The counter's intake form: the appointment follows the channel and the clock, the
// submitter's fields show only when someone else brings the papers, the receive button waits
// for the required papers, and a second click cannot send the form twice (the server also
// ignores a resent form key).
(function () {
  const form = document.getElementById("intake");
  if (!form) return;
  const dueText = document.getElementById("due-text");
  const timeText = document.getElementById("time-text");
  const channel = document.getElementById("channel");
  const variant = document.getElementById("variant");  // only when cases have their own time
  async function refresh() {
    const url = new URL(form.dataset.dueUrl, window.location.href);
    url.searchParams.set("procedure", form.dataset.procedure);
    url.searchParams.set("channel", channel.value);
    if (variant) url.searchParams.set("variant", variant.value);
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const body = await response.json();
      dueText.textContent = body.due_text || "Không hẹn ngày";
      timeText.textContent = body.time_text;
    } catch (_) { /* keep what is shown */ }
  }
  channel.addEventListener("change", refresh);
  if (variant) variant.addEventListener("change", refresh);
  setInterval(refresh, 60000);
  const owner = document.getElementById("submitter_is_owner");
  const submitter = document.getElementById("submitter");
  const toggle = () => { submitter.hidden = owner.checked; };
  owner.addEventListener("change", toggle);
  toggle();

  // The rule of onestop/dossiers/checklist.py, on the rows of the checklist: a paper counts
  // with its tick and one copy at least; it matches papers of the same name or code. The
  // dossier is complete when the common required papers are there and, when the list has
  // cases, all the required papers of one case. The server checks again.
  const receive = document.getElementById("receive");
  const blocked = document.getElementById("receive-blocked");
  const missingList = document.getElementById("receive-missing");
  const rows = Array.from(form.querySelectorAll("tr[data-key]"));
  const copies = (row) => Array.from(row.querySelectorAll("input[type=number]"))
    .reduce((sum, input) => sum + Math.max(parseInt(input.value, 10) || 0, 0), 0);
  const ticked = (row) => row.querySelector("input[type=checkbox]").checked && copies(row) >= 1;
  const required = (row) => row.dataset.required === "1";
  const label = (row) => row.querySelector("label").textContent.trim();
  const before = (a, b) => {
    const i = a.findIndex((value, j) => value !== b[j]);
    return i >= 0 && a[i] < b[i];
  };

  function lacking() {
    const names = new Set();
    const codes = new Set();
    rows.filter(ticked).forEach((row) => {
      names.add(row.dataset.key);
      if (row.dataset.code) codes.add(row.dataset.code);
    });
    const has = (row) => names.has(row.dataset.key) || (row.dataset.code !== "" && codes.has(row.dataset.code));
    const missing = (list) => list.filter((row) => required(row) && !has(row));
    const cases = new Map();
    rows.filter((row) => row.dataset.case).forEach((row) => {
      if (!cases.has(row.dataset.case)) cases.set(row.dataset.case, []);
      cases.get(row.dataset.case).push(row);
    });
    let best = null;
    let order = 0;
    for (const [name, list] of cases) {
      order += 1;
      if (!list.some(required)) continue; // a case with no required paper adds, it is not one
      const rank = [missing(list).length, -list.filter(has).length, order];
      if (!best || before(rank, best.rank)) best = { name, rank, rows: missing(list) };
    }
    const seen = new Set();
    const out = missing(rows.filter((row) => !row.dataset.case)).concat(best ? best.rows : [])
      .filter((row) => !seen.has(row.dataset.key) && seen.add(row.dataset.key));
    return { rows: out, case: best && out.some((row) => row.dataset.case) ? best.name : null };
  }

  function follow() {
    if (!receive) return;
    const found = lacking();
    receive.disabled = found.rows.length > 0;
    blocked.hidden = missingList.hidden = !receive.disabled;
    missingList.replaceChildren(...found.rows.map((row) => {
      const item = document.createElement("li");
      item.textContent = label(row);
      return item;
    }));
    if (found.case) {
      const heading = document.createElement("li");
      heading.className = "case";
      heading.textContent = `${blocked.dataset.caseLabel}: ${found.case}`;
      missingList.prepend(heading);
    }
  }
  form.addEventListener("input", follow);
  form.addEventListener("change", follow);
  follow();

  // Enter in a field does not send the form: only a button pressed on purpose does.
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target instanceof HTMLInputElement) event.preventDefault();
  });

  let sent = false;
  form.addEventListener("submit", (event) => {
    if (sent) { event.preventDefault(); return; }
    sent = true;
  });
})();
