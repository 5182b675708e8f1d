export * from './backoff';
export * from './socket';
export * from './http';
