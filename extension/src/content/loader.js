// Classic content script: manifests cannot declare module content scripts,
// so this loads the ES module entry from the extension's own files.
/* global chrome, browser */
(() => {
  const api = globalThis.browser?.runtime ? globalThis.browser : globalThis.chrome;
  // The URL is the extension's own packaged file, never page data (web-ext
  // lint warns about any non-literal import(); see extension/README.md).
  import(api.runtime.getURL('src/content/index.js'))
    .then((m) => m.main())
    .catch((err) => console.debug('ClaimFlag: content script failed to load', err));
})();
