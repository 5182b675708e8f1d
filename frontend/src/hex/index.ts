export * from './coords';
export * from './terrain';
export * from './sight';
