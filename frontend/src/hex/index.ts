export * from './coords';
export * from './terrain';
