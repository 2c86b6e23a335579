export * from './load';
export * from './plan';
export * from './problems';
export { environmentSchema, environmentJsonSchema } from './schema';
export type { EnvironmentConfig, EnvironmentInput } from './schema';
export * from './rules';
