/**
 * What the shell mounts: a screen takes a container, draws itself in it and starts whatever it
 * runs (maps, timers, requests); unmount stops all of it and leaves the container to the next
 * screen. The same shape as MapLibre's IControl (`onAdd` / `onRemove`).
 */
export interface Screen {
  mount(container: HTMLElement): void | Promise<void>;
  unmount(): void;
}

/** A screen module's default export: the screen itself, or a function that makes a fresh one. */
export type ScreenExport = Screen | (() => Screen);

export function toScreen(exported: ScreenExport): Screen {
  return typeof exported === 'function' ? exported() : exported;
}
