// The manifest of the index next to this code (./index/manifest.json), as text. The build puts
// it here when it joins the search modules into assets/search/search.js (kbtools/search/bundle.py),
// so that a page gets the code and the manifest in one request. Loaded module by module, as here,
// it is null and the manifest is fetched.
/** @type {string | null} */
export const MANIFEST_TEXT = null;
