export * from './ports';
export * from './prometheus';
