import type { ScreenExport } from './screen.ts';

/**
 * The screens of the app and their clean URLs, in navigation order. The server serves the app
 * at exactly these paths (server/web-app.ts; test/web/app-shell.test.ts keeps the two lists
 * equal). Plugging in a screen is its one line here: a module whose default export is a
 * {@link Screen} or a function making one.
 */
export const ROUTES = [
  { id: 'map', path: '/map', load: () => import('../map/map-screen.ts') },
  { id: 'review', path: '/review', load: () => import('../review/review-screen.ts') },
  { id: 'quality', path: '/quality', load: () => import('../quality/quality-screen.ts') },
  { id: 'import', path: '/import', load: () => import('../import/import-screen.ts') },
  { id: 'battle', path: '/battle', load: () => import('../battle/battle-screen.ts') },
  { id: 'admin', path: '/admin', load: () => import('../admin/admin-screen.ts') },
] as const satisfies readonly { id: string; path: string; load: () => Promise<{ default: ScreenExport }> }[];

export type RouteId = (typeof ROUTES)[number]['id'];

/** The route of a path; `/` and unknown paths are the map. */
export function routeOf(pathname: string): (typeof ROUTES)[number] {
  const clean = pathname.replace(/\/+$/, '') || '/';
  return ROUTES.find((r) => r.path === clean) ?? ROUTES[0];
}
