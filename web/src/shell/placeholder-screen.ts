import { onLangChange, t } from '../i18n.ts';
import type { Screen } from './screen.ts';

/** Stands in for a screen another change delivers (the import page): names it and says so. */
export default function createPlaceholderScreen(): Screen {
  let stop = () => {};
  return {
    mount(container) {
      const draw = () => {
        container.innerHTML = '';
        const p = document.createElement('p');
        p.className = 'placeholder';
        p.dataset.testid = 'placeholder';
        p.textContent = t('shell.comingSoon');
        container.append(p);
      };
      draw();
      stop = onLangChange(draw);
    },
    unmount() {
      stop();
    },
  };
}
