import type { Lang } from '../i18n.ts';
import type { Me } from '../session.ts';
import type { RouteId } from './routes.ts';

/** What the shell holds: the screen shown, the language and who is signed in. */
export interface ShellState {
  readonly route: RouteId;
  readonly lang: Lang;
  readonly me: Me | null;
}

export function initialShellState(route: RouteId, lang: Lang): ShellState {
  return { route, lang, me: null };
}

export const navigateTo = (s: ShellState, route: RouteId): ShellState => (s.route === route ? s : { ...s, route });
export const toggleLang = (s: ShellState): ShellState => ({ ...s, lang: s.lang === 'zh' ? 'en' : 'zh' });
export const signedInAs = (s: ShellState, me: Me | null): ShellState => ({ ...s, me });

/** The language a URL asks for: `?lang=en` or (the map's links) `#…&lang=en`; Chinese otherwise. */
export function langOf(search: string, hash: string): Lang {
  if (new URLSearchParams(search).get('lang') === 'en') return 'en';
  return new URLSearchParams(hash.replace(/^#/, '')).get('lang') === 'en' ? 'en' : 'zh';
}

/** The query string with the language in it (left out for Chinese, the default). */
export function withLang(search: string, lang: Lang): string {
  const p = new URLSearchParams(search);
  if (lang === 'zh') p.delete('lang');
  else p.set('lang', lang);
  const qs = p.toString();
  return qs ? `?${qs}` : '';
}
