// Light progressive enhancement: every page works without this script. No page has inline script (the CSP of
// chalicelib/shared/http.py allows scripts from /static only), so behaviour is attached here.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// "Quay lại" on error pages: back in history when there is one, else the link's own target (the home page).
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("a[data-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
