export * from './roles';
export * from './errors';
export * from './pagination';
export * from './auth';
