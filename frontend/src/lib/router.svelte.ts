// Client-side routing with the History API. The server returns index.html for every
// path outside /api, so any path here can also be loaded directly.

export const location = $state({
  path: window.location.pathname,
  search: window.location.search,
});

function syncFromWindow(): void {
  location.path = window.location.pathname;
  location.search = window.location.search;
}

/** Moves to `to` (a path with an optional query) without reloading the page. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) {
    history.replaceState(null, '', to);
  } else {
    history.pushState(null, '', to);
  }
  syncFromWindow();
}

/** Replaces the query string of the current entry, keeping the path. */
export function replaceQuery(params: URLSearchParams): void {
  const query = params.toString();
  history.replaceState(null, '', query === '' ? location.path : `${location.path}?${query}`);
  syncFromWindow();
}

function isPlainLeftClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

/**
 * Handles clicks on same-origin links inside the app with `navigate`,
 * leaving downloads, new-tab clicks and links to /api to the browser.
 */
export function startLinkInterception(): () => void {
  function onClick(event: MouseEvent): void {
    if (event.defaultPrevented || !isPlainLeftClick(event)) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.hasAttribute('download') || (anchor.target && anchor.target !== '_self')) return;
    const url = new URL(anchor.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
    // In-page links such as the skip link keep the browser's fragment navigation.
    if (url.hash !== '' && url.pathname === window.location.pathname) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  }
  window.addEventListener('popstate', syncFromWindow);
  document.addEventListener('click', onClick);
  return () => {
    window.removeEventListener('popstate', syncFromWindow);
    document.removeEventListener('click', onClick);
  };
}
