export * from './filters.ts';
export * from './statistics.ts';
export * from './source-list.ts';
export * from './search.ts';
export * from './feature-detail.ts';
export * from './monitoring.ts';
