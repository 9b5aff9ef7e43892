export * from './osv';
export * from './versions';
export * from './affects';
export * from './packages';
export { compareMaven } from './maven';
