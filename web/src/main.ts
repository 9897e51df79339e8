/**
 * The app shell: one header (title, navigation, language, account) over one screen at a time.
 * Each screen is a module with mount/unmount (shell/screen.ts) at a clean URL (shell/routes.ts);
 * navigation swaps screens without reloading the page. This file only boots.
 */
import { lang, onLangChange, setLang, t, type MessageKey } from './i18n.ts';
import { ensureSignedIn, mountAccount, whoAmI } from './session.ts';
import { ROUTES, routeOf, type RouteId } from './shell/routes.ts';
import { toScreen, type Screen } from './shell/screen.ts';
import { initialShellState, langOf, navigateTo, signedInAs, toggleLang, withLang } from './shell/shell-state.ts';
import { createStore } from './shell/store.ts';
import './style.css';

const $ = (id: string) => document.getElementById(id)!;

if (location.pathname === '/' || location.pathname === '/index.html') history.replaceState(null, '', `/map${location.search}${location.hash}`);
const store = createStore(initialShellState(routeOf(location.pathname).id, langOf(location.search, location.hash)));
setLang(store.get().lang);

document.body.innerHTML = `
  <header id="shellbar">
    <h1 id="app-title"></h1>
    <nav id="nav"></nav>
    <span class="spacer"></span>
    <button id="lang-switch" type="button"></button>
    <span id="account"></span>
  </header>
  <div id="screen"></div>`;

function renderHeader(): void {
  const s = store.get();
  $('app-title').textContent = t('title');
  $('lang-switch').textContent = t('langSwitch');
  $('nav').replaceChildren(...ROUTES.map((r) => {
    const a = document.createElement('a');
    a.href = `${r.path}${withLang('', s.lang)}`;
    a.dataset.nav = r.id;
    a.textContent = t(`nav.${r.id}` as MessageKey);
    if (r.id === s.route) a.setAttribute('aria-current', 'page');
    a.addEventListener('click', (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      if (r.id === store.get().route) return;
      history.pushState(null, '', a.href);
      store.dispatch(navigateTo, r.id);
    });
    return a;
  }));
}

let current: Screen | null = null;
let mounting = 0;
async function show(route: RouteId): Promise<void> {
  const ticket = ++mounting;
  current?.unmount();
  current = null;
  const old = $('screen');
  // A fresh container per screen: nothing a screen left behind (listeners, classes) reaches the next.
  const container = document.createElement('div');
  container.id = 'screen';
  container.dataset.screen = route;
  old.replaceWith(container);
  document.title = `${t(`nav.${route}` as MessageKey)} · ${t('title')}`;
  try {
    const screen = toScreen((await ROUTES.find((r) => r.id === route)!.load()).default);
    if (ticket !== mounting) return;
    current = screen;
    await screen.mount(container);
  } catch (err) {
    container.textContent = t('shell.loadFailed', { error: (err as Error).message });
    throw err;
  }
}

store.subscribe((s, prev) => {
  if (s.lang !== prev.lang) {
    setLang(s.lang);
    history.replaceState(null, '', `${location.pathname}${withLang(location.search, s.lang)}${location.hash}`);
  }
  if (s.route !== prev.route || s.lang !== prev.lang) renderHeader();
  if (s.route !== prev.route) void show(s.route);
});
$('lang-switch').addEventListener('click', () => store.dispatch(toggleLang));
// A screen that switches the language itself (the map restoring a shared link) keeps the header in step.
onLangChange(() => { if (lang() !== store.get().lang) store.dispatch(toggleLang); });
window.addEventListener('popstate', () => {
  store.dispatch(navigateTo, routeOf(location.pathname).id);
  const wanted = langOf(location.search, location.hash);
  if (wanted !== store.get().lang) store.dispatch(toggleLang);
});

renderHeader();
void show(store.get().route);

// Who is looking, in parallel with the first screen (it must not hold up the map's first frame).
// A server without anonymous access answers 401: the sign-in form comes up, and the page reloads
// once signed in, with its state still in the URL. A change of user reloads too, since tiles,
// lists and statistics are cut to the new user's region.
void whoAmI().then(async (me) => {
  if (!me) {
    await ensureSignedIn();
    window.location.reload();
    return;
  }
  store.dispatch(signedInAs, me);
  mountAccount($('account'), me, () => window.location.reload());
  // The account box speaks the page's language.
  onLangChange(() => mountAccount($('account'), store.get().me, () => window.location.reload()));
});

/** The signed-in principal, for screens that act (reviewer actions, user admin). */
export function currentUser() {
  return store.get().me;
}
