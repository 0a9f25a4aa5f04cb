export * from './projects';
export * from './api-keys';
export * from './events';
export * from './event-activity';
export * from './audit-log';
export * from './model-prices';
export * from './health-checks';
export * from './alerts';
