// The counter's intake form: the appointment follows the channel and the clock, the
// submitter's fields show only when someone else brings the papers, and a second click
// cannot send the form twice (the server also ignores a resent form key).
(function () {
  const form = document.getElementById("intake");
  if (!form) return;
  const dueText = document.getElementById("due-text");
  const timeText = document.getElementById("time-text");
  const channel = document.getElementById("channel");
  async function refresh() {
    const url = new URL(form.dataset.dueUrl, window.location.href);
    url.searchParams.set("procedure", form.dataset.procedure);
    url.searchParams.set("channel", channel.value);
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const body = await response.json();
      dueText.textContent = body.due_text || "Không hẹn ngày";
      timeText.textContent = body.time_text;
    } catch (_) { /* keep what is shown */ }
  }
  channel.addEventListener("change", refresh);
  setInterval(refresh, 60000);
  const owner = document.getElementById("submitter_is_owner");
  const submitter = document.getElementById("submitter");
  const toggle = () => { submitter.hidden = owner.checked; };
  owner.addEventListener("change", toggle);
  toggle();
  let sent = false;
  form.addEventListener("submit", (event) => {
    if (sent) { event.preventDefault(); return; }
    sent = true;
  });
})();
