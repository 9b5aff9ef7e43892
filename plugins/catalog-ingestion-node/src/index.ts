/**
 * What other catalog modules use to extend catalog ingestion: readers of
 * the files of every repository it discovers (SBOMs, docs), the types they
 * are given, where each discovered entity came from, and the check of an
 * entity as the catalog will make it.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './readers';
export * from './paths';
export * from './routes';
export { validateEntity } from './validateEntity';
