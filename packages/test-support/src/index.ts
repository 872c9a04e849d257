export * from './ports';
export * from './prometheus';
export * from './tap';
export * from './server-timing';
