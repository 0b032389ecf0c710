export * from './roles';
export * from './errors';
export * from './pagination';
export * from './auth';
export * from './zod-locale';
export * from './crm';
export * from './projects';
export * from './jobs';
