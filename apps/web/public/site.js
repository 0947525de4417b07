// The prerendered public pages' only script (they read fine without it): the language link
// remembers the choice for the web app (localStorage oslrs.lang, mirrored in the oslrs_lang cookie
// that the server reads to send /register in that language), and a visitor who chose a language in
// the app is taken to this page in that language.
/* global document, location */
(function () {
  var KEY = 'oslrs.lang';
  var here = document.documentElement.lang;
  var stored = null;
  function mirror(lang) {
    var secure = location.protocol === 'https:' ? '; secure' : '';
    document.cookie = 'oslrs_lang=' + lang + '; path=/; max-age=31536000; samesite=lax' + secure;
  }
  try {
    stored = localStorage.getItem(KEY);
  } catch {
    // No storage (private mode): nothing was remembered.
  }
  if (stored && /^[a-z]{2,3}$/.test(stored)) mirror(stored);
  var other = document.querySelector('link[rel="alternate"][hreflang="' + stored + '"]');
  if (stored && stored !== here && other) {
    location.replace(other.getAttribute('href') + location.hash);
    return;
  }
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[data-lang]');
    if (!link) return;
    try {
      localStorage.setItem(KEY, link.getAttribute('data-lang'));
      mirror(link.getAttribute('data-lang'));
    } catch {
      // No storage: the link still leads to the page in that language.
    }
  });
})();
