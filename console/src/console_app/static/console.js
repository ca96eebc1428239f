// Short polling, not server-sent events: the host's API answers requests and has no
// change feed, so the console would poll it either way; refreshing a fragment every few
// seconds while the tab is visible keeps the server stateless and works behind any proxy.
(() => {
  const every = Number(document.body.dataset.refreshMs || 3000);
  for (const region of document.querySelectorAll("[data-refresh]")) {
    region.setAttribute("aria-live", "polite");
    let last = null; // what the region shows: unchanged answers leave it (and its images) be
    let pending = false; // one request at a time: a slow answer is never overtaken
    const timer = setInterval(async () => {
      if (pending || document.hidden || region.contains(document.activeElement)) return;
      pending = true;
      try {
        const response = await fetch(region.dataset.refresh, { credentials: "same-origin" });
        if (response.status === 401) { window.location = "/signin"; return; }
        if (response.status === 404) { clearInterval(timer); return; } // gone: nothing to follow
        if (!response.ok) return;
        const html = await response.text();
        if (html !== last) { region.innerHTML = html; last = html; }
        // An instance that has ended changes no more (a purge or rerun is done from here).
        if (region.querySelector("[data-final]")) clearInterval(timer);
      } catch (error) {
        // A network blip: the next tick tries again.
      } finally {
        pending = false;
      }
    }, every);
  }
  // Every state-changing action asks first (confirmations survive a refresh: delegated).
  document.addEventListener("submit", (event) => {
    const question = event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
