import { industryClassName } from '../../geodata/model/industry-classes.ts';

/** `26 化学原料和化学制品制造业` (zh) or `Industry 26` (en: the standard has no official English names). */
export function industryName(code: string, lang: 'zh' | 'en'): string {
  const name = industryClassName(code) ?? industryClassName(code.slice(0, 2));
  if (lang === 'en' || !name) return `${lang === 'zh' ? '行业' : 'Industry'} ${code}`;
  return `${code} ${name}`;
}
