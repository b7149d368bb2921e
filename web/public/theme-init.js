// Apply the saved theme before first paint so a dark-mode user never sees a white flash.
// A file, not an inline script: the Content-Security-Policy allows scripts from 'self' only.
try {
  var t = localStorage.getItem('mltrack-theme');
  if (t === 'dark' || (!t && window.matchMedia('(prefers-color-scheme: dark)').matches)) {
    document.documentElement.classList.add('dark');
  }
} catch (e) {}
