export * from './duration';
export * from './window';
export * from './health';
export * from './api';
export * from './policy';
